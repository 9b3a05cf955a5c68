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

final class MarkdownReportTests: XCTestCase {
    func testTableFindingsAndMermaidGraph() {
        let text = MarkdownReport.render(ReportFixture.summary())
        XCTAssertTrue(text.hasPrefix("## Seam report\n\n**5 gaps, 3 defects** in 2 handoffs. **Run incomplete:**"))
        XCTAssertTrue(text.contains("\n- **input_not_read_whole**: 2 inputs not read whole: payments.log.gz (the gzip stream ends early; lines after it are lost), missing.log (no such file)\n"), text)
        XCTAssertTrue(text.contains("| Handoff | Sent | Confirmed | Late | Unconfirmed | Orphan | Duplicate | Disagree | Uncovered | p50 | p99 |\n|---|"))
        XCTAssertTrue(text.contains("| orders->payments | 8 | 3 | 1 | 4 | 1 | 1 | 1 | 0 | 120ms | 7.2s |\n"))
        XCTAssertTrue(text.contains("- **unconfirmed**: orders sent payment.requested for request\\_id=abc at 2026-11-29T12:00:01.234Z (orders.jsonl.gz:1042);"))
        XCTAssertTrue(text.contains("- … and 1 more unconfirmed\n"))
        XCTAssertTrue(text.contains("""
            ```mermaid
            graph LR
              orders["orders"]
              payments["payments"]
              ledger["ledger"]
              orders -->|"orders->payments: 5 gaps, 3 defects"| payments
              payments -->|"payments->ledger: 0 gaps"| ledger
              linkStyle 0 stroke:#d00,stroke-width:2px
            ```
            """), text)
        XCTAssertTrue(text.contains("- 8 malformed, first at `orders.jsonl.gz:17`"))
        // A key with a newline never breaks a bullet.
        for line in text.split(separator: "\n") where line.hasPrefix("- **unconfirmed**") {
            XCTAssertTrue(line.contains("(orders.jsonl.gz:"))
        }
    }

    func testMermaidIdsAreSanitizedAndUnique() {
        var a = ReportFixture.payments
        a.from = "end"
        a.to = "1st \"svc\""
        a.name = "x|y"
        var b = ReportFixture.ledger
        b.from = "1st-\"svc\""
        b.to = "a.b"
        let s = Summary(sources: [], inputErrors: [], coverage: [:], handoffs: [
            HandoffTally(rule: a, examplesPerKind: 1), HandoffTally(rule: b, examplesPerKind: 1),
        ])
        let text = MarkdownReport.render(s)
        XCTAssertTrue(text.contains("""
              s_end["end"]
              s_1st__svc_["1st #quot;svc#quot;"]
              s_1st__svc__2["1st-#quot;svc#quot;"]
              a_b["a.b"]
              s_end -->|"x#124;y: 0 gaps"| s_1st__svc_
              s_1st__svc__2 -->|"payments->ledger: 0 gaps"| a_b

            """), text)
        XCTAssertFalse(text.contains("linkStyle"))
    }
}
