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

/// SEMANTICS.md "Gaps, defects, exit codes": each cause of an incomplete run is named, and an
/// incomplete run exits 3, winning over gaps (1).
final class SummaryCompletenessTests: XCTestCase {
    typealias F = ReportFixture

    /// One source with events, one handoff holding `findings`.
    private func summary(_ findings: [Finding], events: UInt64 = 100, errors: [InputError] = []) -> Summary {
        var st = SourceStats()
        st.lines = events
        st.events = events
        var t = HandoffTally(rule: F.payments, examplesPerKind: 3)
        for f in findings { t.record(f) }
        return Summary(sources: [.init(name: "all.jsonl", stats: st)], inputErrors: errors, coverage: [:], handoffs: [t])
    }

    private func json(_ s: Summary) throws -> [String: Any] {
        let data = JSONReport.render(s).data(using: .utf8)!
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testCompleteRunHasNoReasons() throws {
        let s = F.clean()
        XCTAssertEqual(s.incompleteReasons, [])
        XCTAssertEqual(s.exitCode(), 0)
        let input = try json(s)["input"] as? [String: Any]
        XCTAssertEqual(input?["complete"] as? Bool, true)
        XCTAssertEqual((input?["incomplete"] as? [Any])?.count, 0)
        XCTAssertFalse(TextReport.render(s).contains("incomplete"))
    }

    /// Cause 1, with the sources named; a symlink loop alone loses nothing.
    func testInputNotReadWholeNamesTheSources() {
        let s = F.summary()
        let r = s.incompleteReasons
        XCTAssertEqual(r.map(\.cause), [.inputNotReadWhole])
        XCTAssertEqual(r.first?.names, ["payments.log.gz", "missing.log"])
        XCTAssertEqual(r.first?.count, 2)
        XCTAssertEqual(s.exitCode(), 3, "3 wins over the fixture's gaps")
        let loop = summary([F.findings[0]], errors: [InputError(code: .symlinkLoop, source: "logs/loop", offset: nil, message: "symlink loop")])
        XCTAssertEqual(loop.incompleteReasons, [])
        XCTAssertEqual(loop.exitCode(), 0)
    }

    /// Cause 2: per handoff, how many were evicted and the time span they lie in; exit 3 even
    /// with gaps, and even when the input was read whole.
    func testEvictionsMakeTheRunIncompleteWithCountAndSpan() throws {
        let s = summary([
            F.findings[0],
            Finding(verdict: .evictedSend, rule: 0, key: "a", send: F.send(1, F.t0 + F.s), receive: nil, latency: nil),
            Finding(verdict: .evictedReceive, rule: 0, key: "b", send: nil, receive: F.receive(2, F.t0 + 3 * F.s), latency: nil),
            Finding(verdict: .unconfirmed, rule: 0, key: "c", send: F.send(3, F.t0), receive: nil, latency: nil),
        ])
        let r = s.incompleteReasons
        XCTAssertEqual(r.map(\.cause), [.evicted])
        XCTAssertEqual(r.first?.handoff, "orders->payments")
        XCTAssertEqual(r.first?.count, 2)
        XCTAssertEqual(r.first?.first, F.t0 + F.s)
        XCTAssertEqual(r.first?.last, F.t0 + 3 * F.s)
        XCTAssertEqual(r.first?.message, "orders->payments: 2 observations evicted past max-open from 2026-11-29T12:00:02.234Z "
            + "to 2026-11-29T12:00:04.234Z (1 send, 1 receive); verdicts near them are partial")
        XCTAssertEqual(s.exitCode(), 3)
        XCTAssertEqual(s.exitCode(failOn: []), 3)
        let input = try json(s)["input"] as? [String: Any]
        XCTAssertEqual(input?["complete"] as? Bool, false)
        let reason = (input?["incomplete"] as? [[String: Any]])?.first
        XCTAssertEqual(reason?["cause"] as? String, "evicted")
        XCTAssertEqual(reason?["handoff"] as? String, "orders->payments")
        XCTAssertEqual(reason?["count"] as? Int, 2)
        XCTAssertEqual(reason?["first"] as? String, "2026-11-29T12:00:02.234Z")
        XCTAssertEqual(reason?["last"] as? String, "2026-11-29T12:00:04.234Z")
        let text = TextReport.render(s)
        XCTAssertTrue(text.hasPrefix("Seam: 1 gap, 0 defects in 1 handoff; run incomplete\n"), text)
        XCTAssertTrue(text.contains("\n  evicted: orders->payments: 2 observations evicted"), text)
        XCTAssertTrue(MarkdownReport.render(s).contains("- **evicted**: orders->payments: 2 observations evicted"))
    }

    /// Cause 3: no line became an event, or events but no keyed send or receive.
    func testNothingJudged() {
        let noEvents = summary([], events: 0)
        XCTAssertEqual(noEvents.incompleteReasons.map(\.cause), [.nothingJudged])
        XCTAssertEqual(noEvents.incompleteReasons.first?.message, "no line was read")
        XCTAssertEqual(noEvents.exitCode(), 3)

        var rejected = SourceStats()
        rejected.lines = 4
        rejected.reject(.malformed, line: 1)
        let allRejected = Summary(sources: [.init(name: "x.log", stats: rejected)], inputErrors: [], coverage: [:],
                                  handoffs: [HandoffTally(rule: F.payments, examplesPerKind: 3)])
        XCTAssertEqual(allRejected.incompleteReasons.first?.message, "no line became an event (4 lines read, all rejected)")
        XCTAssertEqual(allRejected.exitCode(), 3)

        let unkeyedOnly = summary([Finding(verdict: .unkeyedSend, rule: 0, key: nil, send: F.send(5, F.t0), receive: nil, latency: nil)])
        XCTAssertEqual(unkeyedOnly.incompleteReasons.map(\.cause), [.nothingJudged])
        XCTAssertEqual(unkeyedOnly.incompleteReasons.first?.message,
                       "no handoff saw any keyed send or receive in 100 events (1 match had no key)")
        XCTAssertEqual(unkeyedOnly.exitCode(), 3)
        XCTAssertTrue(TextReport.render(unkeyedOnly).contains("  nothing_judged: no handoff saw any keyed send"))

        // One keyed observation anywhere is something judged.
        XCTAssertEqual(summary([F.findings[0]]).incompleteReasons, [])
    }

    /// A run whose only input is lost is named once, by cause 1, not also as "nothing judged".
    func testLostInputIsNotAlsoNothingJudged() {
        let s = Summary(sources: [], inputErrors: [InputError(code: .notFound, source: "missing.log", offset: nil, message: "no such file")],
                        coverage: [:], handoffs: [HandoffTally(rule: F.payments, examplesPerKind: 3)])
        XCTAssertEqual(s.incompleteReasons.map(\.cause), [.inputNotReadWhole])
        XCTAssertEqual(s.exitCode(), 3)
    }
}
