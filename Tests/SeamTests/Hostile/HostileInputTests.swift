import Foundation
import XCTest

@testable import Seam
@testable import SeamAlignment
@testable import SeamCore
@testable import SeamCorrelation
@testable import SeamDiagnosis
@testable import SeamInput
@testable import SeamRecords
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
}
