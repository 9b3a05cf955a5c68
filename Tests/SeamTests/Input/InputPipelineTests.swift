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

/// A gzip source inflated on its own thread (`pipelined`) frames exactly like one inflated
/// inline: same items, same accounting, same errors, across every chunk boundary.
final class InputPipelineTests: XCTestCase {
    private func randomLines(_ rng: inout SplitMix64, count: Int) -> [UInt8] {
        var data: [UInt8] = []
        for i in 0..<count {
            let length = Int(rng.next() % 300)
            if i % 97 == 5 { data += Array("   \r\n".utf8); continue }
            data += Array("{\"n\":\(i),\"pad\":\"".utf8)
            for _ in 0..<length { data.append(UInt8(97 + rng.next() % 26)) }
            data += Array("\"}".utf8)
            data += i % 13 == 0 ? [0x0D, 0x0A] : [0x0A]
        }
        return data
    }

    private func compare(_ path: String, readChunk: Int, outputChunk: Int, max: Int = 1 << 20,
                         file: StaticString = #filePath, line: UInt = #line) {
        let inline = LineReader(source: fileSource(path), maxLineLength: max, readChunk: readChunk,
                                outputChunk: outputChunk, pipelined: false)
        let piped = LineReader(source: fileSource(path), maxLineLength: max, readChunk: readChunk,
                               outputChunk: outputChunk, pipelined: true)
        XCTAssertEqual(readAll(piped), readAll(inline), file: file, line: line)
        XCTAssertEqual(piped.stats, inline.stats, file: file, line: line)
    }

    func testPipelinedMatchesInlineOnMembersTruncationAndGarbage() {
        var rng = SplitMix64(seed: 6)
        let dir = TempDir()
        let a = randomLines(&rng, count: 2_000)
        let b = randomLines(&rng, count: 1_500)
        let whole = gzipMember(a) + gzipMember(b)
        let cases: [(String, [UInt8])] = [
            ("members.gz", whole),
            ("cut.gz", Array(whole[..<(whole.count - 777)])),
            ("garbage.gz", whole + [0x41, 0x42, 0x0A]),
            ("padded.gz", whole + [UInt8](repeating: 0, count: 100)),
            ("empty-tail.gz", gzipMember([])),
        ]
        for (name, bytes) in cases {
            let path = dir.write(name, bytes)
            for (readChunk, outputChunk) in [(7, 13), (64, 1000), (4096, 333), (256 << 10, 1 << 20)] {
                compare(path, readChunk: readChunk, outputChunk: outputChunk)
            }
            compare(path, readChunk: 100, outputChunk: 500, max: 120)
        }
    }

    func testClosingEarlyStopsTheInflateThread() {
        var rng = SplitMix64(seed: 7)
        let dir = TempDir()
        let path = dir.write("big.gz", gzipMember(randomLines(&rng, count: 20_000)))
        for _ in 0..<20 {
            let reader = LineReader(source: fileSource(path), maxLineLength: 1 << 20, readChunk: 4096,
                                    outputChunk: 8192, pipelined: true)
            for _ in 0..<10 { _ = reader.next() }
            reader.close()
            XCTAssertNil(reader.next())
        }
    }
}
