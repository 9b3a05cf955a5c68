#if canImport(Glibc)
import Glibc
#endif

/// One temporary file path reused for every input, so the library reads real files unchanged.
package final class ScratchFile: Sendable {
    /// The file's path (under `$TMPDIR` or `/tmp`, unique per process).
    package let path: String

    /// Names a file for this process; nothing is created until `write`.
    package init(name: String) {
        let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        path = "\(dir)/seam-fuzz-\(getpid())-\(name)"
    }

    deinit { unlink(path) }

    /// Replaces the file's contents with `bytes`.
    package func write(_ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        FuzzDriver.require(fd >= 0, "cannot create \(path)")
        defer { close(fd) }
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                FuzzDriver.require(n > 0 || errno == EINTR, "cannot write \(path)")
                if n > 0 { done += n }
            }
        }
    }
}
