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

final class DurationTextTests: XCTestCase {
    func testExactTextRoundTrips() throws {
        let table: [(Int64, String)] = [
            (0, "0s"), (10, "10ns"), (1_500, "1.5us"), (250_000_000, "250ms"), (12_345_678, "12.345678ms"),
            (7_200_000_000, "7.2s"), (5_000_000_000, "5s"), (120_000_000_000, "2m"), (125_500_000_000, "2m5.5s"),
            (5_400_000_000_000, "1h30m"), (3_605_000_000_000, "1h5s"), (-1_500_000_000, "-1.5s"),
            (Int64.max, "2562047h47m16.854775807s"), (Int64.min, "-2562047h47m16.854775808s"),
        ]
        for (ns, text) in table {
            XCTAssertEqual(DurationText.text(ns), text)
            if ns != Int64.min { XCTAssertEqual(try DurationText.nanoseconds(text), ns, text) }
        }
    }

    func testApproximateForTables() {
        let table: [(Int64, String)] = [
            (999, "999ns"), (1_234, "1.23us"), (120_000_000, "120ms"), (120_400_000, "120ms"), (12_340_000, "12.3ms"),
            (999_600_000, "1s"), (4_100_000_000, "4.1s"), (59_960_000_000, "1m"), (125_400_000_000, "2m5s"),
            (5_400_000_000_000, "1h30m"), (-1_500_000_000, "-1.5s"),
        ]
        for (ns, text) in table { XCTAssertEqual(DurationText.approximate(ns), text, "\(ns)") }
    }
}
