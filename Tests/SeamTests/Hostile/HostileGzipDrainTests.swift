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

/// Regression (fuzz-gzip): at the end of a truncated gzip, zlib may still hold output for input
/// it already consumed (the rest of a long match when the output buffer was full). The reader
/// must drain it before declaring the truncation, or complete lines vanish without a count.
final class HostileGzipDrainTests: XCTestCase {
    /// The input fuzz-gzip found (config byte dropped): a member cut inside its deflate data.
    /// One-shot zlib decodes 1006 bytes; with 7-byte output buffers the reader kept 971-975.
    static let fuzzFound: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x95, 0xd2, 0x31, 0x0a, 0x86,
        0x30, 0x0c, 0x86, 0xe1, 0xdd, 0x63, 0x64, 0x56, 0x68, 0xa2, 0x56, 0xdb, 0x73, 0xfc, 0xd3, 0xbf,
        0x6a, 0x06, 0x17, 0x85, 0x56, 0x5c, 0xc4, 0xbb, 0x5b, 0x0f, 0x60, 0xf8, 0x84, 0x40, 0x20, 0x84,
        0x67, 0x7a, 0x4f, 0xda, 0x33, 0x45, 0x12, 0x27, 0xbe, 0x61, 0x6e, 0x24, 0xfc, 0xd8, 0x45, 0xf7,
        0xcc, 0x9f, 0x6a, 0xca, 0x9a, 0x8e, 0x65, 0xd2, 0xf2, 0xb0, 0xa5, 0x59, 0x53, 0x2e, 0x27, 0x3d,
        0x74, 0xdd, 0xcb, 0x21, 0x3f, 0xab, 0xa6, 0x65, 0xa6, 0xe8, 0xae, 0xea, 0x7c, 0x63, 0x18, 0x67,
        0xd8, 0x60, 0x04, 0x67, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x73, 0x65, 0x64, 0x52,
        0x61, 0xe9, 0x0d, 0xc6, 0xe3, 0x8c, 0x37, 0x98, 0x01, 0x67, 0x06, 0x83, 0x19, 0x71, 0x66, 0x34,
        0x98, 0x80, 0x33, 0xe1, 0x9d, 0xe0, 0xe1, 0x0f, 0x15, 0xb3, 0x91, 0x31, 0x7f, 0xc9, 0xb8, 0x74,
        0x7c, 0x03, 0x96, 0x63, 0x84, 0x1e, 0x56, 0x03, 0x00, 0x00,
    ]

    func testFuzzFoundInputDecodesEverythingZlibCan() {
        let dir = TempDir()
        let path = dir.write("found.gz", Self.fuzzFound)
        let reference = referenceGunzipPrefix(Self.fuzzFound)
        XCTAssertEqual(reference.count, 1006)
        for readChunk in [1, 2, 3, 64, 8192] {
            for outputChunk in [1, 7, 300, 1 << 16] {
                let reader = makeReader(path, readChunk: readChunk, outputChunk: outputChunk)
                let got = readAll(reader)
                let label = "read \(readChunk) out \(outputChunk)"
                XCTAssertEqual(reader.stats.bytesDecoded, UInt64(reference.count), label)
                XCTAssertEqual(reader.stats.errors.map(\.code), [.truncatedGzip], label)
                XCTAssertEqual(got.count, reference.split(separator: 0x0A, omittingEmptySubsequences: false).count, label)
            }
        }
    }

    /// Long matches (a repeated line) cut at every offset, with tiny output buffers: every byte
    /// zlib can decode from the cut stream is decoded, and every complete line is framed.
    func testRepeatedLineCutEverywhereWithTinyOutput() {
        let dir = TempDir()
        var plain: [UInt8] = []
        for i in 0..<60 { plain += Array("{\"ts\":\"2026-11-29T10:00:00Z\",\"service\":\"orders\",\"n\":\(i % 3)}\n".utf8) }
        let full = gzipMember(plain, level: 9)
        for cut in 11..<full.count {
            let bytes = Array(full[..<cut])
            let path = dir.write("cut\(cut).gz", bytes)
            let reference = referenceGunzipPrefix(bytes)
            for outputChunk in [3, 7, 64] {
                let reader = makeReader(path, readChunk: 1 + cut % 5, outputChunk: outputChunk)
                let got = readAll(reader)
                let label = "cut \(cut) out \(outputChunk)"
                XCTAssertEqual(reader.stats.bytesDecoded, UInt64(reference.count), label)
                let complete = reference.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().count
                let partial = reference.last.map { $0 != 0x0A } ?? false
                XCTAssertEqual(got.count, complete + (partial ? 1 : 0), label)
                XCTAssertEqual(reader.stats.errors.map(\.code), [.truncatedGzip], label)
            }
        }
    }
}
