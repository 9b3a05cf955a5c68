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

/// Framing of plain sources: compared with `referenceFrame` over random bytes and chunkings.
final class InputFramingTests: XCTestCase {
    /// Random content built from pieces that stress framing: CRLF, blanks, control bytes,
    /// long lines, UTF-8, and no newline at the end half of the time.
    private func randomContent(_ rng: inout SplitMix64, max: Int) -> [UInt8] {
        var data: [UInt8] = []
        let lineCount = Int.random(in: 0...40, using: &rng)
        for _ in 0..<lineCount {
            let kind = Int.random(in: 0..<10, using: &rng)
            let length: Int
            switch kind {
            case 0: length = 0
            case 1: length = Int.random(in: Swift.max(0, max - 2)...max + 2, using: &rng)
            case 2: length = Int.random(in: max + 3...max * 4, using: &rng)
            default: length = Int.random(in: 1...Swift.max(1, max / 2), using: &rng)
            }
            for _ in 0..<length {
                let r = Int.random(in: 0..<100, using: &rng)
                switch r {
                case 0: data.append(0x00)
                case 1: data.append(0x7F)
                case 2: data.append(0x1B)  // ESC: text
                case 3: data.append(0x09)
                case 4: data.append(0x0D)  // a lone CR inside a line
                case 5...9: data.append(0x20)
                case 10: data.append(0xC3); data.append(0xA9)
                case 11: data.append(UInt8.random(in: 0x01...0x1F, using: &rng))
                default: data.append(UInt8.random(in: 0x21...0x7E, using: &rng))
                }
            }
            if Bool.random(using: &rng) { data.append(0x0D) }
            data.append(0x0A)
        }
        if Bool.random(using: &rng) {
            // A last line without newline (maybe blank or too long).
            let length = Int.random(in: 0...max + 5, using: &rng)
            for _ in 0..<length { data.append(UInt8.random(in: 0x20...0x7E, using: &rng)) }
        }
        return data
    }

    func testRandomContentMatchesReferenceInRandomChunkings() {
        let dir = TempDir()
        var rng = SplitMix64(seed: 42)
        for round in 0..<150 {
            let max = Int.random(in: 1...64, using: &rng)
            let data = randomContent(&rng, max: max)
            let path = dir.write("r\(round).log", data)
            let expected = referenceFrame(data, max: max)
            for chunk in [1, 2, 3, Int.random(in: 4...97, using: &rng), 256 << 10] {
                let reader = makeReader(path, max: max, readChunk: chunk)
                let got = readAll(reader)
                XCTAssertEqual(got, expected, "round \(round) chunk \(chunk) max \(max)")
                XCTAssertEqual(reader.stats.lines, UInt64(expected.count))
                XCTAssertEqual(reader.stats.bytesIn, UInt64(data.count))
                XCTAssertEqual(reader.stats.bytesDecoded, UInt64(data.count))
                XCTAssertFalse(reader.isGzip)
                XCTAssertEqual(reader.stats.errors, [])
                // Every line is an event (here: not rejected by framing) or a rejection.
                let events = UInt64(got.filter { if case .line = $0 { return true } else { return false } }.count)
                XCTAssertEqual(reader.stats.lines, events + reader.stats.rejectedTotal)
            }
        }
    }

    func testCRLFBlankAndLastLineWithoutNewline() {
        let dir = TempDir()
        let path = dir.write("a.log", "one\r\n\r\n  \t\ntwo\n\nthree")
        XCTAssertEqual(readAll(makeReader(path)), [
            .line(1, Array("one".utf8)), .rejected(2, .blank), .rejected(3, .blank),
            .line(4, Array("two".utf8)), .rejected(5, .blank), .line(6, Array("three".utf8)),
        ])
    }

    func testBinaryAndAllowedControlBytes() {
        let dir = TempDir()
        let path = dir.write("b.log", [0x61, 0x00, 0x62, 0x0A,  // NUL
                                        0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x78, 0x0A,  // ESC[31m
                                        0x61, 0x09, 0x0B, 0x0C, 0x62, 0x0A,  // tab, VT, FF
                                        0x7F, 0x0A, 0x1C, 0x0A, 0x08, 0x0A])
        XCTAssertEqual(readAll(makeReader(path)), [
            .rejected(1, .binary), .line(2, [0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x78]),
            .line(3, [0x61, 0x09, 0x0B, 0x0C, 0x62]), .rejected(4, .binary), .rejected(5, .binary),
            .rejected(6, .binary),
        ])
    }

    func testControlByteInEveryPositionOfALongLine() {
        // The word-at-a-time check must see a control byte in any lane and in the tail.
        let dir = TempDir()
        for position in 0..<37 {
            var line = [UInt8](repeating: 0x41, count: 37)
            line[position] = 0x01
            let path = dir.write("p\(position).log", line + [0x0A] + Array("ok\n".utf8))
            XCTAssertEqual(readAll(makeReader(path)), [.rejected(1, .binary), .line(2, Array("ok".utf8))])
        }
    }

    func testTooLongLinesAcrossBoundariesAreNotHeld() {
        let dir = TempDir()
        let long = [UInt8](repeating: 0x78, count: 10_000)
        let path = dir.write("t.log", Array("a\n".utf8) + long + Array("\r\nb\n".utf8) + long)
        for chunk in [1, 7, 4096, 256 << 10] {
            let reader = makeReader(path, max: 100, readChunk: chunk)
            XCTAssertEqual(readAll(reader), [
                .line(1, [0x61]), .rejected(2, .tooLong), .line(3, [0x62]), .rejected(4, .tooLong),
            ])
            XCTAssertEqual(reader.stats.rejected[.tooLong], 2)
            XCTAssertEqual(reader.stats.firstRejectedLine[.tooLong], 2)
        }
    }

    func testMemoryStaysBoundedByMaxLineLength() {
        // A 4 MB line and a 3 MB unterminated tail with max 1000: the carry never grows past 1001.
        let dir = TempDir()
        let huge = [UInt8](repeating: 0x71, count: 4_000_000)
        let path = dir.write("h.log", huge + [0x0A] + Array("ok\n".utf8) + huge.prefix(3_000_000))
        let reader = makeReader(path, max: 1000, readChunk: 65_536)
        var items: [Framed] = []
        while let item = reader.next() {
            XCTAssertLessThanOrEqual(reader.carryCapacityForTesting, 1001)
            switch item {
            case .line(let n, let b): items.append(.line(n, Array(b)))
            case .rejected(let n, let r): items.append(.rejected(n, r))
            }
        }
        XCTAssertEqual(items, [.rejected(1, .tooLong), .line(2, Array("ok".utf8)), .rejected(3, .tooLong)])
    }

    func testLineOfExactlyMaxLengthWithCRLFIsAccepted() {
        let dir = TempDir()
        let line = [UInt8](repeating: 0x61, count: 10)
        let path = dir.write("m.log", line + [0x0D, 0x0A] + line + [0x61, 0x0D, 0x0A])
        for chunk in 1...13 {
            XCTAssertEqual(readAll(makeReader(path, max: 10, readChunk: chunk)),
                           [.line(1, line), .rejected(2, .tooLong)], "chunk \(chunk)")
        }
    }

    func testEmptyFileAndMissingFile() {
        let dir = TempDir()
        let empty = makeReader(dir.write("e.log", []))
        XCTAssertNil(empty.next())
        XCTAssertEqual(empty.stats.lines, 0)
        XCTAssertEqual(empty.stats.errors, [])
        XCTAssertFalse(empty.isGzip)

        let missing = makeReader(dir.path + "/nope.log")
        XCTAssertNil(missing.next())
        XCTAssertEqual(missing.stats.errors.map(\.code), [.notFound])
        XCTAssertNil(missing.next())
        XCTAssertEqual(missing.stats.errors.count, 1)
    }

    func testDirectoryAsFileIsUnreadable() {
        let dir = TempDir()
        let reader = makeReader(dir.path)
        XCTAssertNil(reader.next())
        XCTAssertEqual(reader.stats.errors.map(\.code), [.unreadable])
    }

    func testCloseIsIdempotentAndEndsReading() {
        let dir = TempDir()
        let reader = makeReader(dir.write("c.log", "a\nb\n"))
        XCTAssertEqual(reader.next()?.number, 1)
        reader.close()
        reader.close()
        XCTAssertNil(reader.next())
    }

    func testStandardInput() throws {
        let dir = TempDir()
        let path = dir.write("in.log", "x\ny")
        let saved = dup(0)
        let fd = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        dup2(fd, 0)
        close(fd)
        defer {
            dup2(saved, 0)
            close(saved)
        }
        let reader = LineReader(source: SourceDescriptor(index: 0, location: .standardInput,
                                                         displayName: "-", defaultService: nil))
        XCTAssertEqual(readAll(reader), [.line(1, [0x78]), .line(2, [0x79])])
        reader.close()
        XCTAssertNotEqual(fcntl(0, F_GETFD), -1, "stdin must stay open")
    }

    func testFIFOIsStreamed() throws {
        let dir = TempDir()
        let path = dir.path + "/pipe"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        let writer = Thread {
            let fd = open(path, O_WRONLY)
            for i in 0..<50 {
                let text = Array("line \(i)\n".utf8)
                _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            }
            close(fd)
        }
        writer.start()
        let got = readAll(makeReader(path))
        XCTAssertEqual(got.count, 50)
        XCTAssertEqual(got.last, .line(50, Array("line 49".utf8)))
    }
}
