import XCTest
@testable import Seam

/// `TimestampCache` against `Timestamp.parse` on sequences that share prefixes, with invalid
/// tails, invalid prefixes after valid ones, zones, epochs and JSON numbers.
final class RecordsTimestampCacheTests: XCTestCase {
    func testSameAsParseOnRandomSequences() {
        var rng = SeededRandom(seed: 21)
        let prefixes = ["2026-11-29T10:00:00", "2026-11-29T10:00:01", "2026-11-29 10:00:00", "2024-02-29T23:59:60",
                        "2023-02-29T10:00:00", "2026-13-01T00:00:00", "1677-09-21T00:12:43", "2262-04-11T23:47:16",
                        "2026-11-29T24:00:00", "20261129T10:00:00Z", "1732874400"]
        let tails = ["", "Z", ".1Z", ".123456789123Z", ",5", "+01:00", "-0530", "+23", "+24:00", ".Z", "x", "Zz",
                     ".000000001-00:01", "+01:", "123"]
        var cache = TimestampCache()
        var hits = 0
        for _ in 0..<20_000 {
            let text = rng.pick(prefixes) + rng.pick(tails)
            let isNumber = rng.chance(5)
            let bytes = Array(text.utf8)
            let expected = bytes.withUnsafeBytes { Timestamp.parse($0, isNumber: isNumber) }
            let got = bytes.withUnsafeBytes { cache.parse($0, isNumber: isNumber) }
            XCTAssertEqual(got, expected, "\(text) isNumber \(isNumber)")
            if expected != nil { hits += 1 }
        }
        XCTAssertGreaterThan(hits, 5_000)
    }
}
