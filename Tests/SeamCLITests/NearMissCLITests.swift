import Foundation
import XCTest

/// Near misses through the binary (issue 14): a receive 3 s after its send with within + grace
/// = 1 s, and receives logged 150 us before their sends. The verdicts stay; the finding names
/// the other side and how far, the caution the setting that pairs them, in text, JSON and
/// Markdown.
final class NearMissCLITests: XCTestCase {
    private func run(_ within: String, lag: (Int) -> Double, _ format: String) throws -> SeamBinary.Result {
        let dir = try SeamBinary.temporaryFolder(self)
        var orders = "", payments: [(Double, String)] = []
        for i in 0..<12 {
            let t = 1_800_000_000.0 + Double(i)
            orders += "{\"ts\":\(String(format: "%.6f", t)),\"service\":\"orders\",\"event\":\"sent\",\"id\":\"k\(i)\"}\n"
            let r = t + lag(i)
            payments.append((r, "{\"ts\":\(String(format: "%.6f", r)),\"service\":\"payments\",\"event\":\"got\",\"id\":\"k\(i)\"}\n"))
        }
        try orders.write(to: dir.appendingPathComponent("orders.jsonl"), atomically: true, encoding: .utf8)
        try payments.sorted { $0.0 < $1.0 }.map(\.1).joined()
            .write(to: dir.appendingPathComponent("payments.jsonl"), atomically: true, encoding: .utf8)
        try """
            version: 1
            handoffs:
              - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: \(within)}
            """.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        return try SeamBinary.run(["check", "--format", format, "orders.jsonl", "payments.jsonl"], directory: dir,
                                  environment: ["NO_COLOR": "1"])
    }

    private func handoff(_ r: SeamBinary.Result) throws -> [String: Any] {
        try XCTUnwrap((try r.json()["handoffs"] as? [[String: Any]])?.first)
    }

    func testReceiveThreeSecondsLateIsNamedAndWithinSuggested() throws {
        let late = { (i: Int) in i == 5 ? 3.0 : 0.1 }
        let text = try run("500ms", lag: late, "text")
        XCTAssertEqual(text.code, 1, "still an unconfirmed send and an orphan: \(text.stdout)")
        XCTAssertTrue(text.stdout.contains("near miss: payments received this key at +3s (payments.jsonl:8, judged orphan)"),
                      text.stdout)
        XCTAssertTrue(text.stdout.contains("never sent it in the 1s before; near miss: orders sent this key at -3s (orders.jsonl:6"),
                      text.stdout)
        XCTAssertTrue(text.stdout.contains("caution: 1 unconfirmed send has a receive of the same key 3s later"), text.stdout)
        XCTAssertTrue(text.stdout.contains("`within: 4s` (or `grace: 3s`) would pair them"), text.stdout)

        let json = try run("500ms", lag: late, "json")
        let h = try handoff(json)
        XCTAssertEqual(h["unconfirmed"] as? Int, 1)
        XCTAssertEqual(h["orphan"] as? Int, 1)
        let examples = try XCTUnwrap(h["examples"] as? [[String: Any]])
        let send = try XCTUnwrap(examples.first { $0["kind"] as? String == "unconfirmed" })
        let miss = try XCTUnwrap(send["near_miss"] as? [String: Any], "\(send)")
        XCTAssertEqual(miss["source"] as? String, "payments.jsonl")
        XCTAssertEqual(miss["line"] as? Int, 8)
        XCTAssertEqual(miss["service"] as? String, "payments")
        XCTAssertEqual(miss["kind"] as? String, "orphan")
        XCTAssertEqual(miss["offset_ms"] as? Double, 3000)
        // explain needs the key and handoff of a finding: both are there.
        XCTAssertEqual(send["key"] as? String, "k5")
        XCTAssertEqual(send["handoff"] as? String, "pay")
        let confirmed = examples.first { $0["kind"] as? String == "confirmed" }
        XCTAssertTrue(confirmed?["near_miss"] is NSNull, "pairs have no near miss")
        let suggestions = try XCTUnwrap((h["diagnosis"] as? [String: Any])?["suggestions"] as? [[String: Any]])
        XCTAssertEqual(suggestions.compactMap { $0["setting"] as? String }, ["within", "grace"])
        XCTAssertEqual(suggestions.first?["value"] as? String, "4s")
        XCTAssertEqual(suggestions.first?["value_ms"] as? Double, 4000)
        XCTAssertEqual(suggestions.first?["pairs"] as? Int, 1)
        XCTAssertEqual((h["diagnosis"] as? [String: Any])?["could_not_be_judged"] as? Bool, false)

        let markdown = try run("500ms", lag: late, "markdown")
        XCTAssertTrue(markdown.stdout.contains("> **Caution:** 1 unconfirmed send has a receive of the same key 3s later"),
                      markdown.stdout)
        XCTAssertTrue(markdown.stdout.contains("near miss: payments received this key at +3s"), markdown.stdout)
    }

    func testSubMillisecondSkewSuggestsTolerance() throws {
        let skew = { (_: Int) in -0.000150 }
        let text = try run("1s", lag: skew, "text")
        XCTAssertEqual(text.code, 1, text.stdout)
        XCTAssertTrue(text.stdout.contains("near miss: payments received this key at -150us"), text.stdout)
        XCTAssertTrue(text.stdout.contains("beyond the tolerance of 0s"), text.stdout)
        XCTAssertTrue(text.stdout.contains("logged 150us before their sends"), text.stdout)
        XCTAssertTrue(text.stdout.contains("`tolerance: 200us` would pair them"), text.stdout)

        let h = try handoff(try run("1s", lag: skew, "json"))
        let suggestions = try XCTUnwrap((h["diagnosis"] as? [String: Any])?["suggestions"] as? [[String: Any]])
        XCTAssertEqual(suggestions.count, 1)
        XCTAssertEqual(suggestions.first?["setting"] as? String, "tolerance")
        XCTAssertEqual(suggestions.first?["value"] as? String, "200us")
        XCTAssertEqual(suggestions.first?["direction"] as? String, "early")
        let lag = try XCTUnwrap(suggestions.first?["lag_ms"] as? [String: Any])
        XCTAssertEqual(lag["min"] as? Double, -0.15)
        let examples = try XCTUnwrap(h["examples"] as? [[String: Any]])
        let orphan = try XCTUnwrap(examples.first { $0["kind"] as? String == "orphan" })
        XCTAssertEqual((orphan["near_miss"] as? [String: Any])?["offset_ms"] as? Double, 0.15)
    }
}
