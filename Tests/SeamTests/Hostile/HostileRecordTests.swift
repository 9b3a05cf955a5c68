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

/// Hostile records through `RecordDecoder`: deep nesting, giant numbers, escapes and invalid
/// UTF-8. No crash or stack overflow; each line is an event or one rejection (SEMANTICS.md).
final class HostileRecordTests: XCTestCase {
    private let head = "{\"ts\":\"2026-11-29T10:00:00Z\",\"service\":\"orders\",\"event\":\"sent\","

    /// Decodes one line; returns the rejection, or nil and the view's values of `paths`.
    private func decode(_ text: [UInt8], extra: [FieldPath] = ["deep", "n", "s"]) -> (RejectReason?, [FieldPath: FieldValue]) {
        var decoder = RecordDecoder(config: FieldConfig(), extraPaths: extra, services: ServiceTable())
        let slots = extra.map { decoder.slot(for: $0) }
        var values: [FieldPath: FieldValue] = [:]
        var calls = 0
        let rejection = text.withUnsafeBytes { line in
            decoder.decode(line, defaultService: nil) { view in
                calls += 1
                for (path, slot) in zip(extra, slots) { if let slot, let v = view.value(slot) { values[path] = v } }
            }
        }
        XCTAssertEqual(calls, rejection == nil ? 1 : 0)
        return (rejection, values)
    }

    func testJSONNested200000LevelsDeep() {
        let depth = 200_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let (ok, values) = decode(Array((head + "\"deep\":" + deep + "}").utf8))
        XCTAssertNil(ok, "a valid deep record is an event")
        XCTAssertEqual(values["deep"]?.textBytes.count, 2 * depth)
        // Comparing two such values must not recurse 200,000 frames either.
        if let v = values["deep"] {
            XCTAssertTrue(v.agrees(with: v))
            XCTAssertFalse(v.agrees(with: .composite(Array((String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)).utf8))))
        }
        let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        XCTAssertNil(decode(Array((head + "\"deep\":" + objects + "}").utf8)).0)
        // Unbalanced: malformed, not a crash.
        XCTAssertEqual(decode(Array((head + "\"deep\":" + String(repeating: "[", count: depth) + "}").utf8)).0, .malformed)
        XCTAssertEqual(decode(Array(String(repeating: "{\"a\":", count: depth).utf8)).0, .malformed)
    }

    func testNumbersWithTenThousandDigits() {
        let digits = "9" + String(repeating: "1234567890", count: 1000)
        // As a field value: kept, compared exactly.
        let (ok, values) = decode(Array((head + "\"n\":" + digits + "}").utf8))
        XCTAssertNil(ok)
        XCTAssertEqual(values["n"], .number(Array(digits.utf8)))
        XCTAssertTrue(values["n"]!.agrees(with: .string(Array((digits + ".000e0").utf8))))
        XCTAssertFalse(values["n"]!.agrees(with: .number(Array((digits + "1").utf8))))
        // As a time: outside Int64 nanoseconds, so `bad-time`, not a trap.
        let line = "{\"ts\":\(digits),\"service\":\"orders\"}"
        XCTAssertEqual(decode(Array(line.utf8)).0, .badTime)
        XCTAssertEqual(decode(Array("{\"ts\":\"\(digits)\",\"service\":\"orders\"}".utf8)).0, .badTime)
        XCTAssertEqual(decode(Array("{\"ts\":1e\(digits),\"service\":\"orders\"}".utf8)).0, .badTime)
        // 1e-(10,000 digits) s is 0 ns once cut; rejecting it as out of range is also fair.
        let tiny = decode(Array("{\"ts\":1e-\(digits),\"service\":\"orders\"}".utf8)).0
        XCTAssertTrue(tiny == nil || tiny == .badTime, "\(String(describing: tiny))")
        XCTAssertEqual(decode(Array("ts=\(digits) service=orders".utf8)).0, .badTime)
    }

    func testStringsFullOfEscapesAndInvalidUTF8() {
        var s = ""
        for i in 0..<20_000 { s += ["\\n", "\\\"", "\\\\", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\/", "x"][i % 8] }
        let (ok, values) = decode(Array((head + "\"s\":\"" + s + "\"}").utf8))
        XCTAssertNil(ok)
        let decoded = values["s"]?.textBytes ?? []
        XCTAssertEqual(decoded.filter { $0 == 0x0A }.count, 2500)
        XCTAssertTrue(decoded.count < s.utf8.count)
        // Invalid UTF-8 is kept as bytes, in the service name too (it still names a service).
        var bytes = Array("{\"ts\":\"2026-11-29T10:00:00Z\",\"service\":\"or".utf8) + [0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x80]
        bytes += Array("\",\"s\":\"".utf8) + [0xF8, 0x88, 0x80, 0x80, 0x80] + Array("\"}".utf8)
        let (ok2, values2) = decode(bytes)
        XCTAssertNil(ok2)
        XCTAssertEqual(values2["s"]?.textBytes, [0xF8, 0x88, 0x80, 0x80, 0x80])
        // Bad escapes: malformed JSON, not a crash.
        for bad in ["\\x41", "\\u12", "\\u12G4", "\\", "\\ud83d\\u"] {
            XCTAssertEqual(decode(Array((head + "\"s\":\"" + bad + "\"}").utf8)).0, .malformed, bad)
        }
        // logfmt with a trailing lone backslash and unknown escapes.
        XCTAssertNil(decode(Array("ts=2026-11-29T10:00:00Z service=orders s=\"a\\x\\u12\\\\\" t=\\".utf8)).0)
        XCTAssertEqual(decode(Array("ts=2026-11-29T10:00:00Z service=orders s=\"a\\\"".utf8)).0, .malformed)
    }

    /// From fuzz-json (Fuzz/crashes/fuzz-json-crash-57f5...): `EF BB BF { \n }` is valid JSON to
    /// Foundation. The scanner alone calls it malformed by design; the decoder skips the BOM, so
    /// the line is judged as JSON: an empty object has no time.
    func testByteOrderMarkBeforeJSON() {
        XCTAssertEqual(decode([0xEF, 0xBB, 0xBF, 0x7B, 0x0A, 0x7D]).0, .noTime)
        XCTAssertNil(decode([0xEF, 0xBB, 0xBF] + Array((head + "\"n\":1}").utf8)).0)
        // Fuzz/crashes/fuzz-json-crash-ffd5...: only one BOM is skipped; a second is not JSON.
        XCTAssertEqual(decode([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x7B, 0x7D]).0, .malformed)
    }

    /// From fuzz-json (Fuzz/crashes/fuzz-json-crash-df0a...): a U+FEFF at the start of a string
    /// value is a character like any other and is kept (Foundation's JSONSerialization drops it).
    func testByteOrderMarkInsideAStringIsKept() {
        let (ok, values) = decode(Array((head + "\"s\":\"\u{FEFF}x\"}").utf8))
        XCTAssertNil(ok)
        XCTAssertEqual(values["s"], .string([0xEF, 0xBB, 0xBF, UInt8(ascii: "x")]))
        // As the time it is not RFC 3339: bad-time, not a silent strip.
        XCTAssertEqual(decode(Array("{\"ts\":\"\u{FEFF}2026-11-29T05:00:00Z\",\"service\":\"a\"}".utf8)).0, .badTime)
    }

    /// Times out of range, in every form: rejected `bad-time`, never a trap.
    func testTimesAtAndBeyondTheInt64Range() {
        for ts in ["\"2262-04-11T23:47:16.854775808Z\"", "\"1677-09-21T00:12:43.145224191Z\"", "\"9999-12-31T23:59:60Z\"",
                   "\"0000-01-01T00:00:00Z\"", "9223372036854775808", "-9223372036854775809", "1e19", "-1e19",
                   "\"2026-11-29T10:00:00+99:00\"", "\"2026-02-30T10:00:00Z\""] {
            XCTAssertEqual(decode(Array("{\"ts\":\(ts),\"service\":\"a\"}".utf8)).0, .badTime, ts)
        }
        // Int64.min itself (1677-09-21T00:12:43.145224192Z) is rejected: the parser checks the
        // whole second before adding the fraction. Less than a second at the edge; not a trap.
        for ts in ["\"2262-04-11T23:47:16.854775807Z\"", "\"1677-09-21T00:12:44Z\"", "9223372036854775807",
                   "-9223372036000000000"] {
            XCTAssertNil(decode(Array("{\"ts\":\(ts),\"service\":\"a\"}".utf8)).0, ts)
        }
    }
}
