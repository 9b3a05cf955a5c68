import Histogram
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

    /// Latencies held back in a batch count as soon as they are recorded, before, across and
    /// after each batch boundary, and through `merge`: the same percentiles as one histogram
    /// fed every value at once.
    func testBatchedLatenciesReadLikeOneHistogram() {
        let offset: Int64 = 1_000_000_000
        var reference = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        reference.autoResize = true
        var d = LatencyDistribution(offset: offset), a = LatencyDistribution(offset: offset)
        var rng = SeededRandom(seed: 7)
        let total = LatencyDistribution.batch * 2 + 300
        for i in 0..<total {
            let latency = Int64(rng.next() % 6_000_000_000) - offset
            _ = reference.record(UInt64((latency + offset) / 1_000))
            if i % 5 == 0 { a.record(latency) } else { d.record(latency) }
            if i == 10 || i == LatencyDistribution.batch + 1 || i == total - 1 {
                var merged = d
                merged.merge(a)
                XCTAssertEqual(merged.count, UInt64(i + 1))
                for p in [0.0, 25, 50, 90, 99, 99.9] {
                    let micros = reference.valueAtPercentile(p)
                    let expected = min(max(Int64(micros) * 1_000 - offset, merged.min!), merged.max!)
                    XCTAssertEqual(merged.value(atPercentile: p), expected, "p\(p) after \(i + 1) latencies")
                }
            }
        }
    }
}

