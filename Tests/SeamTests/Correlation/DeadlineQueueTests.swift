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

/// `DeadlineQueue` pops in sorted order whatever the arrival order: sorted, nearly sorted,
/// shuffled, interleaved with pops, and across the run's compaction.
final class DeadlineQueueTests: XCTestCase {
    func testPopsInOrderLikeASortedReference() {
        var rng = SeededRandom(seed: 3)
        for round in 0..<30 {
            var q = DeadlineQueue<Int>()
            var ref: [Int] = []
            var t = 0
            let disorder = [0, 5, 1_000][round % 3]
            for _ in 0..<Int.random(in: 1..<6_000, using: &rng) {
                if Int.random(in: 0..<3, using: &rng) > 0 {
                    t += Int.random(in: 0..<10, using: &rng)
                    let v = t - Int.random(in: 0...disorder, using: &rng)
                    q.insert(v)
                    ref.append(v)
                } else if !ref.isEmpty {
                    let m = ref.min()!
                    XCTAssertEqual(q.min, m)
                    XCTAssertEqual(q.removeMin(), m)
                    ref.remove(at: ref.firstIndex(of: m)!)
                }
                XCTAssertEqual(q.count, ref.count)
            }
            ref.sort()
            for v in ref { XCTAssertEqual(q.removeMin(), v) }
            XCTAssertTrue(q.isEmpty)
            XCTAssertNil(q.min)
        }
    }
}
