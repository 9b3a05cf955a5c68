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

final class TextReportTests: XCTestCase {
    private func assertFits(_ text: String, width: Int = 100, file: StaticString = #filePath, line: UInt = #line) {
        for l in text.split(separator: "\n") {
            XCTAssertLessThanOrEqual(l.count, width, "too wide: \(l)", file: file, line: line)
        }
    }

    func testReportReadsAtHundredColumnsWithEvidence() {
        let text = TextReport.render(ReportFixture.summary())
        assertFits(text)
        XCTAssertFalse(text.contains("\u{1B}"), "no ANSI codes without colour, even from log content")
        XCTAssertTrue(text.hasPrefix("Seam: 5 gaps, 3 defects in 2 handoffs; run incomplete\n"))
        XCTAssertTrue(text.contains("(orders.jsonl.gz:1042)"))
        XCTAssertTrue(text.contains("(payments.log.gz:7)"))
        XCTAssertTrue(text.contains("  - ... and 1 more unconfirmed\n"))
        XCTAssertTrue(text.contains("orders->payments: 4 unconfirmed, 1 orphan, 1 disagree, 1 duplicate, 1 late\n"))
        XCTAssertTrue(text.contains("  not judged: 1 unkeyed send\n"))
        // Worst first: unconfirmed, orphan, disagree, duplicate, late.
        let order = ["- unconfirmed:", "- orphan:", "- disagree:", "- duplicate:", "- late:"].map {
            text.range(of: $0)?.lowerBound
        }
        XCTAssertFalse(order.contains { $0 == nil })
        XCTAssertEqual(order.compactMap { $0 }, order.compactMap { $0 }.sorted())
        XCTAssertTrue(text.contains("later than within 5s"))
        XCTAssertTrue(text.contains("\n  8 malformed  first at orders.jsonl.gz:17\n"), text)
        XCTAssertTrue(text.contains("\n  2 blank      first at orders.jsonl.gz:3\n"))
        XCTAssertTrue(text.contains("error: payments.log.gz: byte 1234: the gzip stream ends early"))
        XCTAssertTrue(text.contains("error: missing.log: no such file"))
        XCTAssertTrue(text.contains("reordered by time (not in time order): payments.log.gz"))
    }

    func testTableColumns() throws {
        let text = TextReport.render(ReportFixture.summary())
        let lines = text.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("handoff") })
        XCTAssertEqual(
            header.split(separator: " "),
            ["handoff", "sent", "confirmed", "late", "unconfirmed", "orphan", "duplicate", "disagree", "uncovered", "p50", "p99"])
        let row = try XCTUnwrap(lines.first { $0.hasPrefix("orders->payments ") })
        XCTAssertEqual(row.split(separator: " "), ["orders->payments", "8", "3", "1", "4", "1", "1", "1", "0", "120ms", "7.2s"])
        let empty = try XCTUnwrap(lines.first { $0.hasPrefix("payments->ledger ") })
        XCTAssertEqual(empty.split(separator: " ").suffix(2), ["-", "-"])
    }

    func testLongNamesStillFit() {
        var s = ReportFixture.summary()
        var rule = ReportFixture.payments
        rule.name = String(repeating: "checkout-service->payment-gateway-", count: 3)
        var t = HandoffTally(rule: rule, examplesPerKind: 3)
        for f in ReportFixture.findings { t.record(f) }
        s.handoffs[0] = t
        let text = TextReport.render(s)
        assertFits(text)
        XCTAssertTrue(text.contains("conf = confirmed"))
    }

    func testColourOnlyWhenAsked() {
        let plain = TextReport.render(ReportFixture.summary(), color: false)
        let coloured = TextReport.render(ReportFixture.summary(), color: true)
        XCTAssertFalse(plain.contains("\u{1B}["))
        XCTAssertTrue(coloured.contains("\u{1B}[31m4\u{1B}[0m") || coloured.contains("\u{1B}[31m"))
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertEqual(stripped, plain)
    }

    func testCleanInputIsOneLine() {
        let text = TextReport.render(ReportFixture.clean())
        assertFits(text)
        XCTAssertTrue(text.hasSuffix("Input: read 1 source, 12,345 lines, all of them events\n"), text)
        XCTAssertTrue(text.contains("Nothing tore: every judged send was confirmed in time"))
    }

    func testNoHandoffsNoEvents() {
        let text = TextReport.render(Summary(sources: [], inputErrors: [], coverage: [:], handoffs: []))
        XCTAssertEqual(
            text,
            """
            Seam: 0 gaps, 0 defects in 0 handoffs; run incomplete

            No handoffs in the spec: nothing to check.

            What tore

            No gap in what was judged, but the run is incomplete: see below.

            Input: read 0 sources, 0 lines
            Run incomplete: verdicts cover only what could be read and judged.
              nothing_judged: no line was read

            """)
    }
}
