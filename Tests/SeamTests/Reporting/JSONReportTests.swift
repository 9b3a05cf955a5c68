import Foundation
import XCTest
@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

final class JSONReportTests: XCTestCase {
    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        return try XCTUnwrap(object as? [String: Any], file: file, line: line)
    }

    func testSchemaOneKeysAndValues() throws {
        let summary = ReportFixture.summary()
        let text = JSONReport.render(summary)
        XCTAssertFalse(text.contains("\n"), "compact is one line")
        XCTAssertTrue(text.hasPrefix(#"{"schema":1,"input":{"sources":2,"lines":1500,"events":1490,"rejected":{"blank":2,"malformed":8,"no-time":0,"#), text)
        let json = try parse(text)
        XCTAssertEqual(json["schema"] as? Int, 1)

        let input = try XCTUnwrap(json["input"] as? [String: Any])
        XCTAssertEqual(input["sources"] as? Int, 2)
        XCTAssertEqual(input["lines"] as? Int, 1_500)
        XCTAssertEqual(input["events"] as? Int, 1_490)
        XCTAssertEqual((input["rejected"] as? [String: Int])?["malformed"], 8)
        XCTAssertEqual((input["rejected"] as? [String: Int])?["truncated"], 0)
        XCTAssertEqual(input["out_of_order"] as? Int, 2)
        XCTAssertEqual(input["complete"] as? Bool, false)
        let errors = try XCTUnwrap(input["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.count, 2)
        XCTAssertEqual(errors[0]["source"] as? String, "payments.log.gz")
        XCTAssertEqual(errors[0]["offset"] as? Int, 1234)
        XCTAssertEqual(errors[0]["message"] as? String, "the gzip stream ends early; lines after it are lost")
        XCTAssertTrue(errors[1]["offset"] is NSNull)
        XCTAssertEqual(input["reordered"] as? [String], ["payments.log.gz"])
        let detail = try XCTUnwrap(input["sources_detail"] as? [[String: Any]])
        XCTAssertEqual(detail.map { $0["complete"] as? Bool }, [true, false])

        let handoffs = try XCTUnwrap(json["handoffs"] as? [[String: Any]])
        XCTAssertEqual(handoffs.count, 2)
        let h = handoffs[0]
        let expected: [String: Int] = [
            "sent": 8, "received": 6, "confirmed": 3, "late": 1, "unconfirmed": 4, "orphan": 1, "duplicate": 1,
            "repeat": 0, "disagree": 1, "uncovered_sends": 0, "uncovered_receives": 0, "unkeyed_sends": 1,
            "unkeyed_receives": 0, "evicted_sends": 0, "evicted_receives": 0,
        ]
        for (k, v) in expected { XCTAssertEqual(h[k] as? Int, v, k) }
        XCTAssertEqual(h["name"] as? String, "orders->payments")
        XCTAssertEqual(h["from"] as? String, "orders")
        XCTAssertEqual(h["to"] as? String, "payments")
        let latency = try XCTUnwrap(h["latency_ms"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(latency["p50"] as? Double), 120, accuracy: 0.2)
        XCTAssertEqual(latency["max"] as? Double, 7200)
        XCTAssertEqual(h["unverified"] as? [String: Int], ["currency": 1])
        let none = try XCTUnwrap(handoffs[1]["latency_ms"] as? [String: Any])
        for k in ["p50", "p90", "p99", "max"] { XCTAssertTrue(none[k] is NSNull, k) }
        XCTAssertEqual((handoffs[1]["examples"] as? [Any])?.count, 0)

        let examples = try XCTUnwrap(h["examples"] as? [[String: Any]])
        XCTAssertEqual(
            examples.map { $0["kind"] as? String },
            ["unconfirmed", "unconfirmed", "unconfirmed", "orphan", "disagree", "duplicate", "late", "unkeyed_send",
             "confirmed", "confirmed", "confirmed"])
        let orphan = examples[3]
        XCTAssertTrue(orphan["send"] is NSNull)
        XCTAssertEqual((orphan["receive"] as? [String: Any])?["source"] as? String, "payments.log.gz")
        XCTAssertEqual((orphan["receive"] as? [String: Any])?["line"] as? Int, 7)
        XCTAssertEqual(
            orphan["why"] as? String,
            "payments received payment.received for request_id=zzz at 2026-11-29T12:00:31.234Z (payments.log.gz:7), "
                + "but orders never sent it in the 10s before")
        let disagree = examples[4]
        XCTAssertEqual(disagree["fields"] as? [String], ["amount"])
        XCTAssertEqual(disagree["latency_ms"] as? Double, 130)
        XCTAssertEqual(
            disagree["values"] as? [[String: String]], [["field": "amount", "send": "12.50", "receive": "12.6"]])
        XCTAssertTrue((disagree["why"] as? String)?.hasPrefix("amount differs: orders sent 12.50, payments got 12.6 (") ?? false)
        XCTAssertTrue(examples[7]["key"] is NSNull)
        XCTAssertEqual(json["totals"] as? [String: Int], ["gaps": 5, "defects": 3])
    }

    func testFindingKeyOrderAndText() {
        let summary = ReportFixture.summary()
        XCTAssertEqual(
            JSONLinesReport.line(for: ReportFixture.findings[5], summary: summary),
            #"{"kind":"unconfirmed","handoff":"orders->payments","key":"abc","#
                + #""send":{"time":"2026-11-29T12:00:01.234Z","source":"orders.jsonl.gz","line":1042},"#
                + #""receive":null,"latency_ms":null,"fields":[],"#
                + #""why":"orders sent payment.requested for request_id=abc at 2026-11-29T12:00:01.234Z "#
                + #"(orders.jsonl.gz:1042); payments, logging until 2026-11-29T12:09:59.234Z, never confirmed it "#
                + #"within 5s (nor in the 5s of grace after)","values":[],"near_miss":null,"rejected_nearby":[],"from":null,"to":null}"#)
    }

    func testHandoffKeyOrder() throws {
        let text = JSONReport.render(ReportFixture.summary())
        let keys = [
            "\"name\"", "\"from\"", "\"to\"", "\"sent\"", "\"received\"", "\"confirmed\"", "\"late\"", "\"unconfirmed\"",
            "\"orphan\"", "\"duplicate\"", "\"repeat\"", "\"disagree\"", "\"uncovered_sends\"", "\"uncovered_receives\"",
            "\"unkeyed_sends\"", "\"unkeyed_receives\"", "\"evicted_sends\"", "\"evicted_receives\"", "\"latency_ms\"",
            "\"examples\"",
        ]
        let start = try XCTUnwrap(text.range(of: "\"handoffs\":[{"))
        var at = start.upperBound
        for k in keys {
            let r = try XCTUnwrap(text.range(of: k + ":", range: at..<text.endIndex), k)
            XCTAssertEqual(text.distance(from: at, to: r.lowerBound) < 200, true, "\(k) follows closely")
            at = r.upperBound
        }
        XCTAssertTrue(text.contains(#""latency_ms":{"p50":"#))
        // totals closes the schema-1 keys; extra keys (clocks) may follow it.
        XCTAssertTrue(text.contains(#""totals":{"gaps":5,"defects":3}"#))
        XCTAssertTrue(text.hasSuffix("}"))
    }

    func testPrettyParsesToTheSameObject() throws {
        let summary = ReportFixture.summary()
        let pretty = JSONReport.render(summary, pretty: true)
        XCTAssertTrue(pretty.hasPrefix("{\n  \"schema\": 1,\n  \"input\": {\n"))
        let a = try parse(pretty), b = try parse(JSONReport.render(summary))
        XCTAssertEqual(NSDictionary(dictionary: a), NSDictionary(dictionary: b))
    }

    func testEscapingOfWeirdStrings() throws {
        XCTAssertEqual(
            JSONValue.string("q\"\\/\n\r\t\u{8}\u{C}\u{0}\u{1F}\u{7F}\u{2028}é😀").text(),
            #""q\"\\/\n\r\t\b\f\u0000\u001f\u007f\u2028é😀""#)
        var out = ""
        JSONValue.quote(bytes: [0x61, 0xC3, 0x28, 0xFF, 0x62], into: &out)
        XCTAssertEqual(out, "\"a\u{FFFD}(\u{FFFD}b\"")
        XCTAssertEqual(JSONValue.milliseconds(1_234_567).text(), "1.234567")
        XCTAssertEqual(JSONValue.milliseconds(-500_000).text(), "-0.5")
        XCTAssertEqual(JSONValue.milliseconds(7_200_000_000).text(), "7200")
        XCTAssertEqual(JSONValue.milliseconds(Int64.min).text(), "-9223372036854.775808")

        // Keys from logs: quotes, newlines, control and escape characters, invalid UTF-8.
        let json = try parse(JSONReport.render(ReportFixture.summary()))
        let examples = try XCTUnwrap((json["handoffs"] as? [[String: Any]])?.first?["examples"] as? [[String: Any]])
        XCTAssertEqual(examples[1]["key"] as? String, "a\"b\nc\u{1}\u{1B}[31m")
        XCTAssertEqual(examples[2]["key"] as? String, "a\u{FFFD}b")
        XCTAssertTrue((examples[1]["why"] as? String)?.contains(#"request_id="a\"b"#) ?? false)
    }

    func testJSONLinesEndWithTheSummary() throws {
        let summary = ReportFixture.summary()
        let text = JSONLinesReport.render(findings: ReportFixture.findings, summary: summary)
        XCTAssertTrue(text.hasSuffix("}\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, ReportFixture.findings.filter { $0.verdict != .confirmed }.count + 1)
        for l in lines.dropLast() {
            let f = try parse(String(l))
            XCTAssertNotEqual(f["kind"] as? String, "confirmed")
            XCTAssertNotNil(f["why"] as? String)
        }
        XCTAssertTrue(lines.last!.hasPrefix(#"{"summary":{"schema":1,"#))
        let last = try parse(String(lines.last!))
        XCTAssertEqual(((last["summary"] as? [String: Any])?["totals"] as? [String: Int])?["gaps"], 5)

        let silent = try parse(JSONLinesReport.silentLine(service: "payments", since: ReportFixture.t0, pendingSends: 3))
        XCTAssertEqual(silent["kind"] as? String, "silent")
        XCTAssertEqual(silent["pending_sends"] as? Int, 3)
    }

    func testEmptySummary() throws {
        let s = Summary(sources: [], inputErrors: [], coverage: [:], handoffs: [])
        let json = try parse(JSONReport.render(s))
        // Nothing read, nothing judged: incomplete (SEMANTICS.md cause 3).
        XCTAssertEqual((json["input"] as? [String: Any])?["complete"] as? Bool, false)
        let reasons = (json["input"] as? [String: Any])?["incomplete"] as? [[String: Any]]
        XCTAssertEqual(reasons?.map { $0["cause"] as? String }, ["nothing_judged"])
        XCTAssertEqual((json["handoffs"] as? [Any])?.count, 0)
    }
}
