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

final class RecordsTimestampTests: XCTestCase {
    /// 2026-11-29T10:00:00Z
    let base: Int64 = 1_795_946_400 * 1_000_000_000

    func ns(_ s: String, number: Bool = false) -> Int64? { Timestamp.parse(s, isNumber: number) }

    func testRFC3339Forms() {
        let table: [(String, Int64?)] = [
            ("2026-11-29T10:00:00Z", base),
            ("2026-11-29t10:00:00z", base),
            ("2026-11-29 10:00:00", base),
            ("2026-11-29T10:00:00.123456789Z", base + 123_456_789),
            ("2026-11-29T10:00:00.1234567891234Z", base + 123_456_789),
            ("2026-11-29T10:00:00.5Z", base + 500_000_000),
            ("2026-11-29 10:00:00,250", base + 250_000_000),
            ("2026-11-29T15:30:00+05:30", base),
            ("2026-11-29T15:30:00+0530", base),
            ("2026-11-29T03:00:00-07:00", base),
            ("2026-11-29T12:00:00+02", base),
            ("2026-11-29T10:00:00.000-00:00", base),
            ("2024-02-29T00:00:00Z", 1_709_164_800 * 1_000_000_000),
            ("2000-02-29T00:00:00Z", 951_782_400 * 1_000_000_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.5Z", -500_000_000),
            ("2016-12-31T23:59:60Z", 1_483_228_800 * 1_000_000_000),
            // Invalid.
            ("2026-02-30T00:00:00Z", nil), ("2025-02-29T00:00:00Z", nil), ("1900-02-29T00:00:00Z", nil),
            ("2026-13-01T00:00:00Z", nil), ("2026-00-01T00:00:00Z", nil), ("2026-04-31T00:00:00Z", nil),
            ("2026-11-29T24:00:00Z", nil), ("2026-11-29T10:60:00Z", nil), ("2026-11-29T10:00:61Z", nil),
            ("2026-11-29T10:00Z", nil), ("2026-11-29", nil), ("2026-11-29T10:00:00.Z", nil),
            ("2026-11-29T10:00:00+5:30", nil), ("2026-11-29T10:00:00+05:3", nil), ("2026-11-29T10:00:00+24:00", nil),
            ("2026-11-29T10:00:00Z ", nil), (" 2026-11-29T10:00:00Z", nil), ("2026-11-29X10:00:00Z", nil),
            ("2026/11/29 10:00:00", nil), ("Nov 29 10:00:00", nil), ("", nil), ("now", nil),
            ("9999-12-31T23:59:59Z", nil), ("1600-01-01T00:00:00Z", nil), ("2262-04-11T23:47:16.854775807Z", 9_223_372_036_854_775_807),
            ("2262-04-11T23:47:16.854775808Z", nil),
        ]
        for (text, expected) in table {
            XCTAssertEqual(ns(text), expected, text)
        }
    }

    func testEpochByMagnitude() {
        let table: [(String, Bool, Int64?)] = [
            ("1795946400", true, base),
            ("1795946400", false, base),
            ("1795946400.123", false, base + 123_000_000),
            ("1795946400123", true, base + 123_000_000),
            ("1795946400123456", true, base + 123_456_000),
            ("1795946400123456789", true, base + 123_456_789),
            ("1795946400.1234567899", true, base + 123_456_789),
            ("1.7959464e9", true, base),
            ("17959464e2", true, base),
            ("9000000000", true, 9_000_000_000 * 1_000_000_000),
            ("99999999999", true, nil),  // seconds, but past year 2262
            ("100000000000", true, 100_000_000_000 * 1_000_000),
            ("9000000000000", true, 9_000_000_000_000 * 1_000_000),
            ("99999999999999", true, nil),
            ("100000000000000", true, 100_000_000_000_000 * 1_000),
            ("100000000000000000", true, 100_000_000_000_000_000),
            ("0", true, 0), ("0.0", true, 0), ("-0", true, 0),
            ("-1.5", true, -1_500_000_000),
            ("+12", false, 12_000_000_000),
            ("9223372036854775807", true, Int64.max),
            ("9223372036854775808", true, nil),
            ("99999999999999999999", true, nil),
            ("1e999999999999999999999", true, nil),
            ("1e-99", true, 0),
            ("0x10", false, nil), (".5", false, nil), ("5.", false, nil), ("1 ", false, nil), ("inf", false, nil),
            ("NaN", true, nil), ("1,5", false, nil),
        ]
        for (text, isNumber, expected) in table {
            XCTAssertEqual(ns(text, number: isNumber), expected, text)
        }
        XCTAssertNil(ns(String(repeating: "9", count: 10_000), number: true))
    }

    func testFormat() {
        XCTAssertEqual(Timestamp.format(base + 1_234_567_890), "2026-11-29T10:00:01.234Z")
        XCTAssertEqual(Timestamp.format(0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp.format(-1), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp.format(1_709_164_800 * 1_000_000_000), "2024-02-29T00:00:00.000Z")
        XCTAssertEqual(Timestamp.format(Int64.max), "2262-04-11T23:47:16.854Z")
        XCTAssertEqual(Timestamp.format(Int64.min), "1677-09-21T00:12:43.145Z")
    }

    func testFormatRoundTripsOnRandomTimes() {
        var rng = RecordsRNG(seed: 0x71AE)
        for _ in 0..<2000 {
            let t = Int64(bitPattern: rng.next()) / 1_000_000 * 1_000_000
            XCTAssertEqual(Timestamp.parse(Timestamp.format(t)), t)
        }
    }
}
