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

/// `RecordView` at the edges of its line (its invariants are in its doc comment): a value that
/// ends at the line's last byte, an empty value, and an escaped value whose decoding fills most
/// of the scratch buffer (`line.count` bytes). Each line sits at the very end of its own
/// allocation, so a read one byte past it is caught by AddressSanitizer
/// (`Scripts/sanitize asan`); the values read back are compared byte for byte.
final class RecordsRecordViewTests: XCTestCase {
    /// Decodes `line` (copied to the end of an exact allocation) and returns `v`'s value through
    /// `withScalarBytes` and `value(_:)`, and whether `equals` agrees with `expected`.
    private func read(_ line: String, expected: [UInt8]) -> (scalar: [UInt8]?, value: FieldValue?, equal: Bool)? {
        let services = ServiceTable()
        var decoder = RecordDecoder(config: FieldConfig(), extraPaths: ["v"], services: services)
        let bytes = Array(line.utf8)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { raw.deallocate() }
        raw.copyBytes(from: bytes)
        var out: (scalar: [UInt8]?, value: FieldValue?, equal: Bool)?
        let slot = decoder.slot(for: "v")!
        let reason = decoder.decode(UnsafeRawBufferPointer(raw), defaultService: nil) { view in
            out = (view.withScalarBytes(slot) { [UInt8]($0) }, view.value(slot), view.equals(slot, expected))
        }
        XCTAssertNil(reason, line)
        return out
    }

    func testValuesAtTheLineEnd() {
        let cases: [(String, String)] = [
            ("ts=1 service=a v=x", "x"),
            ("ts=1 service=a v=last-value-ends-the-line", "last-value-ends-the-line"),
            (#"ts=1 service=a v="quoted \"end\"""#, #"quoted "end""#),
            (#"ts=1 service=a v="""#, ""),
            (#"{"ts":1,"service":"a","v":"x"}"#, "x"),
            (#"{"ts":1,"service":"a","v":12.50}"#, "12.50"),
            (#"{"ts":1,"service":"a","v":""}"#, ""),
            (#"{"v":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9","ts":1,"service":"a"}"#,
             String(repeating: "é", count: 10)),
            (#"{"ts":1,"service":"a","v":"\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"}"#, String(repeating: "\\", count: 16)),
        ]
        for (line, value) in cases {
            let expected = Array(value.utf8)
            guard let got = read(line, expected: expected) else { XCTFail("no record: \(line)"); continue }
            XCTAssertEqual(got.scalar, expected, line)
            XCTAssertTrue(got.equal, line)
            if line.hasPrefix("{") && !value.isEmpty && value.first!.isNumber {
                XCTAssertEqual(got.value, .number(expected), line)
            } else {
                XCTAssertEqual(got.value, .string(expected), line)
            }
        }
    }
}
