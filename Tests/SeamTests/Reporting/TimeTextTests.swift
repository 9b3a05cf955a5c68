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

final class TimeTextTests: XCTestCase {
    func testRFC3339WithMillisecondsIncludingBefore1970() {
        let table: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_234_567_890, "1970-01-01T00:00:01.234Z"),
            (999_999, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (-1_000_000_000, "1969-12-31T23:59:59.000Z"),
            (-1_000_000_001, "1969-12-31T23:59:58.999Z"),
            (-14_182_940 * 1_000_000_000 + 500_000_000, "1969-07-20T20:17:40.500Z"),
            (-2_203_891_201 * 1_000_000_000, "1900-02-28T23:59:59.000Z"),
            (-2_203_891_200 * 1_000_000_000, "1900-03-01T00:00:00.000Z"),
            (951_782_400 * 1_000_000_000, "2000-02-29T00:00:00.000Z"),
            (1_795_953_601_234_000_000, "2026-11-29T12:00:01.234Z"),
            (Int64.min, "1677-09-21T00:12:43.145Z"),
            (Int64.max, "2262-04-11T23:47:16.854Z"),
        ]
        for (ns, text) in table { XCTAssertEqual(TimeText.rfc3339(ns), text, "\(ns)") }
    }
}
