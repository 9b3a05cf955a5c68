import Foundation
import XCTest

/// Issue 13 items 1 and 7 through the built `seam` binary: every numeric option of `check` and
/// `watch` out of range is a usage error (exit 2, the option named, no summary, no crash), and a
/// line longer than the 256 KiB read buffer is read like any other.
final class OptionValidationTests: XCTestCase {
    /// A folder with the pay spec and one log whose last line has no newline.
    private func folder() throws -> URL {
        let dir = try SeamBinary.temporaryFolder(self)
        try SeamBinary.paySpec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let log = """
            {"ts":"2026-03-01T10:00:01Z","service":"orders","event":"sent","id":"k1"}
            {"ts":"2026-03-01T10:00:02Z","service":"payments","event":"got","id":"k1"}
            """
        try log.write(to: dir.appendingPathComponent("a.jsonl"), atomically: true, encoding: .utf8)
        return dir
    }

    private func assertUsageError(_ args: [String], mentions option: String, in dir: URL,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try SeamBinary.run(args, directory: dir)
        XCTAssertEqual(r.code, 2, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(option), "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("crashed") || r.stderr.contains("Fatal error"), r.stderr, file: file, line: line)
        XCTAssertEqual(r.stdout, "", "no summary on exit 2", file: file, line: line)
    }

    func testOutOfRangeNumbersAreUsageErrors() throws {
        let dir = try folder()
        let huge = String(Int.max)
        for command in ["check", "watch"] {
            for (option, value) in [("--max-line", huge), ("--max-line", "1073741825"), ("--max-line", "0"),
                                    ("--max-line", "-5"), ("--max-open", "0"), ("--max-open", "-1")] {
                try assertUsageError([command, "\(option)=\(value)", "a.jsonl"], mentions: option, in: dir)
            }
        }
        for (option, value) in [("--threads", "0"), ("--threads", "257"), ("--threads", huge), ("--examples", "-1")] {
            try assertUsageError(["check", "\(option)=\(value)", "a.jsonl"], mentions: option, in: dir)
        }
        for (option, value) in [("--reorder", "-1s"), ("--idle", "-2m"), ("--reorder", "inf"), ("--idle", "nan"),
                                ("--idle", "300000000h")] {
            try assertUsageError(["watch", "\(option)=\(value)", "a.jsonl"], mentions: option, in: dir)
        }
    }

    func testLimitsThemselvesAreAccepted() throws {
        let dir = try folder()
        for args in [["check", "--max-line", "1073741824", "--threads", "256", "--examples", "0", "--max-open", "1"],
                     ["check", "--max-line", "1"],
                     ["watch", "--max-line", "1073741824", "--reorder", "0s", "--idle", "0", "--max-open", "1"]] {
            let r = try SeamBinary.run(args + ["a.jsonl"], directory: dir)
            // A run, not a usage error: 0, or 3 where the limit itself leaves the run incomplete
            // (every line too long for --max-line 1; evictions at --max-open 1).
            XCTAssertTrue([0, 3].contains(r.code), "\(args): exit \(r.code): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("Seam:") || args[0] == "watch", "\(args): \(r.stdout)")
        }
        let help = try SeamBinary.run(["check", "--help"], directory: dir)
        XCTAssertTrue(help.stdout.contains("1 GiB"), help.stdout)
    }

    /// 300 KB lines: longer than the 256 KiB read buffer, shorter than the default `--max-line`.
    func testLineLongerThanTheReadBufferFromAFileAndStdin() throws {
        let dir = try folder()
        let blob = String(repeating: "x", count: 300_000)
        let log = """
            {"ts":"2026-03-01T10:00:01Z","service":"orders","event":"sent","id":"k1","x":"\(blob)"}
            {"ts":"2026-03-01T10:00:02Z","service":"payments","event":"got","id":"k1","x":"\(blob)"}
            """
        try log.write(to: dir.appendingPathComponent("long.jsonl"), atomically: true, encoding: .utf8)
        let fromFile = try SeamBinary.run(["check", "--format", "json", "long.jsonl"], directory: dir)
        let fromStdin = try SeamBinary.run(["check", "--format", "json", "-"],
                                           inputFile: dir.appendingPathComponent("long.jsonl"), directory: dir)
        for (r, label) in [(fromFile, "file"), (fromStdin, "stdin")] {
            XCTAssertEqual(r.code, 0, "\(label): \(r.stderr.prefix(500))")
            guard r.code == 0 else { continue }
            XCTAssertEqual(int(handoff(try r.json(), "pay")?["confirmed"]), 1, label)
        }
    }
}
