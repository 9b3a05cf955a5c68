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

/// Line lengths at every boundary the reader has: the read chunk and inflate output chunk ±1,
/// each carry growth step ±1 (a small injected first carry, so small inputs reach them all),
/// `maxLineLength` ±1 with and without `\r`, and a last line without `\n`; for a plain file,
/// one gzip member, several members, inflate on its own thread, and a pipe written in random
/// pieces. Every item is compared with `ReferenceLine.frame`.
///
/// Issue 13 item 1: a line that crossed a chunk and whose last piece grew the carry was framed
/// from the freed carry block (any line between 256 KiB and `--max-line` crashed `seam`).
final class LineReaderBoundaryTests: XCTestCase {
    /// One random configuration: small buffers so that a few hundred bytes cross everything.
    struct Shape: CustomStringConvertible {
        var readChunk: Int
        var outputChunk: Int
        var initialCarry: Int
        var maxLine: Int
        var description: String {
            "read \(readChunk) output \(outputChunk) carry \(initialCarry) max \(maxLine)"
        }

        /// Lengths around every boundary of this shape (and around the carry limit, max + 1).
        var boundaries: [Int] {
            var sizes = [readChunk, outputChunk, maxLine, maxLine + 1, maxLine + 2]
            var c = initialCarry
            while c <= 2 * (maxLine + 2) {
                sizes.append(c)
                c *= 2
            }
            return sizes.flatMap { s in (-2...2).map { s + $0 } }.filter { $0 >= 0 }
        }
    }

    private func randomShape(_ rng: inout SeededRandom) -> Shape {
        Shape(readChunk: rng.pick([1, 2, 3, 5, 8, 13, 31, 64, 97]),
              outputChunk: rng.pick([1, 4, 7, 16, 33, 128]),
              initialCarry: rng.pick([1, 2, 3, 4, 8, 16, 40]),
              maxLine: rng.pick([0, 1, 7, 16, 63, 100, 257]))
    }

    /// Lines at the shape's boundaries in random order: printable text (a `\r` before some line
    /// ends, a control byte or only spaces in a few), the last one without `\n` half the time.
    private func content(_ shape: Shape, _ rng: inout SeededRandom) -> [UInt8] {
        var data: [UInt8] = []
        let lengths = shape.boundaries
        for k in 0..<(24 + rng.int(16)) {
            let length = rng.pick(lengths)
            let kind = rng.int(20)
            for i in 0..<length {
                switch kind {
                case 0: data.append(0x20)
                case 1 where i == length / 2: data.append(0x01)
                default: data.append(UInt8(0x21 + (k * 7 + i) % 94))
                }
            }
            if rng.chance(30) { data.append(0x0D) }
            data.append(0x0A)
        }
        if rng.chance(50) {
            let length = rng.pick(lengths)
            for i in 0..<length { data.append(UInt8(0x41 + i % 26)) }
            if rng.chance(20) { data.append(0x0D) }
        }
        return data
    }

    private func reader(_ path: String, _ shape: Shape, pipelined: Bool = false) -> LineReader {
        LineReader(source: fileSource(path), maxLineLength: shape.maxLine, readChunk: shape.readChunk,
                   outputChunk: shape.outputChunk, initialCarry: shape.initialCarry, pipelined: pipelined)
    }

    /// Reads all items and checks them, the accounting, and that the carry stayed bounded.
    private func check(_ reader: LineReader, _ expected: [Framed], decoded: Int, _ label: String,
                       file: StaticString = #filePath, line: UInt = #line) {
        var got: [Framed] = []
        while let item = reader.next() {
            XCTAssertLessThanOrEqual(reader.carryCapacityForTesting, reader.maxLineLength + 1, label, file: file, line: line)
            switch item {
            case .line(let n, let b): got.append(.line(n, Array(b)))
            case .rejected(let n, let r): got.append(.rejected(n, r))
            }
        }
        if got != expected {
            let i = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0] } ?? min(got.count, expected.count)
            XCTFail("\(label): item \(i) is \(got.dropFirst(i).first.map(String.init(describing:)) ?? "none"), "
                    + "expected \(expected.dropFirst(i).first.map(String.init(describing:)) ?? "none")", file: file, line: line)
        }
        XCTAssertEqual(reader.stats.lines, UInt64(expected.count), label, file: file, line: line)
        XCTAssertEqual(reader.stats.bytesDecoded, UInt64(decoded), label, file: file, line: line)
        XCTAssertEqual(reader.stats.errors, [], label, file: file, line: line)
    }

    func testPlainFilesAtEveryBoundary() {
        let dir = TempDir()
        var rng = SeededRandom(seed: 13)
        for seed in 0..<300 {
            let shape = randomShape(&rng)
            let data = content(shape, &rng)
            let path = dir.write("p\(seed).log", data)
            check(reader(path, shape), referenceFrame(data, max: shape.maxLine), decoded: data.count,
                  "seed \(seed) plain \(shape)")
        }
    }

    func testGzipOneAndManyMembersAtEveryBoundary() {
        let dir = TempDir()
        var rng = SeededRandom(seed: 7)
        for seed in 0..<200 {
            let shape = randomShape(&rng)
            let data = content(shape, &rng)
            let expected = referenceFrame(data, max: shape.maxLine)
            let one = dir.write("g\(seed).gz", gzipMember(data))
            check(reader(one, shape), expected, decoded: data.count, "seed \(seed) gzip \(shape)")
            // Members split anywhere, lines included, some of them empty.
            var cuts = (0..<rng.int(6)).map { _ in rng.int(data.count + 1) }.sorted()
            cuts.append(data.count)
            var members: [UInt8] = [], from = 0
            for c in cuts {
                members += gzipMember(Array(data[from..<c]))
                from = c
            }
            let many = dir.write("m\(seed).gz", members)
            check(reader(many, shape), expected, decoded: data.count, "seed \(seed) members \(cuts) \(shape)")
            check(reader(many, shape, pipelined: true), expected, decoded: data.count,
                  "seed \(seed) pipelined \(shape)")
        }
    }

    /// A writer thread puts the bytes into a FIFO in random pieces (1 byte to a few hundred),
    /// so reads return short counts at random places, as from a live pipe or stdin.
    func testPipeFedInRandomPiecesAtEveryBoundary() {
        let dir = TempDir()
        var rng = SeededRandom(seed: 99)
        for seed in 0..<60 {
            let shape = randomShape(&rng)
            var data = content(shape, &rng)
            let gzip = seed % 3 == 2
            let expected = referenceFrame(data, max: shape.maxLine)
            let decoded = data.count
            if gzip { data = gzipMember(data) }
            let path = dir.path + "/fifo\(seed)"
            XCTAssertEqual(mkfifo(path, 0o600), 0)
            let pieces = (0..<64).map { _ in 1 + rng.int(rng.chance(50) ? 8 : 300) }
            let finished = startPipeWriter(path: path, data: data, pieces: pieces)
            check(reader(path, shape), expected, decoded: decoded, "seed \(seed) pipe gzip \(gzip) \(shape)")
            finished.wait()
        }
    }

    /// Exactly `maxLineLength` bytes is a line, with or without `\r`; one more is too long;
    /// as the last line without `\n` too. With a carry that must grow at the line's last piece.
    func testMaxLineLengthExactlyAndOneMore() {
        let dir = TempDir()
        for max in [1, 5, 64, 100] {
            for cr in [false, true] {
                let end: [UInt8] = cr ? [0x0D, 0x0A] : [0x0A]
                let ok = [UInt8](repeating: 0x61, count: max), long = [UInt8](repeating: 0x62, count: max + 1)
                let data = ok + end + long + end + ok + (cr ? [0x0D] : [])
                let path = dir.write("x\(max)\(cr).log", data)
                let expected: [Framed] = [.line(1, ok), .rejected(2, .tooLong), .line(3, ok)]
                XCTAssertEqual(expected, referenceFrame(data, max: max))
                for chunk in [1, 2, 3, max, max + 1, max + 2] {
                    for carry in [1, 2, 3] {
                        let shape = Shape(readChunk: chunk, outputChunk: 1 << 16, initialCarry: carry, maxLine: max)
                        check(reader(path, shape), expected, decoded: data.count, "max \(max) cr \(cr) chunk \(chunk) carry \(carry)")
                    }
                }
            }
        }
    }

    /// The regression of issue 13 at the default sizes: a 300 KB line (longer than the 256 KiB
    /// read buffer, shorter than the 1 MiB default maximum) after a short one, plain and gzip.
    func testThreeHundredKilobyteLineAtDefaultSizes() {
        let dir = TempDir()
        let long = [UInt8](repeating: 0x78, count: 300_000)
        let data = Array("short\n".utf8) + long + [0x0A] + Array("after\n".utf8) + long
        let expected: [Framed] = [.line(1, Array("short".utf8)), .line(2, long), .line(3, Array("after".utf8)), .line(4, long)]
        let plain = dir.write("long.log", data)
        check(LineReader(source: fileSource(plain)), expected, decoded: data.count, "plain")
        // Gzip: the long line crosses the 1 MiB output chunk (and the pipeline's 256 KiB slots)
        // with a short first piece, so the carry must grow at its last piece.
        let pad = [UInt8](repeating: 0x70, count: 99) + [0x0A]
        let padded = Array(repeating: pad, count: 9_486).flatMap { $0 } + data
        let gz = dir.write("long.gz", gzipMember(padded))
        let expectedPadded = referenceFrame(padded, max: 1 << 20)
        check(LineReader(source: fileSource(gz)), expectedPadded, decoded: padded.count, "gzip")
        check(LineReader(source: fileSource(gz), pipelined: true), expectedPadded, decoded: padded.count, "gzip pipelined")
    }

    /// Any `maxLineLength` the API accepts frames safely: above the limit it is clamped (it was
    /// `maxLineLength + 1` that overflowed for a last line without `\n`).
    func testHugeMaxLineLengthIsClampedAndSafe() {
        let dir = TempDir()
        let path = dir.write("last.log", "first\nno newline at the end")
        for max in [Int.max, Int.max - 1, Int.max / 2, LineReader.maxLineLengthLimit + 1] {
            let reader = LineReader(source: fileSource(path), maxLineLength: max, readChunk: 4, outputChunk: 16)
            XCTAssertEqual(reader.maxLineLength, LineReader.maxLineLengthLimit)
            XCTAssertEqual(readAll(reader), [.line(1, Array("first".utf8)), .line(2, Array("no newline at the end".utf8))])
        }
        XCTAssertEqual(LineReader(source: fileSource(path), maxLineLength: 12).maxLineLength, 12)
    }
}

/// Writes `data` into the FIFO at `path` in the given piece sizes (cycling) on a thread of its
/// own; the returned semaphore is signalled when it is done.
func startPipeWriter(path: String, data: [UInt8], pieces: [Int]) -> DispatchSemaphore {
    let finished = DispatchSemaphore(value: 0)
    Thread {
        let fd = open(path, O_WRONLY)
        var at = 0, k = 0
        while fd >= 0 && at < data.count {
            let n = min(pieces[k % pieces.count], data.count - at)
            let wrote = data.withUnsafeBytes { write(fd, $0.baseAddress! + at, n) }
            if wrote <= 0 { break }
            at += wrote
            k += 1
        }
        if fd >= 0 { close(fd) }
        finished.signal()
    }.start()
    return finished
}
