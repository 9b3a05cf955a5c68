import Foundation
import Glibc

/// SIGINT (Ctrl-C) and SIGTERM (what Kubernetes, systemd and `timeout` send) stop `check` and
/// `watch` the same way: the command prints the summary of what was decided, then exits with the
/// shell's code for that signal, 128 + its number (130, 143).
///
/// The handler is installed with `sigaction` before `init` returns, so no signal is lost however
/// early it comes (a dispatch signal source registers asynchronously: a signal sent in between
/// was ignored, and `check -` then waited on stdin for good). It only writes the signal's
/// number to a pipe (async-signal-safe); a thread of its own reads the pipe and runs `onStop`,
/// outside signal context, so it may lock, allocate and write. `finishing()` closes the race
/// with a run that ends by itself: once the main thread has started its own summary, a late
/// signal is ignored (that summary is whole); while a handler is printing, `finishing()` blocks
/// until the handler exits the process.
/// `@unchecked Sendable`: `received`, `done` and `onStop` are behind its mutex.
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

    /// The pipe's write end, for the C handler (which cannot capture anything). Set once, before
    /// the handlers are installed.
    nonisolated(unsafe) private static var wakeFD: Int32 = -1

    // Safe: C interop; a pthread object must not move, so it lives in its own allocation.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var received: Int32?
    private var done = false
    /// Run under the lock, on the pipe reader's thread (or in `whenStopped` for a signal that
    /// came before it was set).
    private var onStop: ((Int32) -> Void)?

    /// Installs the handlers; `onStop` runs (under the lock, once per signal until `finishing`)
    /// with the signal's number. Without it, a signal is only kept until `whenStopped` sets it:
    /// a command installs the handlers first thing and says what a stop does once it can.
    init(onStop: ((Int32) -> Void)? = nil) {
        self.onStop = onStop
        pthread_mutex_init(mutex, nil)
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "pipe failed")
        Self.wakeFD = fds[1]
        let readFD = fds[0]
        let thread = Thread { [self] in
            var byte: UInt8 = 0
            while true {
                let n = read(readFD, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                guard n == 1 else { return }
                let sig = Int32(byte)
                pthread_mutex_lock(mutex)
                if !done {
                    if received == nil { received = sig }
                    self.onStop?(sig)
                }
                pthread_mutex_unlock(mutex)
            }
        }
        thread.start()
        for sig in Self.handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                var byte = UInt8(truncatingIfNeeded: sig)
                _ = write(StopSignals.wakeFD, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
    }

    /// Sets what a stop does; runs it at once when a signal came before (and the run is not
    /// finishing), so a signal sent while the command was still setting up is not lost.
    func whenStopped(_ action: @escaping (Int32) -> Void) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        onStop = action
        if let received, !done { action(received) }
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
