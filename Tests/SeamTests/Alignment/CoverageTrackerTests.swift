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

final class CoverageTrackerTests: XCTestCase {
    func testUnionOfReplicasJoinsOnlyWhereTheyMeet() {
        let c = CoverageTracker()
        c.note(service: 7, source: 0, time: 0)
        c.note(service: 7, source: 0, time: 100)
        c.note(service: 7, source: 1, time: 100)
        c.note(service: 7, source: 1, time: 200)
        c.note(service: 7, source: 2, time: 201)
        c.note(service: 7, source: 2, time: 300)
        c.endAll()
        XCTAssertEqual(c.status(service: 7, from: 50, to: 150), .covered, "[0,100] and [100,200] meet")
        XCTAssertEqual(c.status(service: 7, from: 150, to: 250), .uncovered, "(200, 201) is a gap")
        XCTAssertEqual(c.status(service: 7, from: 201, to: 300), .covered)
        XCTAssertEqual(c.status(service: 7, from: 300, to: 301), .uncovered)
        XCTAssertEqual(c.status(service: 8, from: 0, to: 0), .uncovered, "unknown service")
        XCTAssertEqual(c.extents(service: 7).map { [$0.source, Int32($0.first), Int32($0.last)] }, [[0, 0, 100], [1, 100, 200], [2, 201, 300]])
    }

    func testOpenSourceLeavesTheAnswerUndeterminedUntilItGrowsOrEnds() {
        let c = CoverageTracker()
        c.note(service: 1, source: 0, time: 10)
        c.note(service: 1, source: 0, time: 50)
        XCTAssertEqual(c.status(service: 1, from: 40, to: 60), .undetermined)
        XCTAssertEqual(c.status(service: 1, from: 5, to: 60), .uncovered, "nothing can cover 5 any more")
        XCTAssertEqual(c.probe(service: 1, from: 40, to: 60).gap, 50)
        _ = c.takeChanges(service: 1)
        c.note(service: 1, source: 0, time: 70)
        XCTAssertEqual(c.takeChanges(service: 1), 50, "the change starts at the old end")
        XCTAssertEqual(c.status(service: 1, from: 40, to: 60), .covered)
        XCTAssertEqual(c.status(service: 1, from: 60, to: 80), .undetermined)
        c.end(source: 0)
        XCTAssertEqual(c.status(service: 1, from: 60, to: 80), .uncovered)
        XCTAssertEqual(c.takeChanges(service: 1), 70)
        XCTAssertNil(c.takeChanges(service: 1))
        XCTAssertEqual(c.latest(service: 1), 70)
    }

    func testAThousandHourlyFilesOneAfterAnother() {
        let c = CoverageTracker()
        let hour: Int64 = 3_600
        for f in Int32(0)..<1000 {
            c.note(service: 0, source: f, time: Int64(f) * hour)
            c.note(service: 0, source: f, time: Int64(f) * hour + hour / 2)
            c.note(service: 0, source: f, time: Int64(f + 1) * hour)
            c.end(source: f)
        }
        XCTAssertEqual(c.status(service: 0, from: 0, to: 1000 * hour), .covered)
        XCTAssertEqual(c.status(service: 0, from: -1, to: 10), .uncovered)
    }

    /// Random replicas against a brute-force reading of the definition: covered by the current
    /// union; else undetermined when open sources stretched to +infinity would cover; else not.
    /// And the promise the correlator relies on: a status that changes after a note past the
    /// window (or a source ending) changes only for windows whose gap is at or above
    /// `takeChanges`.
    func testRandomAgainstBruteForce() {
        var g = SeededRandom(seed: 42)
        for round in 0..<150 {
            let c = CoverageTracker()
            var spans: [Int32: (Int64, Int64)] = [:]
            var open = Set<Int32>()
            let sources = Int32.random(in: 1...5, using: &g)
            for s in 0..<sources {
                open.insert(s)
                for _ in 0..<Int.random(in: 1...3, using: &g) {
                    let t = Int64.random(in: 0...60, using: &g)
                    c.note(service: 3, source: s, time: t)
                    spans[s] = spans[s].map { (min($0.0, t), max($0.1, t)) } ?? (t, t)
                }
            }
            for s in 0..<sources where Bool.random(using: &g) {
                c.end(source: s)
                open.remove(s)
            }
            func brute(_ lo: Int64, _ hi: Int64, stretch: Bool) -> Bool {
                let ivs = spans.map { (s, iv) in (iv.0, stretch && open.contains(s) ? Int64(10_000) : iv.1) }
                for t in lo...hi {
                    if !ivs.contains(where: { $0.0 <= t && t <= $0.1 }) { return false }
                    if t < hi, !ivs.contains(where: { $0.0 <= t && t + 1 <= $0.1 }) { return false }
                }
                return true
            }
            func expected(_ lo: Int64, _ hi: Int64) -> CoverageStatus {
                brute(lo, hi, stretch: false) ? .covered : brute(lo, hi, stretch: true) ? .undetermined : .uncovered
            }
            var before: [(Int64, Int64, CoverageStatus, Int64)] = []
            for lo in Int64(-2)...62 {
                for hi in lo...min(lo + 20, 62) {
                    let (status, gap) = c.probe(service: 3, from: lo, to: hi)
                    XCTAssertEqual(status, expected(lo, hi), "round \(round) [\(lo), \(hi)]")
                    before.append((lo, hi, status, gap))
                }
            }
            // One change past every window: an open source speaks again, or ends.
            _ = c.takeChanges(service: 3)
            guard let s = open.randomElement(using: &g) else { continue }
            if Bool.random(using: &g) {
                c.note(service: 3, source: s, time: 70)
                spans[s]!.1 = 70
            } else {
                c.end(source: s)
                open.remove(s)
            }
            let from = c.takeChanges(service: 3)
            for (lo, hi, old, gap) in before {
                let now = c.status(service: 3, from: lo, to: hi)
                XCTAssertEqual(now, expected(lo, hi), "round \(round) after change [\(lo), \(hi)]")
                if now != old {
                    XCTAssertEqual(old, .undetermined, "only undetermined may change")
                    XCTAssertGreaterThanOrEqual(gap, from ?? .max, "round \(round) [\(lo), \(hi)] changed below the mark")
                }
            }
        }
    }
}
