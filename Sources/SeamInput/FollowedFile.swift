import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows one path the way `tail -F` does, for a `LineReader` at the end of what was written.
///
/// The reader calls `awaitMore` whenever `read(2)` returns 0. It polls (every
/// `control.pollInterval`, wall time) until one of these, checked in this order:
/// - the open file grew past what was read: `.more`;
/// - it shrank below it (`copytruncate`, or a truncation): the descriptor is rewound to 0;
/// - the path now names another file (rotation by rename and recreate): the old file was read
///   to its end (the read that returned 0 came after the rename, and the size check above
///   found nothing more), so it is closed and the new one opened from its start;
/// - the path is gone and the open file has no name left (deleted): it was drained, so
///   `.ended` (a file renamed away and not yet recreated is waited for, as `tail -F` does);
/// - the run is stopping (`control.isDraining`) and nothing more is there: `.ended`.
/// After a rewind or a switch, a partial last line of the old bytes ends there (`.lineEnd`,
/// so the reader closes it as a complete line, as at the end of a plain file), never glued to
/// the new file's first bytes.
///
/// Every file it reads is registered in `control` by device and inode, so a folder scan does
/// not take a file renamed by rotation (`app.log` -> `app.log.1`) for a new one.
/// Thread: used by its reader's thread only; `control` is shared.
/// `@unchecked Sendable`: what other threads read (`hasEnded`, `isQuiet`) is behind its lock.
@_spi(SeamStages) public final class FollowedFile: @unchecked Sendable {
    @_spi(SeamStages) public enum Outcome { case more, lineEnd, ended }

    @_spi(SeamStages) public let path: String
    @_spi(SeamStages) public let control: FollowControl
    /// Device and inode of the file open now.
    private var id: FileIdentity?
    /// Counts, for the summary's notes and metrics.
    @_spi(SeamStages) public private(set) var rotations = 0
    @_spi(SeamStages) public private(set) var truncations = 0
    /// Set while waiting for more (`awaitMore`): the wall time the wait began, in ns; nil while
    /// reading. Read by the correlator's thread to tell a quiet source (`isQuiet`).
    private let lock = NSLock()
    private var waitingSince: UInt64?
    private var ended = false

    /// True once the file was deleted and drained, or the run stopped.
    @_spi(SeamStages) public var hasEnded: Bool {
        lock.lock(); defer { lock.unlock() }
        return ended
    }

    @_spi(SeamStages) public init(path: String, control: FollowControl) {
        self.path = path
        self.control = control
    }

    /// True when the reader has waited for new bytes at least `for` ns of wall time.
    @_spi(SeamStages) public func isQuiet(for ns: UInt64, now: UInt64 = FollowControl.now()) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let since = waitingSince else { return false }
        return now &- since >= ns
    }

    /// The descriptor was just opened by the reader: remember which file it is.
    @_spi(SeamStages) public func opened(fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        let id = FileIdentity(st)
        self.id = id
        control.register(id)
    }

    /// Waits until `fd` (at its end now) has more to read, or until it was rotated, truncated
    /// or deleted, or the run stops. `partialLine`: the reader holds a line without its `\n`.
    /// May replace `fd` (rotation); closes the old one then.
    @_spi(SeamStages) public func awaitMore(fd: inout Int32, partialLine: Bool) -> Outcome {
        lock.lock(); waitingSince = FollowControl.now(); lock.unlock()
        let outcome = wait(fd: &fd, partialLine: partialLine)
        lock.lock()
        waitingSince = nil
        if outcome == .ended { ended = true }
        lock.unlock()
        return outcome
    }

    private func wait(fd: inout Int32, partialLine: Bool) -> Outcome {
        while true {
            var st = stat()
            guard fstat(fd, &st) == 0 else { return .ended }
            let offset = lseek(fd, 0, SEEK_CUR)
            if offset >= 0 && Int64(st.st_size) > Int64(offset) { return .more }
            if offset > 0 && Int64(st.st_size) < Int64(offset) {
                // copytruncate: what was copied away was read; start over at the new start.
                lseek(fd, 0, SEEK_SET)
                truncations += 1
                return partialLine ? .lineEnd : .more
            }
            var now = stat()
            if stat(path, &now) == 0 {
                let current = FileIdentity(now)
                if current != id, now.st_mode & S_IFMT == S_IFREG {
                    let next = Glibc.open(path, O_RDONLY | O_CLOEXEC)
                    if next >= 0 {
                        Glibc.close(fd)
                        fd = next
                        opened(fd: next)
                        rotations += 1
                        return partialLine ? .lineEnd : .more
                    }
                }
            } else if st.st_nlink == 0 {
                return .ended  // deleted, and read to its end
            }
            if control.isDraining { return .ended }
            control.sleep()
        }
    }
}

/// What the followers of one run share: the poll interval, the stop (drain) signal that ends
/// their waits, and the files they read (by device and inode).
/// `@unchecked Sendable`: its state is behind its condition's lock.
@_spi(SeamStages) public final class FollowControl: @unchecked Sendable {
    /// Wall time between two looks at a file at its end, in ns.
    @_spi(SeamStages) public let pollInterval: UInt64
    private let condition = NSCondition()
    private var draining = false
    private var files: Set<FileIdentity> = []

    @_spi(SeamStages) public init(pollInterval: UInt64 = 250_000_000) {
        self.pollInterval = max(pollInterval, 1_000_000)
    }

    /// Monotonic wall time in ns.
    @_spi(SeamStages) public static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    @_spi(SeamStages) public var isDraining: Bool {
        condition.lock(); defer { condition.unlock() }
        return draining
    }

    /// The run stops: followers read what is there and end; sleepers wake at once.
    @_spi(SeamStages) public func drain() {
        condition.lock()
        draining = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps one poll interval, or less when the run starts draining.
    @_spi(SeamStages) public func sleep() {
        condition.lock()
        defer { condition.unlock() }
        if !draining { _ = condition.wait(until: Date(timeIntervalSinceNow: Double(pollInterval) / 1e9)) }
    }

    @_spi(SeamStages) public func register(_ id: FileIdentity) {
        condition.lock()
        files.insert(id)
        condition.unlock()
    }

    /// Whether a follower has read this file (under this name or another).
    @_spi(SeamStages) public func isKnown(_ id: FileIdentity) -> Bool {
        condition.lock(); defer { condition.unlock() }
        return files.contains(id)
    }

    /// Forgets files no longer present (so a reused inode number is not mistaken for one read).
    @_spi(SeamStages) public func retain(only present: Set<FileIdentity>) {
        condition.lock()
        files = files.filter { present.contains($0) }
        condition.unlock()
    }
}
