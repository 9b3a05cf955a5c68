import Foundation

/// The latest event time any source of a run has shown and trusted (its `SourceCursor`'s
/// latest time, never a held clock jump): what a source's first event is checked against.
///
/// Shared by `watch`'s reader threads: each cursor raises it once per step and reads it only
/// while it has no trusted time of its own, so the lock is taken a few times per step, never
/// per line.
/// `@unchecked Sendable`: its one value is behind its lock.
@_spi(SeamStages) public final class ClockReference: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = .min

    @_spi(SeamStages) public init() {}

    /// The latest trusted time shown so far (`.min` before any).
    var latest: Int64 {
        lock.lock(); defer { lock.unlock() }
        return value
    }

    /// Raises `latest` to `time` when later.
    func raise(to time: Int64) {
        lock.lock(); defer { lock.unlock() }
        if time > value { value = time }
    }
}
