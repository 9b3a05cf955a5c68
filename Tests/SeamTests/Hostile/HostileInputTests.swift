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
import SeamFuzzSupport

/// Hostile input at the Input stage: bombs, giant lines, binary junk. Nothing crashes, memory
/// stays bounded by the maximum line length, and every line read is counted.
final class HostileInputTests: XCTestCase {
    /// 1 GiB of zeros gzipped to about 1 MB is one line of NUL bytes: one `too-long` rejection
    /// (too long is decided before binary: the line is never held), and memory stays bounded.
    func testGzipBombOfZerosIsOneTooLongLine() {
        let dir = TempDir()
        let path = dir.path + "/zeros.log.gz"
        let writer = GzipStreamWriter(path: path)
        writer.append([UInt8](repeating: 0, count: 1 << 20), times: 1024)
        writer.finish()
        XCTAssertLessThan(writer.compressedBytes, 2 << 20, "a bomb: about 1 MB for 1 GiB")
        let before = peakResidentBytes()
        let reader = makeReader(path)
        var items: [Framed] = []
        while let item = reader.next() {
            if case .rejected(let n, let r) = item { items.append(.rejected(n, r)) } else { items.append(.line(item.number, [])) }
            XCTAssertLessThanOrEqual(reader.carryCapacityForTesting, reader.maxLineLength + 1)
        }
        XCTAssertEqual(items, [.rejected(1, .tooLong)])
        XCTAssertEqual(reader.stats.lines, 1)
        XCTAssertEqual(reader.stats.rejectedTotal, 1)
        XCTAssertEqual(reader.stats.bytesDecoded, 1 << 30)
        XCTAssertEqual(reader.stats.errors, [])
        XCTAssertLessThan(peakResidentBytes() - before, 200 << 20, "memory must not grow with the decoded size")
    }

    /// 256 MiB of one repeated JSON line (about 0.5 MB gzipped): every line is framed and counted,
    /// the carry buffer stays small. (256 MiB rather than 1 GiB: 3.6 million lines per debug
    /// run is enough to show the accounting and keeps the test a few seconds.)
    func testGzipBombOfOneRepeatedLineCountsEveryLine() {
        let dir = TempDir()
        let path = dir.path + "/lines.log.gz"
        let line = Array("{\"ts\":\"2026-11-29T10:00:00Z\",\"service\":\"orders\",\"event\":\"sent\",\"id\":7}\n".utf8)
        let perChunk = (1 << 20) / line.count
        var chunk: [UInt8] = []
        for _ in 0..<perChunk { chunk += line }
        let writer = GzipStreamWriter(path: path)
        writer.append(chunk, times: 256)
        writer.finish()
        XCTAssertLessThan(writer.compressedBytes, 2 << 20)
        let before = peakResidentBytes()
        let reader = makeReader(path)
        var lines: UInt64 = 0
        var wrong = 0
        while let item = reader.next() {
            guard case .line(_, let bytes) = item else {
                wrong += 1
                continue
            }
            if bytes.count != line.count - 1 { wrong += 1 }
            lines += 1
        }
        XCTAssertEqual(wrong, 0)
        XCTAssertEqual(lines, UInt64(perChunk * 256))
        XCTAssertEqual(reader.stats.lines, lines)
        XCTAssertEqual(reader.stats.rejectedTotal, 0)
        XCTAssertEqual(reader.stats.bytesDecoded, UInt64(chunk.count * 256))
        XCTAssertLessThanOrEqual(reader.carryCapacityForTesting, 64 << 10)
        XCTAssertLessThan(peakResidentBytes() - before, 200 << 20)
    }

    /// A 64 MiB line between two good lines: one `too-long`, never held, neighbours intact.
    func testSixtyFourMiBLineIsRejectedNotHeld() throws {
        let dir = TempDir()
        let path = dir.path + "/giant.log"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = FileHandle(forWritingAtPath: path)!
        handle.write(Data("before\n".utf8))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<64 { handle.write(block) }
        handle.write(Data("\nafter\n".utf8))
        try handle.close()
        let reader = makeReader(path)
        var got: [Framed] = []
        while let item = reader.next() {
            switch item {
            case .line(let n, let b): got.append(.line(n, Array(b)))
            case .rejected(let n, let r): got.append(.rejected(n, r))
            }
            XCTAssertLessThanOrEqual(reader.carryCapacityForTesting, reader.maxLineLength + 1)
        }
        XCTAssertEqual(got, [.line(1, Array("before".utf8)), .rejected(2, .tooLong), .line(3, Array("after".utf8))])
        XCTAssertEqual(reader.stats.bytesIn, UInt64(64 << 20) + 14)
    }

    /// NUL (and other control bytes) inside a line make that line `binary`; the lines beside it,
    /// in the same read buffer, are unharmed and still become events.
    func testNULInsideALineRejectsOnlyThatLine() {
        let dir = TempDir()
        let good = "{\"ts\":\"2026-11-29T10:00:00Z\",\"service\":\"orders\",\"event\":\"sent\"}"
        let bad = "{\"ts\":\"2026-11-29T10:00:01Z\",\"service\":\"ord\u{0}ers\",\"event\":\"sent\"}"
        let path = dir.write("nul.log", [good, bad, good, "\u{0}", good].joined(separator: "\n") + "\n")
        let reader = makeReader(path)
        var decoder = RecordDecoder(config: FieldConfig(), extraPaths: [], services: ServiceTable())
        var events = 0
        var got: [Framed] = []
        while let item = reader.next() {
            switch item {
            case .line(let n, let bytes):
                got.append(.line(n, Array(bytes)))
                if decoder.decode(bytes, defaultService: nil, { _ in events += 1 }) == nil { reader.stats.events += 1 }
            case .rejected(let n, let r):
                got.append(.rejected(n, r))
            }
        }
        let g = Array(good.utf8)
        XCTAssertEqual(got, [.line(1, g), .rejected(2, .binary), .line(3, g), .rejected(4, .binary), .line(5, g)])
        XCTAssertEqual(events, 3)
        XCTAssertEqual(reader.stats.lines, reader.stats.events + reader.stats.rejectedTotal)
    }

    /// 3 MiB of random bytes, plain and gzipped, through the reader and the record decoder: no
    /// crash, and `lines == events + rejected` with every line accounted for exactly once.
    func testThreeMiBOfRandomBytesIsFullyAccounted() {
        let dir = TempDir()
        var rng = SeededRandom(seed: 0xBAD_BEEF)
        var bytes = [UInt8](repeating: 0, count: 3 << 20)
        for i in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: rng.next()) { w in for k in 0..<8 { bytes[i + k] = w[k] } }
        }
        // Make sure it does not start with the gzip magic by chance: this one is plain.
        bytes[0] = UInt8(ascii: "{")
        for (name, content) in [("random.log", bytes), ("random.log.gz", gzipMember(bytes))] {
            let reader = makeReader(dir.write(name, content), max: 4096)
            var decoder = RecordDecoder(config: FieldConfig(), extraPaths: ["id"], services: ServiceTable())
            var items: UInt64 = 0
            var lastNumber: UInt64 = 0
            while let item = reader.next() {
                items += 1
                XCTAssertEqual(item.number, lastNumber + 1)
                lastNumber = item.number
                if case .line(_, let line) = item {
                    var called = 0
                    if let reason = decoder.decode(line, defaultService: 0, { _ in called += 1 }) {
                        reader.stats.reject(reason, line: item.number)
                        XCTAssertEqual(called, 0)
                    } else {
                        reader.stats.events += 1
                        XCTAssertEqual(called, 1)
                    }
                }
            }
            XCTAssertEqual(reader.stats.lines, items, name)
            XCTAssertEqual(reader.stats.lines, reader.stats.events + reader.stats.rejectedTotal, name)
            XCTAssertEqual(reader.stats.bytesDecoded, UInt64(bytes.count), name)
            XCTAssertEqual(reader.stats.errors, [], name)
            XCTAssertGreaterThan(reader.stats.rejected[.binary] ?? 0, 0, name)
        }
    }

    /// A file that cannot be read is an `unreadable` error, not a crash or a silent skip.
    /// Root reads files whatever their mode, so there the test reads `/proc/self/mem`, which
    /// opens but fails its first read (EIO): the same outcome through the read path.
    func testUnreadableFileIsAnError() throws {
        let dir = TempDir()
        var path = dir.write("secret.log", "a=1\n")
        chmod(path, 0)
        if getuid() == 0 { path = "/proc/self/mem" }
        let reader = makeReader(path)
        XCTAssertNil(reader.next())
        XCTAssertEqual(reader.stats.errors.map(\.code), [.unreadable])
        XCTAssertEqual(reader.stats.lines, 0)
    }
    /// From fuzz-gzip (Fuzz/crashes/fuzz-gzip-crash-fe80...): a member cut inside its trailer,
    /// after a whole but wrong CRC-32 field, is corrupt (as zlib says when it checks the member
    /// itself), not merely truncated; with Seam checking members it first said truncated.
    func testCutAfterAWrongTrailerCRCIsCorrupt() {
        let dir = TempDir()
        let file: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x02, 0x00, 0x00, 0x52, 0x1F,
                             0x8B, 0x08, 0x00, 0x00, 0x02, 0x00, 0x00, 0x3A, 0xD2]
        XCTAssertEqual(ReferenceGunzip(file).outcome, .corrupt)
        for (readChunk, outputChunk) in [(64, 7), (1, 1), (3, 300), (8192, 1 << 16)] {
            let reader = makeReader(dir.write("cut.gz", file), readChunk: readChunk, outputChunk: outputChunk)
            _ = readAll(reader)
            XCTAssertEqual(reader.stats.errors.map(\.code), [.corruptGzip], "read \(readChunk) out \(outputChunk)")
        }
    }

    /// From fuzz-inflate (Fuzz/crashes/fuzz-inflate-crash-578b...): a dynamic block header with
    /// an incomplete literal/length code, which zlib rejects ("invalid literal/lengths set") and
    /// ISA-L accepts. Read in 7-byte chunks, ISA-L had handed out a byte of it before failing, so
    /// zlib's verdict (re-read from the member's start) must say that lines read just before
    /// the damage differ from a zlib run's; it first said nothing (the note was added after the
    /// error was recorded). In 256 KiB chunks nothing leaks and the runs are identical.
    func testISALAcceptingAnIncompleteCodeIsNamedInZlibsVerdict() throws {
        try XCTSkipUnless(Inflater.isalAvailable, "ISA-L (libisal-dev) is not installed here")
        let dir = TempDir()
        let path = dir.write("incomplete-code.gz", [
            0x1F, 0x8B, 0x08, 0x00, 0x70, 0x0B, 0x16, 0x6B, 0x00, 0xFF, 0x7D, 0x94, 0xBB, 0x4E, 0xC4, 0x40,
            0x0C, 0x00, 0x7B, 0x3E, 0x23, 0x35, 0x27, 0xF9, 0xFD, 0xC8, 0x77, 0x50, 0xD1, 0xC2, 0x15, 0xD7,
            0x12, 0x44, 0x73, 0xE2, 0xDF, 0x49, 0x8D, 0x11, 0xA7, 0x89, 0xB4, 0x4D, 0xA4, 0x8C, 0x6C, 0x69,
            0x66, 0xF7, 0xB9, 0x7C, 0x6F, 0xCB, 0xBA, 0x10, 0x90, 0xDD, 0x90, 0x6E, 0xE0, 0x6F, 0x80, 0x2B,
            0xC0, 0x7E, 0xDE, 0x97, 0xD7, 0x65, 0xBB, 0x7F, 0xFD, 0x3C, 0x3E, 0xEE, 0xFB, 0x0F, 0x1B, 0xEC,
            0x9F, 0x8F, 0xCF, 0x65, 0xC5, 0x04, 0xB0, 0xFC, 0x7D, 0x79, 0xB6, 0x20, 0x5E, 0x41, 0x2C, 0x90,
            0xC2, 0x03, 0x27, 0x90, 0xAE, 0x20, 0x1D, 0xA0, 0x25, 0xAB, 0xC1, 0x04, 0xF2, 0x15, 0xE4, 0x03,
            0x14, 0x07, 0x23, 0x9F, 0x40, 0xB9, 0x82, 0x72, 0x80, 0xAC, 0x10, 0x38, 0xAE, 0xAA, 0x57, 0x50,
            0x0F, 0x90, 0x14, 0x91, 0xC7, 0x55, 0xED, 0x0A, 0x5A, 0x81, 0xE0, 0xAA, 0x32, 0x81, 0x3E, 0xEB,
            0xC8, 0x0C, 0x54, 0x9A, 0xC0, 0x98, 0x75, 0x28, 0x32, 0xE5, 0x38, 0x31, 0xFF, 0xD1, 0xA1, 0xE1,
            0x30, 0x4D, 0xC4, 0xA6, 0x1C, 0x3E, 0x27, 0x06, 0xF0, 0x08, 0x36, 0xE5, 0xC8, 0x99, 0x1C, 0x86,
            0x8D, 0x60, 0x53, 0x4E, 0xE9, 0x50, 0x60, 0xF0, 0x29, 0x00, 0x6C, 0xCA, 0x29, 0x1D, 0x0C, 0x19,
            0xA4, 0x13, 0xD8, 0x94, 0x53, 0x3A, 0x24, 0x40, 0x73, 0x04, 0x9B, 0x72, 0x4A, 0x47, 0x52, 0xEE,
            0x67, 0x02, 0x9B, 0x72, 0x4A, 0x07, 0xB9, 0x73, 0x4C, 0xC9, 0x61, 0x53, 0x0E, 0x9F, 0xC9, 0xA9,
            0xC9, 0x14, 0x00, 0x36, 0xE5, 0x94, 0x0E, 0x32, 0xC3, 0x79, 0xD5, 0xA6, 0x9C, 0xD2, 0x91, 0x42,
            0x89, 0xD3, 0x44, 0x6A, 0xCA, 0x29, 0x1D, 0x4E, 0x2A, 0x11, 0x13, 0xD8, 0x94, 0x73, 0x3E, 0x56,
            0xC4, 0xCE, 0xD3, 0x45, 0xA6, 0xA6, 0x9C, 0xD2, 0xC1, 0x02, 0x98, 0xE3, 0xC4, 0xA6, 0x9C, 0xD2,
            0xA1, 0xE2, 0x62, 0x53, 0x72, 0xD4, 0x94, 0x53, 0x3A, 0x1C, 0xDC, 0x60, 0xF2, 0x48, 0x4D, 0x39,
            0xA5, 0xC3, 0x33, 0xA5, 0x7F, 0x57, 0xFF, 0x00, 0xE8, 0xD5, 0x05, 0x91, 0xDC, 0x05, 0x00, 0x00,
            0x1F, 0x8B, 0x08, 0x00, 0x70, 0x0B, 0x16, 0x6B, 0x02, 0xFF, 0x7D, 0x94, 0x3B, 0x4E, 0xC4, 0x40,
            0x10, 0x44, 0x73, 0x8E, 0xE1, 0x98, 0x95, 0xBA, 0xAB, 0xBF, 0xE3, 0x73, 0x10, 0x91, 0xC2, 0x06,
            0x9B, 0x62, 0x44, 0x82, 0xB8, 0x3B, 0x13, 0x78, 0x23, 0xAB, 0x26, 0xF4, 0xC8, 0x4F, 0xED, 0xA9,
            0x57, 0x6D, 0xD1, 0x1D, 0xB9, 0x8B, 0xBC, 0x6F, 0xAF, 0xDB, 0x71, 0xFF, 0xFA, 0x79, 0x7C, 0xDC,
            0xB7, 0x7D, 0x3B, 0x62, 0x3E, 0x3E, 0x3E, 0xB7, 0xBD, 0x11, 0xAE, 0xFA, 0xF7, 0xF2, 0xBB, 0x7D,
            0x1F, 0xF3, 0x1C, 0x82, 0xBC, 0x29, 0x6E, 0x52, 0x6F, 0x32, 0xC1, 0xBA, 0x82, 0x79, 0x82, 0xDA,
            0x68, 0x11, 0x06, 0xF6, 0x15, 0x94, 0x13, 0x1C, 0x32, 0xB9, 0xC1, 0xC0, 0x71, 0x05, 0xF5, 0x09,
            0xF6, 0xE8, 0x0E, 0x02, 0x9A, 0x5C, 0x41, 0x3C, 0xEF, 0x18, 0xE2, 0xC5, 0x26, 0x9A, 0x5E, 0x41,
            0x3B, 0x41, 0x78, 0x8C, 0x60, 0xE1, 0x18, 0xAE, 0xA0, 0x3F, 0xC3, 0xA9, 0x82, 0x35, 0x03, 0x8D,
            0xEB, 0x80, 0xF7, 0x00, 0x05, 0x9D, 0xEB, 0x80, 0x8C, 0xC5, 0xA7, 0x06, 0xD7, 0x51, 0x25, 0x01,
            0xE6, 0xD1, 0x92, 0xEB, 0xB0, 0x36, 0x0C, 0x3A, 0xB1, 0xB8, 0x8E, 0x14, 0x0B, 0xDA, 0x1C, 0x6B,
            0xAE, 0x23, 0x0C, 0x2E, 0xB4, 0x00, 0x83, 0xEB, 0x80, 0x6A, 0x16, 0x03, 0x5D, 0x16, 0xDB, 0xE1,
            0x8B, 0xCA, 0xB9, 0x72, 0x1D, 0xA5, 0x8B, 0x54, 0x1D, 0x8B, 0xED, 0x98, 0xD9, 0x14, 0x2B, 0x80,
            0xDB, 0x62, 0x3B, 0x34, 0x32, 0x59, 0xC9, 0xDD, 0xB9, 0x8E, 0x9A, 0x85, 0x03, 0x05, 0x83, 0xEB,
            0xE8, 0x4A, 0xE3, 0xE1, 0x24, 0xD7, 0x11, 0x5A, 0xE9, 0x14, 0xAC, 0xC5, 0x76, 0x20, 0x63, 0x18,
            0x03, 0x7B, 0xA1, 0x23, 0x54, 0xDA, 0x19, 0x38, 0xB8, 0x0E, 0x53, 0xF3, 0x62, 0x25, 0x0F, 0xE1,
            0x3A, 0x50, 0xD5, 0xC9, 0x3C, 0x86, 0x2E, 0xB6, 0x63, 0x74, 0x32, 0x0C, 0x5C, 0x86, 0xCD, 0x60,
            0x06, 0x18, 0x68, 0x5C, 0x86, 0x23, 0x84, 0x4F, 0xF4, 0x85, 0x0C, 0x53, 0x75, 0x7A, 0xC3, 0xE0,
            0x32, 0x5A, 0x66, 0xE3, 0x98, 0xFE, 0xC8, 0xC5, 0xAF, 0x2A, 0xE1, 0x60, 0x16, 0xA3, 0xB8, 0x8C,
            0x79, 0x47, 0x5E, 0xB8, 0x68, 0x2E, 0x63, 0x62, 0xF3, 0x5D, 0x06, 0x8E, 0x85, 0x8E, 0x44, 0xE9,
            0x5C, 0xAA, 0x7F, 0x99, 0x60, 0xAC, 0x05, 0x7E, 0x07, 0x00, 0x00,
        ])
        XCTAssertEqual(ReferenceGunzip(try Array(Data(contentsOf: URL(fileURLWithPath: path)))).outcome, .corrupt)
        let small = InflaterDifferential.Shape(readChunk: 7, outputChunk: 1 << 16, maxLineLength: 16, pipelined: false)
        let zlib = InflaterDifferential.read(path, small, .zlib)
        let isal = InflaterDifferential.read(path, small, .isal)
        XCTAssertEqual(zlib.stats.errors.map(\.code), [.corruptGzip])
        XCTAssertEqual(isal.stats.errors.map(\.code), [.corruptGzip])
        XCTAssertEqual(isal.stats.errors.map(\.offset), zlib.stats.errors.map(\.offset))
        XCTAssertTrue(isal.stats.errors[0].message.hasSuffix(Inflater.divergenceNote), isal.stats.errors[0].message)
        XCTAssertTrue(zlib.stats.errors[0].message.contains("invalid literal/lengths set"))
        XCTAssertNil(InflaterDifferential.difference(path, small), "a known, bounded difference")
        let large = InflaterDifferential.Shape(readChunk: 256 << 10, outputChunk: 1 << 20, maxLineLength: 16, pipelined: true)
        XCTAssertEqual(InflaterDifferential.read(path, large, .isal).stats.errors, InflaterDifferential.read(path, large, .zlib).stats.errors)
    }
}
