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

/// `TimestampCache` against `Timestamp.parse` on sequences that share prefixes, with invalid
/// tails, invalid prefixes after valid ones, zones, epochs and JSON numbers.
final class RecordsTimestampCacheTests: XCTestCase {
    func testSameAsParseOnRandomSequences() {
        var rng = SeededRandom(seed: 21)
        let prefixes = ["2026-11-29T10:00:00", "2026-11-29T10:00:01", "2026-11-29 10:00:00", "2024-02-29T23:59:60",
                        "2023-02-29T10:00:00", "2026-13-01T00:00:00", "1677-09-21T00:12:43", "2262-04-11T23:47:16",
                        "2026-11-29T24:00:00", "20261129T10:00:00Z", "1732874400"]
        let tails = ["", "Z", ".1Z", ".123456789123Z", ",5", "+01:00", "-0530", "+23", "+24:00", ".Z", "x", "Zz",
                     ".000000001-00:01", "+01:", "123",
                     // Every fraction length the 8-digits-at-once path takes, and bytes just
                     // outside 0-9 (/ and :) at every place in it.
                     ".5Z", ".12Z", ".123Z", ".1234Z", ".12345Z", ".123456Z", ".1234567Z", ".12345678Z",
                     ".987654321Z", ".987654321z", ",246887Z", ".0000000009Z", ".9/9Z", ".12:4Z", "./23456Z",
                     ".1234567:Z", ":12345678Z", ".:23456789Z", ".123456789:Z", ". 23Z", ".12345a78Z", "..1Z"]
        var cache = TimestampCache()
        var hits = 0
        for _ in 0..<30_000 {
            let text = rng.pick(prefixes) + rng.pick(tails)
            let isNumber = rng.chance(5)
            let bytes = Array(text.utf8)
            let expected = bytes.withUnsafeBytes { Timestamp.parse($0, isNumber: isNumber) }
            let got = bytes.withUnsafeBytes { cache.parse($0, isNumber: isNumber) }
            XCTAssertEqual(got, expected, "\(text) isNumber \(isNumber)")
            if expected != nil { hits += 1 }
        }
        XCTAssertGreaterThan(hits, 7_000)
    }
}
