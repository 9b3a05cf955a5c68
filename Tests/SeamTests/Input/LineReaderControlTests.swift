import XCTest
@testable import Seam

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
}
