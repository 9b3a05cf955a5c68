import Glibc

/// Buffered writer to a file descriptor that treats a closed pipe as "stop quietly".
///
/// `@unchecked Sendable`: the main thread writes, and a stop signal's thread may print the
/// summary; a mutex orders every access to the buffer.
final class Output: @unchecked Sendable {
    static let standard = Output(fd: 1)
    static let error = Output(fd: 2)

    let fd: Int32
    private var buffer: [UInt8] = []
    /// Exit code to use when the reader goes away (EPIPE): the run's own verdict, if known.
    var exitCodeOnClosedPipe: Int32 = 0

    // Safe: C interop; a pthread object must not move, so it lives in its own allocation.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// True when the descriptor is a terminal.
    var isTerminal: Bool { isatty(fd) == 1 }

    /// A write failed for another reason than a closed pipe (a full disk, say).
    private(set) var failed = false

    func write(bytes: [UInt8]) {
        pthread_mutex_lock(mutex)
        buffer.append(contentsOf: bytes)
        let full = buffer.count >= 1 << 16
        pthread_mutex_unlock(mutex)
        if full { flush() }
    }

    func write(_ text: String) {
        pthread_mutex_lock(mutex)
        buffer.append(contentsOf: text.utf8)
        let full = buffer.count >= 1 << 16
        pthread_mutex_unlock(mutex)
        if full { flush() }
    }

    /// Writes everything buffered; on EPIPE exits at once with `exitCodeOnClosedPipe`.
    func flush() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var offset = 0
        while offset < buffer.count {
            // Safe: C interop; writes buffer[offset...], `offset < buffer.count`.
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(exitCodeOnClosedPipe) }
                failed = true
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// `seam: error: ...` lines on stderr, in the shape editors and CI annotate.
enum Diagnostics {
    static func error(_ message: String) {
        let m = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
        for line in m.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            Output.error.write(line.hasPrefix("seam: ") ? "\(line)\n" : "seam: \(line.contains(": error: ") ? "" : "error: ")\(line)\n")
        }
        Output.error.flush()
    }

    static func warning(_ message: String) {
        Output.error.write("seam: warning: \(message)\n")
        Output.error.flush()
    }

    /// `seam: note: ...`: information, not a problem (where `watch --metrics` listens).
    static func note(_ message: String) {
        Output.error.write("seam: note: \(message)\n")
        Output.error.flush()
    }
}

/// Colour only on a terminal that can show it: never when `NO_COLOR` is set to anything
/// (https://no-color.org), when `TERM=dumb`, or when the output is not a terminal.
func useColor(for output: Output) -> Bool {
    if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
    if let t = getenv("TERM"), String(cString: t) == "dumb" { return false }
    return output.isTerminal
}

/// Columns that text output wraps at. On a terminal: its width (TIOCGWINSZ), else `COLUMNS`,
/// else 100. Not on a terminal (a file, a pipe to grep): no wrapping at all, so each finding
/// stays on one line and `grep KEY` finds it whole.
func textWidth(for output: Output) -> Int {
    guard output.isTerminal else { return Output.unwrapped }
    var size = winsize()
    if ioctl(output.fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let c = getenv("COLUMNS"), let n = Int(String(cString: c)), n > 0 { return n }
    return 100
}

extension Output {
    /// A width no line reaches: text is not wrapped.
    static let unwrapped = 1 << 30
}
