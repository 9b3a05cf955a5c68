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

/// The vectorized binary check against a byte-by-byte reference: every length around the
/// 32-byte blocks, every control byte at every offset, and allowed bytes (tab, CR, ESC, 0x80+).
final class LineReaderControlTests: XCTestCase {
    func testAgreesWithByteByByteReference() {
        var rng = SeededRandom(seed: 9)
        let allowed: [UInt8] = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B, 0x20, 0x41, 0x7E, 0x80, 0xFF]
        for length in 0..<100 {
            for _ in 0..<30 {
                var bytes = (0..<length).map { _ in rng.pick(allowed) }
                if length > 0 && rng.chance(50) {
                    bytes[rng.int(length)] = UInt8(rng.int(0x20)) | (rng.chance(10) ? 0x7F : 0)
                }
                let expected = bytes.contains { LineReader.isControl($0) }
                XCTAssertEqual(bytes.withUnsafeBytes { LineReader.containsControl($0) }, expected, "\(bytes)")
            }
        }
        for offset in 0..<70 {
            for b in UInt8(0)...0x7F {
                var bytes = [UInt8](repeating: 0x61, count: 70)
                bytes[offset] = b
                XCTAssertEqual(bytes.withUnsafeBytes { LineReader.containsControl($0) }, LineReader.isControl(b))
            }
        }
    }

    /// The fused newline-and-control scan against `firstIndex(of:)` and the byte reference.
    func testLineEndAgreesWithReference() {
        var rng = SeededRandom(seed: 13)
        let alphabet: [UInt8] = [0x09, 0x0A, 0x0D, 0x1B, 0x20, 0x41, 0x7E, 0x80, 0xFF, 0x00, 0x7F, 0x01]
        for _ in 0..<20_000 {
            let length = rng.int(120)
            let bytes = (0..<length).map { _ in rng.chance(90) ? 0x61 : rng.pick(alphabet) }
            let newline = bytes.firstIndex(of: 0x0A)
            let expectedBinary = bytes[..<(newline ?? bytes.count)].contains { LineReader.isControl($0) }
            var binary = false
            let got = bytes.withUnsafeBytes { b in
                LineReader.lineEnd(b.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, b.count, binary: &binary)
            }
            XCTAssertEqual(got, newline, "\(bytes)")
            XCTAssertEqual(binary, expectedBinary, "\(bytes)")
        }
    }
}
