import XCTest
import Foundation
@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

private func rule(_ name: String, _ from: String, _ to: String) -> HandoffRule {
        HandoffRule(name: name, from: from, to: to, sendKey: "k", receiveKey: "k", send: .event("s"),
                    receive: .event("r"), within: 5_000_000_000, grace: 0, tolerance: 2_000_000_000,
                    agree: [], once: true)
    }

private func tally(_ r: HandoffRule, latencies: [Int64]) -> HandoffTally {
        var t = HandoffTally(rule: r, examplesPerKind: 0)
        for (i, l) in latencies.enumerated() {
            t.record(Finding(verdict: .confirmed, rule: 0, key: "k\(i)",
                             send: .init(time: 0, position: .init(source: 0, line: UInt64(i + 1))),
                             receive: .init(time: l, position: .init(source: 1, line: UInt64(i + 1))), latency: l))
        }
        return t
    }

final class ClockSkewTests: XCTestCase {
    func testReceivesBeforeSendsBoundTheReceiverBehind() {
        let skews = ClockSkew.estimate([tally(rule("pay", "orders", "payments"), latencies: [-300_000_000, 50_000_000])])
        XCTAssertEqual(skews.count, 1)
        XCTAssertEqual(skews[0].a, "orders")
        XCTAssertEqual(skews[0].b, "payments")
        XCTAssertEqual(skews[0].upper, -300_000_000)
        XCTAssertNil(skews[0].lower)
        XCTAssertTrue(skews[0].isSkewed)
    }

    func testBothDirectionsGiveAnInterval() {
        let skews = ClockSkew.estimate([
            tally(rule("pay", "orders", "payments"), latencies: [40_000_000, 90_000_000]),
            tally(rule("ack", "payments", "orders"), latencies: [30_000_000]),
        ])
        XCTAssertEqual(skews.count, 1)
        XCTAssertEqual(skews[0].upper, 40_000_000)
        XCTAssertEqual(skews[0].lower, -30_000_000)
        XCTAssertFalse(skews[0].isSkewed)
        XCTAssertEqual(skews[0].handoffs, ["pay", "ack"])
    }

    func testNoPairsNoBound() {
        XCTAssertTrue(ClockSkew.estimate([tally(rule("pay", "a", "b"), latencies: [])]).isEmpty)
    }
}

final class ClockSkewReportTests: XCTestCase {
    func testTextAndJSONNameASkewedClock() throws {
        let summary = Summary(sources: [], inputErrors: [], coverage: [:],
                              handoffs: [tally(rule("pay", "orders", "payments"), latencies: [-1_500_000_000])])
        let text = TextReport.render(summary)
        XCTAssertTrue(text.contains("Clocks"), text)
        XCTAssertTrue(text.contains("payments's clock runs at least 1.5s behind orders's") || text.contains("behind orders"), text)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(JSONReport.render(summary).utf8)) as? [String: Any])
        let clocks = try XCTUnwrap(json["clocks"] as? [[String: Any]])
        XCTAssertEqual(clocks.first?["skewed"] as? Bool, true)
        XCTAssertEqual((clocks.first?["offset_ms"] as? [String: Any])?["max"] as? Double, -1500)
    }

    func testNoClocksSectionWhenConsistent() {
        let summary = Summary(sources: [], inputErrors: [], coverage: [:],
                              handoffs: [tally(rule("pay", "orders", "payments"), latencies: [20_000_000])])
        XCTAssertFalse(TextReport.render(summary).contains("Clocks"))
    }
}
