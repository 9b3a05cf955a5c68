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

final class FindingTextTests: XCTestCase {
    typealias F = ReportFixture

    private func why(_ v: Verdict, key: String? = "abc", send: Finding.Evidence? = F.send(1042, F.t0),
                     receive: Finding.Evidence? = F.receive(88, F.t0 + 2 * F.s), latency: Int64? = nil,
                     rule: Int32 = 0) -> String {
        FindingText.why(Finding(verdict: v, rule: rule, key: key, send: send, receive: receive, latency: latency),
                        summary: F.summary())
    }

    func testEveryVerdictNamesItsEvidence() {
        for v in Verdict.allCases {
            let text = why(v)
            XCTAssertTrue(text.contains("(orders.jsonl.gz:1042)") || text.contains("(payments.log.gz:88)"), "\(v): \(text)")
            XCTAssertFalse(text.contains("nil") || text.contains("Optional"), text)
        }
    }

    func testSentences() {
        let at = "2026-11-29T12:00:01.234Z (orders.jsonl.gz:1042)"
        XCTAssertEqual(
            why(.confirmed, latency: 120 * F.ms),
            "orders sent payment.requested for request_id=abc at \(at); payments confirmed it at "
                + "2026-11-29T12:00:03.234Z (payments.log.gz:88), after 120ms, within 5s")
        XCTAssertEqual(
            why(.duplicate, send: F.send(10, F.t0)),
            "payments received payment.received for request_id=abc a second time at 2026-11-29T12:00:03.234Z "
                + "(payments.log.gz:88); the send at 2026-11-29T12:00:01.234Z (orders.jsonl.gz:10) was already confirmed")
        XCTAssertEqual(
            why(.uncoveredSend, receive: nil),
            "orders sent payment.requested for request_id=abc at \(at); not judged: the logs of payments do not "
                + "cover its whole window (until 2026-11-29T12:00:11.234Z)")
        XCTAssertEqual(
            why(.unkeyedSend, key: nil, receive: nil),
            "orders sent payment.requested at \(at) without a request_id field, so it cannot be paired (not judged)")
        XCTAssertEqual(
            why(.unconfirmed, key: "k", send: F.send(3, F.t0), receive: nil, rule: 1),
            "payments sent [kind=settled] for payment_id=k at 2026-11-29T12:00:01.234Z (orders.jsonl.gz:3); "
                + "ledger never confirmed it within 250ms")
        XCTAssertEqual(
            why(.orphan, key: "", send: nil),
            "payments received payment.received for request_id=\"\" at 2026-11-29T12:00:03.234Z "
                + "(payments.log.gz:88), but orders never sent it in the 10s before")
    }

    func testUnknownRuleAndSourceNeverTrap() {
        let f = Finding(verdict: .orphan, rule: 7, key: "k", send: nil,
                        receive: .init(time: 0, position: InputPosition(source: 9, line: 1)), latency: nil)
        XCTAssertEqual(FindingText.why(f, summary: F.summary()), "orphan for handoff #7, which the summary does not hold")
        XCTAssertEqual(F.summary().place(InputPosition(source: 9, line: 1)), "source #9:1")
        XCTAssertFalse(JSONLinesReport.line(for: f, summary: F.summary()).isEmpty)
    }
}
