import XCTest
@testable import Seam

final class LatencyDistributionTests: XCTestCase {
    func testNegativeLatenciesAndExactMax() {
        var d = LatencyDistribution(offset: 2_000_000_000)
        for ms in [-1500, 10, 20, 30, 4999] { d.record(Int64(ms) * 1_000_000) }
        XCTAssertEqual(d.count, 5)
        XCTAssertEqual(d.min, -1_500_000_000)
        XCTAssertEqual(d.max, 4_999_000_000)
        XCTAssertEqual(d.value(atPercentile: 100), 4_999_000_000)
        let p50 = d.value(atPercentile: 50)!
        // Precision is relative to the shifted value (latency + offset): 3 significant digits.
        XCTAssertEqual(Double(p50), 20_000_000, accuracy: 2_020_000_000 * 0.001 + 1_000)
        let p0 = d.value(atPercentile: 0)!
        XCTAssertEqual(Double(p0), -1_500_000_000, accuracy: 500_000_000 * 0.001 + 1_000)
    }

    func testMergeEqualsRecordingEverything() {
        var a = LatencyDistribution(offset: 0), b = LatencyDistribution(offset: 0), all = LatencyDistribution(offset: 0)
        for i in 0..<1000 {
            let v = Int64(i * i) * 1_000
            if i % 3 == 0 { a.record(v) } else { b.record(v) }
            all.record(v)
        }
        a.merge(b)
        XCTAssertEqual(a.count, all.count)
        for p in [50.0, 90, 99, 100] { XCTAssertEqual(a.value(atPercentile: p), all.value(atPercentile: p)) }
    }
}
