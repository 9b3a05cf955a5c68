import Foundation
import XCTest

/// `--strict-json` on `check` and `watch`: by default damage after the fields a line needs goes
/// unnoticed as long as the line still ends in `}`; with the flag every damaged line is
/// `malformed`. Truncated lines and damage before a needed field are `malformed` either way.
final class StrictJSONTests: XCTestCase {
    let spec = SeamBinary.paySpec

    func writeLogs(in dir: URL) throws {
        let orders = [
            #"{"ts":1764000000,"service":"orders","event":"sent","id":"k0","msg":"fine"}"#,
            #"{"ts":1764000001,"service":"orders","event":"tick","x":tru}"#,  // damage after what is needed
            #"{"ts":1764000002,"service":"orders","event":"sent","id":"k1","msg":"cut her"#,  // truncated
            #"{"ts":1764000003,"service":"orders","event":"sent","x":tru,"id":"k2"}"#,  // damage before the key
            #"{"ts":1764000004,"service":"orders","event":"sent","id":"k3","trace":{"a":[1,}}"#,  // after the key
            #"{"ts":1764000010,"service":"orders","event":"tick"}"#,
        ]
        let payments = [
            #"{"ts":1764000000,"service":"payments","event":"got","id":"k0"}"#,
            #"{"ts":1764000004,"service":"payments","event":"got","id":"k3"}"#,
            #"{"ts":1764000010,"service":"payments","event":"tick"}"#,
        ]
        try (orders.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("orders.jsonl"), atomically: true, encoding: .utf8)
        try (payments.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("payments.jsonl"), atomically: true, encoding: .utf8)
        try spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
    }

    /// (events, malformed, confirmed, orphans) of a JSON summary.
    func counts(_ summary: [String: Any]) -> [Int?] {
        let input = summary["input"] as? [String: Any]
        let rejected = input?["rejected"] as? [String: Any]
        let pay = handoff(summary, "pay")
        return [int(input?["events"]), int(rejected?["malformed"]), int(pay?["confirmed"]), int(pay?["orphan"])]
    }

    func testCheckDefaultAndStrict() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir)
        let files = ["orders.jsonl", "payments.jsonl"]
        let lax = try SeamBinary.run(["check", "--format", "json", "--fail-on", "none"] + files, directory: dir)
        XCTAssertEqual(lax.code, 0, lax.stderr)
        XCTAssertEqual(counts(try lax.json()), [7, 2, 2, 0])
        let strict = try SeamBinary.run(["check", "--strict-json", "--format", "json", "--fail-on", "none"] + files,
                                        directory: dir)
        XCTAssertEqual(strict.code, 0, strict.stderr)
        // The send of k3 is now malformed, so its receive is an orphan.
        XCTAssertEqual(counts(try strict.json()), [5, 4, 1, 1])
    }

    func testWatchDefaultAndStrict() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir)
        for (flags, expected) in [([], [7, 2, 2, 0]), (["--strict-json"], [5, 4, 1, 1])] as [([String], [Int?])] {
            let r = try SeamBinary.run(["watch", "--format", "jsonl", "--fail-on", "none"] + flags
                                       + ["orders.jsonl", "payments.jsonl"], directory: dir)
            XCTAssertEqual(r.code, 0, r.stderr)
            let last = try XCTUnwrap(r.stdout.split(separator: "\n").last)
            let summary = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])?["summary"]
                                        as? [String: Any])
            XCTAssertEqual(counts(summary), expected, "\(flags)")
        }
    }
}
