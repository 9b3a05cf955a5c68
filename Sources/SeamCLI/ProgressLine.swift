import Glibc

/// A progress line on stderr for `check` on a terminal: bytes read of total, rate, ETA.
/// Nothing at all when stderr is not a terminal.
final class ProgressLine {
    private let total: UInt64
    private let start: Double
    private var lastDraw: Double = 0

    /// `nil` when stderr is not a terminal (or total size is unknown: stdin only).
    init?(paths: [String]) {
        guard isatty(2) == 1 else { return nil }
        var total: UInt64 = 0
        for p in paths where p != "-" { total += ProgressLine.size(of: p) }
        guard total > 0 else { return nil }
        self.total = total
        self.start = ProgressLine.now()
    }

    func update(bytes: UInt64) {
        let t = ProgressLine.now()
        // Quick runs print nothing; then at most five redraws a second.
        guard t - start >= 0.5, t - lastDraw >= 0.2 else { return }
        lastDraw = t
        let elapsed = max(t - start, 0.001)
        let rate = Double(bytes) / elapsed
        let left = rate > 0 ? Double(total > bytes ? total - bytes : 0) / rate : 0
        let line = "\r\u{1B}[2Kseam: read \(size(bytes)) of \(size(total)), \(size(UInt64(rate)))/s, ETA \(Int(left.rounded())) s"
        Output.error.write(line)
        Output.error.flush()
    }

    func finish() {
        guard lastDraw > 0 else { return }
        Output.error.write("\r\u{1B}[2K")
        Output.error.flush()
    }

    /// Bytes as people read them: 512 KB, 3.4 MB, 1.2 GB.
    private func size(_ b: UInt64) -> String {
        let units = ["KB", "MB", "GB", "TB"]
        var v = Double(b) / 1024, i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        let tenths = Int(v * 10)
        return (v < 10 ? "\(tenths / 10).\(tenths % 10)" : "\(Int(v))") + " " + units[i]
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Bytes of a file, or of every regular file below a folder. Links inside folders are not
    /// followed (a symlink loop must not recurse forever); the total is only an estimate.
    static func size(of path: String, followLinks: Bool = true) -> UInt64 {
        var st = stat()
        guard (followLinks ? stat(path, &st) : lstat(path, &st)) == 0 else { return 0 }
        if (st.st_mode & S_IFMT) == S_IFREG { return UInt64(st.st_size) }
        guard (st.st_mode & S_IFMT) == S_IFDIR, let dir = opendir(path) else { return 0 }
        defer { closedir(dir) }
        var sum: UInt64 = 0
        while let e = readdir(dir) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            sum += size(of: path + "/" + name, followLinks: false)
        }
        return sum
    }
}
