import Foundation
import XCTest

@_spi(SeamStages) @testable import SeamInput
import SeamFuzzSupport

/// zstd input (issue 18): detected by its magic bytes, any number of frames, skippable frames,
/// truncation at its byte offset, corruption and trailing garbage, the same framing and counts
/// as gzip and plain input, inline and pipelined.
final class InputZstdTests: XCTestCase {
    let content: [UInt8] = Array((0..<3000).map { "{\"ts\":\(1_764_000_000 + $0),\"event\":\"sent\",\"id\":\"k\($0)\"}\n" }
        .joined().utf8)

    /// Content cut into `frames` frames, a skippable frame first, between and last.
    func layout(frames: Int) -> (file: [UInt8], frameEnds: [Int]) {
        var file = ZstdWriter.skippable(Array("seam".utf8), variant: 3)
        var ends: [Int] = []
        var from = 0
        for f in 1...frames {
            let to = content.count * f / frames
            file += ZstdWriter.frame(Array(content[from..<to]), level: Int32(f % 4) + 1)
            ends.append(file.count)
            file += ZstdWriter.skippable(Array(repeating: 7, count: f * 3))
            from = to
        }
        return (file, ends)
    }

    func read(_ path: String, pipelined: Bool, readChunk: Int = 4096, outputChunk: Int = 1 << 16) -> (LineReader, [Framed]) {
        let reader = LineReader(source: fileSource(path), maxLineLength: 1 << 20, readChunk: readChunk,
                                outputChunk: outputChunk, pipelined: pipelined)
        let items = readAll(reader)
        return (reader, items)
    }

    func testMultiFrameWithSkippableFramesReadsLikePlain() throws {
        try XCTSkipUnless(ZstdWriter.available, "libzstd is not installed here")
        let dir = TempDir()
        let path = dir.write("orders.jsonl.zst", layout(frames: 4).file)
        for pipelined in [false, true] {
            for (readChunk, outputChunk) in [(1, 7), (13, 300), (4096, 1 << 16)] {
                let (reader, items) = read(path, pipelined: pipelined, readChunk: readChunk, outputChunk: outputChunk)
                XCTAssertTrue(reader.isZstd)
                XCTAssertFalse(reader.isGzip)
                XCTAssertEqual(items, referenceFrame(content, max: 1 << 20))
                XCTAssertEqual(reader.stats.errors, [])
                XCTAssertEqual(reader.stats.bytesDecoded, UInt64(content.count))
                XCTAssertEqual(reader.stats.lines, 3000)
                XCTAssertEqual(reader.stats.inflater, "zstd")
            }
        }
    }

    /// Cut anywhere: truncated at the cut's offset (clean only right after a frame or a
    /// skippable frame), the lines decoded are the content's first ones, the partial last one
    /// is rejected as truncated.
    func testTruncationIsReportedAtItsOffset() throws {
        try XCTSkipUnless(ZstdWriter.available, "libzstd is not installed here")
        let dir = TempDir()
        let (whole, _) = layout(frames: 3)
        let path = dir.path + "/cut.zst"
        var truncations = 0
        for cut in stride(from: 4, to: whole.count, by: max(1, whole.count / 300)) {
            dir.write("cut.zst", Array(whole[..<cut]))
            let (reader, items) = read(path, pipelined: cut % 2 == 0, readChunk: 1 + cut % 5000)
            let stats = reader.stats
            let decoded = Array(content[..<Int(stats.bytesDecoded)])
            if stats.errors.isEmpty {
                XCTAssertEqual(items, referenceFrame(decoded, max: 1 << 20), "cut \(cut)")
                continue
            }
            truncations += 1
            XCTAssertEqual(stats.errors.map(\.code), [.truncatedZstd], "cut \(cut)")
            XCTAssertEqual(stats.errors.first?.offset, UInt64(cut), "cut \(cut)")
            XCTAssertEqual(items, ReferenceLine.frame(decoded, maxLineLength: 1 << 20, truncatedTail: true), "cut \(cut)")
        }
        XCTAssertGreaterThan(truncations, 250)
    }

    func testCorruptFrameAndTrailingGarbage() throws {
        try XCTSkipUnless(ZstdWriter.available, "libzstd is not installed here")
        let dir = TempDir()
        let (file, ends) = layout(frames: 2)
        // A damaged second frame: an error (the first frame's lines are all there).
        var bad = file
        bad[ends[0] + 40] ^= 0xFF
        let (r1, items1) = read(dir.write("bad.zst", bad), pipelined: false)
        XCTAssertEqual(r1.stats.errors.count, 1)
        XCTAssertTrue([.corruptZstd, .truncatedZstd].contains(r1.stats.errors[0].code), "\(r1.stats.errors)")
        XCTAssertGreaterThanOrEqual(items1.count, 1500)
        // Garbage after the last complete frame: the lines before it are complete, the last one
        // (without a newline) is a line, not truncated.
        let unterminated = Array("{\"ts\":1,\"event\":\"sent\",\"id\":\"last\"}".utf8)
        let garbage = ZstdWriter.frame(content + unterminated) + Array("not zstd".utf8)
        let (r2, items2) = read(dir.write("garbage.zst", garbage), pipelined: true)
        XCTAssertEqual(r2.stats.errors.map(\.code), [.corruptZstd])
        let offset = try XCTUnwrap(r2.stats.errors.first?.offset)
        XCTAssertTrue(offset >= UInt64(garbage.count - 8) && offset <= UInt64(garbage.count), "\(offset)")
        XCTAssertEqual(items2, referenceFrame(content + unterminated, max: 1 << 20))
    }

    /// A file starting 28 b5 2f but not fd, or 5X 2a 4d not 18, is plain text.
    func testNearMagicIsPlain() throws {
        let dir = TempDir()
        for head in [[0x28, 0xB5, 0x2F, 0x41], [0x52, 0x2A, 0x4D, 0x17], [0x28, 0x0A], [0x55]] as [[UInt8]] {
            let (reader, items) = read(dir.write("p.log", head + Array("x\n".utf8)), pipelined: false)
            XCTAssertFalse(reader.isZstd)
            XCTAssertEqual(reader.stats.errors, [])
            XCTAssertEqual(items, referenceFrame(head + Array("x\n".utf8), max: 1 << 20))
        }
    }

    /// A live pipe (`watch` on stdin) whose first line is shorter than a magic number and
    /// begins like one ('(' 28, 'P'..'_' 5X, 1f: a binary-line rejection) is read at once, with
    /// the writer still open: the detection used to wait for 4 bytes, so such a line was held
    /// until more came.
    func testShortFirstLineOnALivePipeIsNotHeld() throws {
        let dir = TempDir()
        for (k, first) in ["[\n", "(\n", "P\r\n", "\u{1F}\n"].enumerated() {
            let path = dir.path + "/live\(k)"
            XCTAssertEqual(mkfifo(path, 0o600), 0)
            let more = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
            Thread {
                let fd = open(path, O_WRONLY)
                for (i, text) in [first, "second\n"].enumerated() {
                    if i == 1 { _ = more.wait(timeout: .now() + 30) }
                    _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                }
                close(fd)
                finished.signal()
            }.start()
            // Read on its own thread: the old detection blocked in read(2) until the writer
            // went on, which the test does only after the wait below.
            nonisolated(unsafe) let reader = LineReader(source: fileSource(path), maxLineLength: 1 << 20)
            let got = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var firstItem: Framed?
            nonisolated(unsafe) var rest: [Framed] = []
            Thread {
                switch reader.next() {
                case .line(let n, let bytes)?: firstItem = .line(n, Array(bytes))
                case .rejected(let n, let reason)?: firstItem = .rejected(n, reason)
                case nil: break
                }
                got.signal()
                rest = readAll(reader)
                got.signal()
            }.start()
            let inTime = got.wait(timeout: .now() + 10) == .success
            more.signal()  // the writer goes on either way, so the reader thread ends
            _ = got.wait(timeout: .now() + 30)
            finished.wait()
            XCTAssertTrue(inTime, "first line \(Array(first.utf8)) held while the pipe stayed open")
            let expected = referenceFrame(Array((first + "second\n").utf8), max: 1 << 20)
            XCTAssertEqual(firstItem, expected.first)
            XCTAssertEqual(rest, Array(expected.dropFirst()))
            XCTAssertFalse(reader.isZstd || reader.isGzip)
        }
    }

    /// The other side of it: a zstd stream whose magic number comes through a pipe a byte at a
    /// time (the writer pauses between) is still zstd.
    func testZstdMagicSplitAcrossPipeReadsIsZstd() throws {
        try XCTSkipUnless(ZstdWriter.available, "libzstd is not installed here")
        let dir = TempDir()
        let path = dir.path + "/split"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        let data = ZstdWriter.frame(content)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            let fd = open(path, O_WRONLY)
            for i in 0..<3 {
                _ = data.withUnsafeBytes { write(fd, $0.baseAddress! + i, 1) }
                usleep(20_000)
            }
            _ = data.withUnsafeBytes { write(fd, $0.baseAddress! + 3, $0.count - 3) }
            close(fd)
            finished.signal()
        }.start()
        let (reader, items) = read(path, pipelined: false)
        finished.wait()
        XCTAssertTrue(reader.isZstd)
        XCTAssertEqual(items, referenceFrame(content, max: 1 << 20))
    }
}
