import Glibc

/// Buffered writer to a file descriptor that treats a closed pipe as "stop quietly".
final class Output {
    static let standard = Output(fd: 1)
    static let error = Output(fd: 2)

    let fd: Int32
    private var buffer: [UInt8] = []
    /// Exit code to use when the reader goes away (EPIPE): the run's own verdict, if known.
    var exitCodeOnClosedPipe: Int32 = 0

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    /// True when the descriptor is a terminal.
    var isTerminal: Bool { isatty(fd) == 1 }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes everything buffered; on EPIPE exits at once with `exitCodeOnClosedPipe`.
    func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(exitCodeOnClosedPipe) }
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
}

/// Colour on a terminal only, and never when NO_COLOR is set (https://no-color.org).
func useColor(for output: Output) -> Bool {
    if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
    return output.isTerminal
}
