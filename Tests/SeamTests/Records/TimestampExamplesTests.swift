import Testing
@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// Timestamps people paste from real logs, parameterized (Swift Testing), each with the epoch
/// nanoseconds computed by hand.
@Suite("Timestamp examples")
struct TimestampExamplesTests {
    @Test("RFC 3339 and epoch forms", arguments: [
        ("2026-11-29T10:00:01.234Z", false, Int64(1_795_946_401_234_000_000)),
        ("2026-11-29 10:00:01.234+01:00", false, Int64(1_795_942_801_234_000_000)),
        ("2026-11-29T10:00:01.234-0530", false, Int64(1_795_966_201_234_000_000)),
        ("2026-11-29T10:00:01", false, Int64(1_795_946_401_000_000_000)),
        ("1764410401", true, Int64(1_764_410_401_000_000_000)),
        ("1764410401234", true, Int64(1_764_410_401_234_000_000)),
        ("1764410401234567", true, Int64(1_764_410_401_234_567_000)),
        ("1764410401234567891", true, Int64(1_764_410_401_234_567_891)),
        ("1764410401.5", true, Int64(1_764_410_401_500_000_000)),
    ])
    func parses(text: String, isNumber: Bool, expected: Int64) {
        #expect(Timestamp.parse(text, isNumber: isNumber) == expected)
    }

    @Test("Malformed times are rejected, never trapped", arguments: [
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T25:00:00Z", "yesterday",
        "99999999999-01-01T00:00:00Z", "",
    ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text, isNumber: false) == nil)
    }
}
