import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A `seam watch --follow` left running, whose output the test reads while it runs.
///
/// Tests wait on what seam shows (its stop handlers installed, lines counted in `/metrics`, a
/// line on stdout) instead of fixed wall-clock sleeps: a sanitizer build under load misses any
/// fixed time. Every wait has a generous deadline (60 s) and polls every 20 ms; a wait that runs
/// out fails the test with seam's stderr. A test that fails half-way still stops the process.
/// `@unchecked Sendable`: `out` and `err` are behind `lock`; the rest is set at init.
final class LiveSeam: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var out = Data(), err = Data()
    private let readers = DispatchGroup()
    private var port = 0

    /// Starts `seam args...` in `directory`; stdout and stderr are collected as they come.
    init(_ args: [String], directory: URL, test: XCTestCase) throws {
        process.executableURL = SeamBinary.executable
        process.arguments = args
        process.currentDirectoryURL = directory
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        try process.run()
        let p = process
        test.addTeardownBlock { if p.isRunning { p.terminate() } }
        for (pipe, isOut) in [(o, true), (e, false)] {
            let handle = pipe.fileHandleForReading
            readers.enter()
            Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.withLock { if isOut { out += chunk } else { err += chunk } }
                }
                readers.leave()
            }.start()
        }
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Polls `condition` until it holds (true), or 60 s pass or seam exits without it holding
    /// (a test failure naming `what`; false).
    @discardableResult
    func waitUntil(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                   _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { break }
            usleep(20_000)
        }
        if condition() { return true }
        XCTFail("waited in vain for \(what); seam's stderr: \(stderr)", file: file, line: line)
        return false
    }

    /// Waits until seam catches SIGINT and SIGTERM (its handlers are in, per /proc/PID/status):
    /// from then on a signal gets the summary and 130 / 143. Before (the process still starting)
    /// it would die of the signal, a window no program can close.
    func waitUntilSignalsHandled(file: StaticString = #filePath, line: UInt = #line) {
        let pid = process.processIdentifier
        waitUntil("SIGINT and SIGTERM handled", file: file, line: line) {
            let caught = SeamBinary.signalMask(pid)
            return [SIGINT, SIGTERM].allSatisfy { caught & (1 << UInt64($0 - 1)) != 0 }
        }
    }

    /// The port of `--metrics 127.0.0.1:0`, from stderr's note (waits for it).
    func metricsPort(file: StaticString = #filePath, line: UInt = #line) -> Int {
        if port > 0 { return port }
        waitUntil("the metrics note on stderr", file: file, line: line) {
            let text = stderr
            guard let r = text.range(of: #"127\.0\.0\.1:(\d+)/metrics"#, options: .regularExpression) else { return false }
            port = Int(text[r].dropFirst("127.0.0.1:".count).dropLast("/metrics".count)) ?? 0
            return port > 0
        }
        return port
    }

    /// One scrape of `/metrics` (nil when it fails: seam stopping).
    func scrape() -> String? {
        let port = metricsPort()
        guard port > 0 else { return nil }
        return try? WatchMetricsTests.get(port: port, path: "/metrics").body
    }

    /// Waits until `/metrics` counts at least `lines` lines read in all (seam runs with
    /// `--metrics 127.0.0.1:0`): every line written so far was read, so a rotation or truncation
    /// now loses none. (More than written is a bug the test's own assertions name.)
    func waitUntilLinesRead(_ lines: Int, file: StaticString = #filePath, line: UInt = #line) {
        waitUntil("\(lines) lines read", file: file, line: line) {
            (scrape().flatMap { WatchMetricsTests.value($0, "seam_source_lines_total") } ?? 0) >= Double(lines)
        }
    }

    /// Sends `signal`, waits for seam to exit and returns its exit code, stdout lines and stderr.
    func stop(with signal: Int32 = SIGTERM) -> (code: Int32, lines: [Substring], stderr: String) {
        kill(process.processIdentifier, signal)
        readers.wait()
        process.waitUntilExit()
        return (process.terminationStatus, stdout.split(separator: "\n"), stderr)
    }
}
