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

/// Two million sends that are never confirmed, while the receiver logs throughout: memory
/// (open handoffs) stays bounded by the window, and every verdict is there.
final class HostileUnconfirmedFloodTests: XCTestCase {
    func testTwoMillionLostSendsStayBoundedByTheWindow() {
        let rule = HandoffRule(name: "flood", from: "a", to: "b", sendKey: "k", receiveKey: "k",
                               send: .event("s"), receive: .event("r"), within: 1_000_000_000, grace: 1_000_000_000,
                               tolerance: 0, agree: [], once: true)
        let coverage = CoverageTracker()
        let sink = CountingSink()
        let c = Correlator(rules: [rule], fromService: [0], toService: [1], coverage: coverage,
                           options: CorrelatorOptions(maxOpen: 1_000_000, examplesPerKind: 2), sink: sink)
        let n = 2_000_000
        let spacing: Int64 = 1_000_000  // 1 ms between sends: 2,000 in one W + G window
        var maxOpen = 0
        for i in 0..<n {
            let t = Int64(i) * spacing
            c.observe(Observation(time: t, position: InputPosition(source: 0, line: UInt64(i + 1)), rule: 0,
                                  side: .send, key: "k\(i)", agree: []))
            coverage.note(service: 0, source: 0, time: t)
            coverage.note(service: 1, source: 1, time: t)  // the receiver logs throughout
            if i % 1_000 == 999 {
                c.advance(to: t)
                maxOpen = max(maxOpen, c.openCount)
            }
        }
        coverage.note(service: 1, source: 1, time: Int64(n) * spacing + 10_000_000_000)
        coverage.endAll()
        c.finish()
        // Open handoffs follow the window (W + G = 2 s of sends, plus one advance step).
        XCTAssertLessThanOrEqual(maxOpen, 2_000 + 1_000 + 10)
        XCTAssertEqual(c.openCount, 0)
        let t = c.tallies[0]
        XCTAssertEqual(t.sent, UInt64(n))
        XCTAssertEqual(t[.unconfirmed], UInt64(n))
        XCTAssertEqual(sink.count, n)
        XCTAssertEqual(t.examples[.unconfirmed]?.count, 2)
    }
}

private final class CountingSink: FindingSink {
    var count = 0
    func found(_ finding: Finding) { count += 1 }
    func discardFindings() { count = 0 }
}
