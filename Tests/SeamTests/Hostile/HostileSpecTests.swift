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

/// Invalid specs never trap: every one throws `SpecErrors` whose errors name a line and column.
final class HostileSpecTests: XCTestCase {
    private func assertRejected(_ text: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try SpecLoader.load(text: text, file: "hostile.yaml")
            XCTFail("\(label): accepted", file: file, line: line)
        } catch let errors as SpecErrors {
            XCTAssertFalse(errors.errors.isEmpty, label, file: file, line: line)
            for e in errors.errors {
                XCTAssertGreaterThanOrEqual(e.line, 1, "\(label): \(e)", file: file, line: line)
                XCTAssertGreaterThanOrEqual(e.column, 1, "\(label): \(e)", file: file, line: line)
                XCTAssertEqual(e.file, "hostile.yaml", file: file, line: line)
            }
        } catch {
            XCTFail("\(label): not SpecErrors: \(error)", file: file, line: line)
        }
    }

    private let rule = "  - {from: a, to: b, key: id, send: s, receive: r, within: 5s}\n"

    func testDeepNestingAndLongTexts() {
        assertRejected(String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000), "deep flow sequence")
        assertRejected(String(repeating: "{a: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000), "deep flow mapping")
        var block = "version: 1\nhandoffs:\n"
        for i in 0..<500 { block += String(repeating: " ", count: 2 * i + 2) + "- \n" }
        assertRejected(block, "deep block sequence")
        assertRejected("version: 1\nhandoffs:\n  - from: " + String(repeating: "a", count: 1 << 20) + "\n", "1 MiB scalar")
        assertRejected("version: 1\n" + String(repeating: "k", count: 100_000) + ": 1\nhandoffs:\n" + rule, "100 KB key")
    }

    func testNumbersAndDurationsOutOfRange() {
        for within in ["1e400s", "99999999999999999999h", "-5s", "0s", "292y", "1h-1h", "9223372036854775807ns1ns",
                       "-9223372036854775808ns", ".s", "1..5s", "NaN", "inf", "5 s", "\"\"", "[5s]", "{a: 1}", "~"] {
            assertRejected("version: 1\nhandoffs:\n  - {from: a, to: b, key: id, send: s, receive: r, within: \(within)}\n",
                           "within \(within)")
        }
        assertRejected("version: 99999999999999999999999\nhandoffs:\n" + rule, "huge version")
        assertRejected("version: -1\nhandoffs:\n" + rule, "negative version")
    }

    /// From fuzz-spec (Fuzz/crashes/fuzz-spec-crash-7f82...): `text` and `nanoseconds` round-trip
    /// at the extremes. Int64.min is the one exception: its text parses as too long (an error,
    /// not a trap); no spec can hold a negative duration.
    func testDurationTextRoundTripAtTheExtremes() throws {
        for ns: Int64 in [.max, .max - 1, .min + 1, -1, 1, 999, 1_000_000_001, 3_600_000_000_000] {
            XCTAssertEqual(try DurationText.nanoseconds(DurationText.text(ns)), ns)
        }
        XCTAssertThrowsError(try DurationText.nanoseconds(DurationText.text(.min)))
    }

    func testYAMLGarbage() {
        let cases: [(String, String)] = [
            ("\u{FEFF}version: 1\nhandoffs: [", "BOM then unclosed"),
            ("version: 1\n\thandoffs:\n", "tab indentation"),
            ("version: 1\nversion: 1\nhandoffs:\n" + rule, "duplicate key"),
            ("a: &x [*x, *x]\n", "self-referencing alias"),
            ("*undefined\n", "undefined alias"),
            ("%YAML 9.9\n---\nversion: 1\n", "unknown YAML version"),
            ("--- !!binary AAAA\n", "tagged binary root"),
            ("version: 1\nhandoffs:\n  - !!map {from: a}\n  - ? [complex, key]\n    : v\n", "complex key"),
            ("\u{0}\u{1}\u{2}", "control bytes"),
            ("version: 1\nhandoffs:\n- from: \"unterminated\n", "unterminated quote"),
            ("- - - - -\n", "sequence root"),
            ("version: 1\nhandoffs: []\n", "no rules"),
            ("version: 1\nhandoffs:\n  - {from: a, to: a, key: id, send: s, receive: r, within: 5s, once: maybe}\n", "bad bool"),
            ("version: 1\nhandoffs:\n  - {from: [a], to: {b: c}, key: [], send: [], receive: {}, within: 5s, agree: 7}\n", "wrong kinds"),
            ("version: 1\nfields: {time: [], service: [[x]], event: {a: b}}\nhandoffs:\n" + rule, "bad fields"),
        ]
        for (text, label) in cases { assertRejected(text, label) }
    }
}
