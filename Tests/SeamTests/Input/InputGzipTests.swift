import Foundation
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

/// Gzip sources: multi-member, damage (truncation, corruption, CRC, length), padding, garbage.
final class InputGzipTests: XCTestCase {
    /// `count` JSON-ish lines, numbered so any loss or reordering shows.
    private func textLines(_ count: Int, tag: String = "a") -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<count {
            out += Array("{\"ts\":\"2026-11-29T10:00:\(i % 60)Z\",\"tag\":\"\(tag)\",\"n\":\(i),\"pad\":\"\(String(repeating: "x", count: i % 37))\"}\n".utf8)
        }
        return out
    }

    private func lines(of items: [Framed]) -> [[UInt8]] {
        items.compactMap { if case .line(_, let b) = $0 { return b } else { return nil } }
    }

    func testTwoMembersInRandomChunkingsMatchPlainFraming() {
        let dir = TempDir()
        var rng = SplitMix64(seed: 7)
        let a = textLines(300, tag: "a")
        // The first member ends mid-line: a line may span two members.
        let b = Array("tail of a\n".utf8.dropFirst(0)) + textLines(200, tag: "b") + Array("no newline".utf8)
        let split = a.count - 5
        let plain = a + b
        let gz = gzipMember(Array(plain[..<split])) + gzipMember(Array(plain[split...]))
        let path = dir.write("two.log.gz", gz)
        let expected = referenceFrame(plain, max: 1 << 20)
        for _ in 0..<12 {
            let readChunk = Int.random(in: 1...300, using: &rng)
            let outputChunk = Int.random(in: 1...5000, using: &rng)
            let reader = makeReader(path, readChunk: readChunk, outputChunk: outputChunk)
            XCTAssertEqual(readAll(reader), expected, "read \(readChunk) out \(outputChunk)")
            XCTAssertTrue(reader.isGzip)
            XCTAssertEqual(reader.stats.errors, [])
            XCTAssertEqual(reader.stats.bytesIn, UInt64(gz.count))
            XCTAssertEqual(reader.stats.bytesDecoded, UInt64(plain.count))
        }
        let whole = makeReader(path)
        XCTAssertEqual(readAll(whole), expected)
        XCTAssertEqual(whole.stats.lines, 502)
    }

    func testTruncatedAtManyOffsets() {
        let dir = TempDir()
        let plain = textLines(400)
        let member = gzipMember(plain)
        let full = member + gzipMember(textLines(50, tag: "b"))
        var cuts = Array(stride(from: 2, to: full.count, by: max(1, full.count / 97)))
        cuts += [10, 11, member.count, member.count - 8, member.count - 1, member.count + 1, member.count + 11, full.count - 1]
        for cut in cuts {
            let bytes = Array(full[..<cut])
            let path = dir.write("cut\(cut).gz", bytes)
            let decodable = referenceGunzipPrefix(bytes)
            let complete = decodable.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            let partial = decodable.last.map { $0 != 0x0A } ?? false
            let reader = makeReader(path, readChunk: 1 + cut % 700, outputChunk: 1 + cut % 3000)
            let got = readAll(reader)
            XCTAssertEqual(lines(of: got), complete.map { Array($0) }, "cut \(cut)")
            let truncated = got.filter { $0 == .rejected(UInt64(complete.count + 1), .truncated) }.count
            XCTAssertEqual(truncated, partial ? 1 : 0, "cut \(cut)")
            XCTAssertEqual(reader.stats.lines, UInt64(complete.count + (partial ? 1 : 0)), "cut \(cut)")
            XCTAssertEqual(reader.stats.lines, UInt64(lines(of: got).count) + reader.stats.rejectedTotal)
            XCTAssertEqual(reader.stats.bytesIn, UInt64(cut))
            if cut == member.count {
                XCTAssertEqual(reader.stats.errors, [], "a cut between members is a clean end")
            } else {
                XCTAssertEqual(reader.stats.errors.map(\.code), [.truncatedGzip], "cut \(cut)")
                XCTAssertEqual(reader.stats.errors.first?.offset, UInt64(cut), "cut \(cut)")
            }
        }
    }

    func testCutExactlyBetweenMembersIsClean() {
        let dir = TempDir()
        let member = gzipMember(textLines(10))
        let reader = makeReader(dir.write("m.gz", member + member))
        XCTAssertEqual(readAll(reader).count, 20)
        XCTAssertEqual(reader.stats.errors, [])
    }

    func testCorruptMiddleByte() {
        let dir = TempDir()
        let plain = textLines(2000)
        var gz = gzipMember(plain)
        let middle = gz.count / 2
        gz[middle] ^= 0xFF
        let reader = makeReader(dir.write("c.gz", gz))
        let got = readAll(reader)
        XCTAssertEqual(reader.stats.errors.map(\.code), [.corruptGzip])
        let offset = try? XCTUnwrap(reader.stats.errors.first?.offset)
        XCTAssertNotNil(offset)
        XCTAssertGreaterThanOrEqual(offset ?? 0, UInt64(middle), "noticed at or after the damage")
        XCTAssertLessThanOrEqual(offset ?? 0, UInt64(gz.count))
        XCTAssertNil(reader.next())
        XCTAssertEqual(reader.stats.lines, UInt64(got.count))
        XCTAssertEqual(reader.stats.lines, UInt64(lines(of: got).count) + reader.stats.rejectedTotal)
        // The lines well before the damage are intact.
        XCTAssertEqual(Array(lines(of: got).prefix(100)), plain.split(separator: 0x0A).prefix(100).map { Array($0) })
    }

    func testBadCRCKeepsAllLinesAndReportsCorrupt() {
        let dir = TempDir()
        let plain = textLines(500)
        var gz = gzipMember(plain)
        gz[gz.count - 8] ^= 0x01  // first CRC-32 byte of the trailer
        let reader = makeReader(dir.write("crc.gz", gz), readChunk: 333, outputChunk: 4096)
        let got = readAll(reader)
        XCTAssertEqual(got, referenceFrame(plain, max: 1 << 20))
        XCTAssertEqual(reader.stats.errors.map(\.code), [.corruptGzip])
        XCTAssertEqual(reader.stats.errors.first?.offset, UInt64(gz.count - 4))
        XCTAssertTrue(reader.stats.errors.first?.message.contains("may be affected") ?? false)
    }

    func testBadLengthIsCorruptAndLastPartialLineTruncated() {
        let dir = TempDir()
        let plain = textLines(20) + Array("partial".utf8)
        var gz = gzipMember(plain)
        gz[gz.count - 1] ^= 0x01  // ISIZE
        let reader = makeReader(dir.write("len.gz", gz))
        let got = readAll(reader)
        XCTAssertEqual(got.count, 21)
        XCTAssertEqual(got.last, .rejected(21, .truncated))
        XCTAssertEqual(reader.stats.errors.map(\.code), [.corruptGzip])
        XCTAssertEqual(reader.stats.errors.first?.offset, UInt64(gz.count))
    }

    func testEmptyGzipHasNoLinesAndNoError() {
        let dir = TempDir()
        let reader = makeReader(dir.write("empty.gz", gzipMember([])))
        XCTAssertNil(reader.next())
        XCTAssertTrue(reader.isGzip)
        XCTAssertEqual(reader.stats.lines, 0)
        XCTAssertEqual(reader.stats.errors, [])
    }

    func testZeroPaddingAfterLastMemberIsAccepted() {
        let dir = TempDir()
        let plain = textLines(30) + Array("last".utf8)
        let gz = gzipMember(plain) + [UInt8](repeating: 0, count: 1500)
        let path = dir.write("pad.gz", gz)
        for chunk in [1, 5, 700, 256 << 10] {
            let reader = makeReader(path, readChunk: chunk)
            XCTAssertEqual(readAll(reader), referenceFrame(plain, max: 1 << 20))
            XCTAssertEqual(reader.stats.errors, [], "chunk \(chunk)")
            XCTAssertEqual(reader.stats.bytesIn, UInt64(gz.count))
        }
    }

    func testTrailingGarbageIsReportedButLinesKept() {
        let dir = TempDir()
        let plain = textLines(30) + Array("last line complete".utf8)
        let member = gzipMember(plain)
        for (name, tail) in [("garbage", Array("hello world".utf8)), ("zeros-then-garbage", [0, 0, 0, 0x41])] {
            let reader = makeReader(dir.write("\(name).gz", member + tail), readChunk: 3)
            XCTAssertEqual(readAll(reader), referenceFrame(plain, max: 1 << 20), name)
            XCTAssertEqual(reader.stats.errors.map(\.code), [.corruptGzip], name)
            let garbageAt = member.count + tail.firstIndex(where: { $0 != 0 })!
            XCTAssertEqual(reader.stats.errors.first?.offset, UInt64(garbageAt), name)
        }
    }

    func testBadSecondHeaderIsCorrupt() {
        // 1f followed by something other than 8b after a member: reported, first member kept.
        let dir = TempDir()
        let member = gzipMember(textLines(5))
        let reader = makeReader(dir.write("h.gz", member + [0x1F, 0x00, 0x00, 0x00]))
        XCTAssertEqual(readAll(reader).count, 5)
        XCTAssertEqual(reader.stats.errors.map(\.code), [.corruptGzip])
    }

    func testDetectionByMagicNotByName() {
        let dir = TempDir()
        let plain = textLines(10)
        let gzNamedLog = makeReader(dir.write("x.log", gzipMember(plain)))
        XCTAssertEqual(readAll(gzNamedLog), referenceFrame(plain, max: 1 << 20))
        XCTAssertTrue(gzNamedLog.isGzip)

        let plainNamedGz = makeReader(dir.write("y.jsonl.gz", plain))
        XCTAssertEqual(readAll(plainNamedGz), referenceFrame(plain, max: 1 << 20))
        XCTAssertFalse(plainNamedGz.isGzip)
        XCTAssertEqual(plainNamedGz.stats.errors, [])

        // Gzip magic delivered one byte per read still detects gzip.
        let slow = makeReader(dir.path + "/x.log", readChunk: 1)
        XCTAssertEqual(readAll(slow).count, 10)
        XCTAssertTrue(slow.isGzip)
    }

    func testTooLongLineInsideGzip() {
        let dir = TempDir()
        let plain = Array("a\n".utf8) + [UInt8](repeating: 0x7A, count: 50_000) + Array("\nb\n".utf8)
        let reader = makeReader(dir.write("long.gz", gzipMember(plain)), max: 1000, outputChunk: 777)
        XCTAssertEqual(readAll(reader), [.line(1, [0x61]), .rejected(2, .tooLong), .line(3, [0x62])])
    }
}
