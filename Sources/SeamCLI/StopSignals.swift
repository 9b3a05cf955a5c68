import Dispatch
import Glibc

/// SIGINT (Ctrl-C) and SIGTERM (what Kubernetes, systemd and `timeout` send) stop `check` and
/// `watch` the same way: the command prints the summary of what was decided, then exits with the
/// shell's code for that signal, 128 + its number (130, 143).
///
/// The handler runs on a dispatch queue, not in signal context, so it may lock, allocate and
/// write. `finishing()` closes the race with a run that ends by itself: once the main thread
/// has started its own summary, a late signal is ignored (that summary is whole); while a
/// handler is printing, `finishing()` blocks until the handler exits the process.
final class StopSignals: @unchecked Sendable {
    static let handled: [Int32] = [SIGINT, SIGTERM]

    /// 128 + the signal number: 130 for SIGINT, 143 for SIGTERM.
    static func exitCode(for signal: Int32) -> Int32 { 128 + signal }

    /// The name people know the signal by.
    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }

    private var sources: [DispatchSourceSignal] = []
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var received: Int32?
    private var done = false

    /// Installs the handlers; `onStop` runs (under the lock, once per signal until `finishing`)
    /// with the signal's number.
    init(onStop: @escaping (Int32) -> Void) {
        pthread_mutex_init(mutex, nil)
        for sig in Self.handled {
            // The default action would kill the process before the summary: the dispatch source sees it instead.
            Glibc.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                pthread_mutex_lock(mutex)
                defer { pthread_mutex_unlock(mutex) }
                guard !done else { return }
                if received == nil { received = sig }
                onStop(sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var signal: Int32? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return received
    }

    /// The main thread is about to print its own summary: later signals change nothing.
    /// Returns the signal received before, if any.
    @discardableResult
    func finishing() -> Int32? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        done = true
        return received
    }

    /// Clears a progress line on a terminal's stderr, so the summary starts on a clean line.
    static func clearProgressLine() {
        guard isatty(2) == 1 else { return }
        let clear = Array("\r\u{1B}[2K".utf8)
        _ = clear.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
