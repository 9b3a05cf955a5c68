import Foundation
import XCTest

/// The manners of the `seam` binary: --version, SIGTERM/SIGINT, colour and width, --fail-on groups.
final class CLIMannersTests: XCTestCase {
    // MARK: --version

    func testVersionAtTheRootAndOnASubcommand() throws {
        let root = try SeamBinary.run(["--version"])
        let check = try SeamBinary.run(["check", "--version"])
        XCTAssertEqual(root.code, 0, root.stderr)
        XCTAssertEqual(check.code, 0, check.stderr)
        XCTAssertNotNil(root.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression), root.stdout)
        XCTAssertEqual(check.stdout, root.stdout)
    }

    // MARK: --fail-on groups

    /// One confirmed pair (so the rule is judged) and one send after payments stopped logging.
    private func uncoveredOnly() throws -> URL {
        let dir = try SeamBinary.temporaryFolder(self)
        try SeamBinary.paySpec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        try """
            {"ts":1700000100,"service":"orders","event":"sent","id":"a"}
            {"ts":1700000200,"service":"orders","event":"sent","id":"b"}
            """.write(to: dir.appendingPathComponent("orders.log"), atomically: true, encoding: .utf8)
        try """
            {"ts":1700000101,"service":"payments","event":"got","id":"a"}
            """.write(to: dir.appendingPathComponent("payments.log"), atomically: true, encoding: .utf8)
        return dir
    }

    func testFailOnAllIncludesTheNotJudgedKinds() throws {
        let dir = try uncoveredOnly()
        func code(_ failOn: String) throws -> Int32 {
            let r = try SeamBinary.run(["check", "--format", "json", "--fail-on", failOn, "orders.log", "payments.log"],
                                       directory: dir)
            let pay = try XCTUnwrap(handoff(try r.json(), "pay"))
            XCTAssertEqual(int(pay["uncovered_sends"]), 1, "the data is what the test says")
            return r.code
        }
        XCTAssertEqual(try code("gaps"), 0)
        XCTAssertEqual(try code("uncovered"), 1)
        XCTAssertEqual(try code("not-judged"), 1)
        XCTAssertEqual(try code("all"), 1, "all means every kind, the not-judged ones too")
        XCTAssertEqual(try code("defects"), 0)
    }

    func testFailOnHelpNamesEachGroup() throws {
        let r = try SeamBinary.run(["check", "--help"])
        let help = r.stdout.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        for group in ["gaps = unconfirmed,orphan", "defects = late,duplicate,disagree",
                      "not-judged = uncovered,unkeyed,evicted,repeat", "all = every kind but confirmed",
                      "docs/verdicts.md"] {
            XCTAssertTrue(help.contains(group), "--help names '\(group)': \(help)")
        }
        XCTAssertFalse(help.contains("SEMANTICS.md"), "no pointer at a file that is not in the repository")
    }

    // MARK: SIGTERM and SIGINT

    /// Waits until `pid` no longer dies of `sig`: seam's handlers are then installed (SIG_IGN,
    /// then the dispatch source's own handler on Linux: ignored or caught, per /proc).
    private func waitUntilHandled(_ pid: Int32, _ sig: Int32) {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if SeamBinary.signalMask(pid, ignored: true) & (1 << UInt64(sig - 1)) != 0 { return }
            usleep(20_000)
        }
        XCTFail("signal \(sig) never handled")
    }

    /// Runs `args` on a pipe that stays open, sends `sig` once the handlers are in, and returns
    /// the exit status and stdout.
    private func stop(_ args: [String], with sig: Int32, lines: [String]) throws -> (Int32, String) {
        let dir = try SeamBinary.temporaryFolder(self)
        try SeamBinary.paySpec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = SeamBinary.executable
        p.arguments = args
        p.currentDirectoryURL = dir
        let inp = Pipe(), out = Pipe()
        p.standardInput = inp
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        inp.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        waitUntilHandled(p.processIdentifier, sig)
        kill(p.processIdentifier, sig)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try? inp.fileHandleForWriting.close()
        XCTAssertEqual(p.terminationReason, .exit, "exited, not killed by the signal")
        return (p.terminationStatus, text)
    }

    private let someLines = [
        #"{"ts":1764000000,"service":"payments","event":"tick"}"#,
        #"{"ts":1764000010,"service":"orders","event":"sent","id":"lost-1"}"#,
        #"{"ts":1764000100,"service":"payments","event":"tick"}"#,
    ]

    func testCheckOnSIGTERMPrintsAnIncompleteSummaryAndExits143() throws {
        let (code, text) = try stop(["check", "--format", "json", "-"], with: SIGTERM, lines: someLines)
        XCTAssertEqual(code, 143)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
        let input = try XCTUnwrap(summary["input"] as? [String: Any], text)
        XCTAssertEqual(input["complete"] as? Bool, false)
        let errors = try XCTUnwrap(input["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.first?["code"] as? String, "interrupted")
        XCTAssertTrue((errors.first?["message"] as? String)?.contains("SIGTERM") ?? false, "\(errors)")
        XCTAssertNotNil(handoff(summary, "pay"), "the handoffs are in the summary")
    }

    func testCheckOnSIGINTExits130() throws {
        let (code, text) = try stop(["check", "--format", "text", "-"], with: SIGINT, lines: someLines)
        XCTAssertEqual(code, 130)
        XCTAssertTrue(text.contains("run incomplete"), text)
        XCTAssertTrue(text.contains("SIGINT"), text)
    }

    func testWatchOnSIGTERMPrintsWhatWasDecidedAndExits143() throws {
        let (code, text) = try stop(["watch", "--format", "jsonl"], with: SIGTERM, lines: someLines)
        XCTAssertEqual(code, 143)
        let last = try XCTUnwrap(text.split(separator: "\n").last)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], text)
        XCTAssertNotNil(handoff(try XCTUnwrap(summary["summary"] as? [String: Any]), "pay"), text)
    }

    // MARK: Colour and width

    /// A long unconfirmed send: its key and explanation make a line of well over 100 columns.
    private static let longKey = "req-" + String(repeating: "0123456789", count: 6)

    private func tornRun() throws -> URL {
        let dir = try SeamBinary.temporaryFolder(self)
        try SeamBinary.paySpec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        try """
            {"ts":1764000000,"service":"payments","event":"tick"}
            {"ts":1764000010,"service":"orders","event":"sent","id":"\(Self.longKey)"}
            {"ts":1764000100,"service":"payments","event":"tick"}
            """.write(to: dir.appendingPathComponent("all.log"), atomically: true, encoding: .utf8)
        try """
            {"ts":1764000000,"service":"orders","event":"tick"}
            """.write(to: dir.appendingPathComponent("more.log"), atomically: true, encoding: .utf8)
        return dir
    }

    func testNotATerminalMeansNoColourAndOneFindingPerLine() throws {
        let dir = try tornRun()
        let r = try SeamBinary.run(["check", "all.log"], directory: dir, environment: ["TERM": "xterm-256color", "COLUMNS": "60"])
        XCTAssertEqual(r.code, 1, r.stderr)
        XCTAssertFalse(r.stdout.contains("\u{1B}["), "no escape codes into a pipe")
        let hit = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.contains(Self.longKey) }, r.stdout)
        XCTAssertGreaterThan(hit.count, 100, "not wrapped at 100 columns: \(r.stdout)")
        XCTAssertFalse(r.stdout.split(separator: "\n").contains { $0.hasPrefix("    ") && !$0.contains(Self.longKey) && $0.contains("payments") },
                       "no continuation lines: \(r.stdout)")
    }

    /// Runs `seam args` with stdout on a pseudo-terminal of `columns` columns.
    private func onTerminal(_ args: [String], directory: URL, columns: UInt16, environment: [String: String]) throws -> String {
        // posix_openpt and friends are not imported: the Linux ioctls they wrap.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(master, 0)
        defer { close(master) }
        var unlock: Int32 = 0, number: UInt32 = 0
        XCTAssertEqual(ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock), 0)
        XCTAssertEqual(ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number), 0)
        let name = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(ioctl(master, UInt(TIOCSWINSZ), &size), 0)
        let slave = open(name, O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)
        let p = Process()
        p.executableURL = SeamBinary.executable
        p.arguments = args
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        env["COLUMNS"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        p.standardOutput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        close(slave)
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &buf, buf.count)
            if n <= 0 { break }  // EIO once the child closed its side
            data += buf[..<n]
        }
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    func testTerminalGetsColourAndItsWidthUnlessDumbOrNoColor() throws {
        let dir = try tornRun()
        let tty = try onTerminal(["check", "all.log"], directory: dir, columns: 72, environment: ["TERM": "xterm-256color"])
        XCTAssertTrue(tty.contains("\u{1B}[31m"), "red on a colour terminal: \(tty)")
        // The finding's lines (indented) fit the terminal; the table's legend is not wrapped (TextReport).
        let finding = tty.split(separator: "\n").filter { $0.hasPrefix("  ") }
        XCTAssertGreaterThan(finding.count, 2, "wrapped on a 72-column terminal: \(tty.debugDescription)")
        XCTAssertLessThanOrEqual(finding.map(\.count).max() ?? 0, 72, tty.debugDescription)
        XCTAssertGreaterThan(finding.map(\.count).max() ?? 0, 60, "uses the width it has: \(tty.debugDescription)")

        let dumb = try onTerminal(["check", "all.log"], directory: dir, columns: 72, environment: ["TERM": "dumb"])
        XCTAssertFalse(dumb.contains("\u{1B}["), "TERM=dumb: \(dumb)")
        XCTAssertTrue(dumb.contains(Self.longKey.prefix(20)))
        let noColor = try onTerminal(["check", "all.log"], directory: dir, columns: 72,
                                     environment: ["TERM": "xterm-256color", "NO_COLOR": "1"])
        XCTAssertFalse(noColor.contains("\u{1B}["), "NO_COLOR: \(noColor)")
    }
}
