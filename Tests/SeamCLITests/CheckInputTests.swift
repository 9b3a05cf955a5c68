import Foundation
import XCTest

/// End-to-end runs on inputs made by the test: damaged gzip, stdin, spec errors, a closed pipe.
final class CheckInputTests: XCTestCase {
    let spec = SeamBinary.paySpec

    func writeLogs(in dir: URL, sends n: Int, confirmEvery: Int) throws {
        try SeamBinary.writePayLogs(in: dir, sends: n, confirmEvery: confirmEvery)
    }

    func gzip(_ file: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-n", "-f", file.path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testSpecDefaultsToSeamYamlInCurrentFolder() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir, sends: 10, confirmEvery: 1)
        let r = try SeamBinary.run(["check", "--format", "json", "."], directory: dir)
        XCTAssertEqual(r.code, 0, r.stderr + r.stdout)
        XCTAssertEqual(int(handoff(try r.json(), "pay")?["confirmed"]), 10)
    }

    func testMissingSpecExplainsHowToWriteOne() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        let r = try SeamBinary.run(["check", "."], directory: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.stderr.contains("seam.yaml"), r.stderr)
        XCTAssertTrue(r.stderr.contains("README"), r.stderr)
        XCTAssertEqual(r.stdout, "", "no summary on exit 2")
    }

    func testSpecErrorIsExit2WithLineAndColumn() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try "version: 1\nhandoffs:\n  - from: a\n    to: b\n    key: id\n    send: s\n    receive: r\n    withn: 5s\n"
            .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let r = try SeamBinary.run(["check", "--spec", "bad.yaml", "."], directory: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.stderr.contains("bad.yaml:8:5"), r.stderr)
        XCTAssertTrue(r.stderr.contains("within"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
    }

    func testTruncatedGzipIsExit3AndKeepsOtherSources() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir, sends: 2000, confirmEvery: 1)
        let orders = dir.appendingPathComponent("orders.jsonl")
        try gzip(orders)
        let gz = dir.appendingPathComponent("orders.jsonl.gz")
        let data = try Data(contentsOf: gz)
        try data.prefix(data.count / 2).write(to: gz)
        let r = try SeamBinary.run(["check", "--format", "json", "."], directory: dir)
        XCTAssertEqual(r.code, 3, r.stderr)
        let s = try r.json()
        let input = try XCTUnwrap(s["input"] as? [String: Any])
        XCTAssertEqual(input["complete"] as? Bool, false)
        let errors = try XCTUnwrap(input["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?["source"] as? String, "./orders.jsonl.gz")
        XCTAssertNotNil(int(errors.first?["offset"]))
        XCTAssertTrue(r.stderr.contains("orders.jsonl.gz"), r.stderr)
        // The payments source was read whole: every one of its lines is an event.
        XCTAssertEqual(int(input["lines"]), int(input["events"]).map { $0 + ((input["rejected"] as? [String: Any])?.values.compactMap(int).reduce(0, +) ?? 0) })
        let truncated = int((input["rejected"] as? [String: Any])?["truncated"]) ?? 0
        XCTAssertLessThanOrEqual(truncated, 1)
        let pay = try XCTUnwrap(handoff(s, "pay"))
        XCTAssertGreaterThan(int(pay["confirmed"]) ?? 0, 100)
        XCTAssertLessThan(int(pay["sent"]) ?? 2000, 2000)
    }

    func testStdinNeedsServiceField() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let lines = """
            {"ts":"2026-01-01T00:00:00Z","service":"orders","event":"sent","id":"a"}
            {"ts":"2026-01-01T00:00:00.5Z","service":"payments","event":"got","id":"a"}
            {"ts":"2026-01-01T00:00:01Z","event":"got","id":"b"}

            """
        let r = try SeamBinary.run(["check", "--format", "json", "-"], input: Data(lines.utf8), directory: dir)
        XCTAssertEqual(r.code, 0, r.stderr)
        let s = try r.json()
        let input = try XCTUnwrap(s["input"] as? [String: Any])
        XCTAssertEqual(int(input["lines"]), 3)
        XCTAssertEqual(int(input["events"]), 2)
        XCTAssertEqual(int((input["rejected"] as? [String: Any])?["no-service"]), 1)
        XCTAssertEqual(int(handoff(s, "pay")?["confirmed"]), 1)
        XCTAssertTrue(r.stderr.contains("seam: -:3: error: 1 record without a service field"), r.stderr)
    }

    func testClosedPipeEndsQuietly() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir, sends: 6000, confirmEvery: 1_000_000)  // ~6000 unconfirmed, > 64 KiB of jsonl
        let script = "'\(SeamBinary.executable.path)' check --format jsonl . | head -1; echo \"status=${PIPESTATUS[0]}\""
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let lines = o.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, o)
        XCTAssertTrue(lines.first?.contains("\"unconfirmed\"") ?? false, o)
        XCTAssertEqual(lines.last, "status=1", "exit with the run's code, not a signal death")
        XCTAssertEqual(e, "", "quiet on a closed pipe")
    }
}

extension CheckInputTests {
    /// A symlink loop is named, never followed twice, and loses nothing: the run stays complete.
    func testSymlinkLoopIsReportedButLosesNothing() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir, sends: 5, confirmEvery: 1)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("again").path,
                                                   withDestinationPath: dir.path)
        let r = try SeamBinary.run(["check", "--format", "json", "."], directory: dir)
        XCTAssertEqual(r.code, 0, r.stderr)
        let input = try XCTUnwrap(try r.json()["input"] as? [String: Any])
        XCTAssertEqual(input["complete"] as? Bool, true)
        let errors = try XCTUnwrap(input["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.map { $0["code"] as? String }, ["symlink-loop"])
        XCTAssertEqual(int(handoff(try r.json(), "pay")?["confirmed"]), 5, "each file read once")
    }
}
