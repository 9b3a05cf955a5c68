#if canImport(Glibc)
import Glibc
#endif
@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-reader`: the whole `LineReader` with small buffers, plain and gzip.
///
/// Input: 4 config bytes, then the decoded content. Byte 0 picks the read chunk (bit 7: inflate
/// on a second thread), byte 1 the inflate output chunk and how many extra gzip members to
/// cut the content into, byte 2 the maximum line length, byte 3 the carry buffer's first size
/// (1...64, so a few KB reach every doubling step). The content is read as a plain file (unless
/// it starts with the gzip magic) and as gzip compressed here with zlib; every `LineItem` must
/// equal `ReferenceLine.frame`, the accounting must hold, every decoded byte be counted, no
/// error be recorded, and the carry never pass `maxLineLength + 1` bytes.
enum FuzzReader {
    static let scratch = ScratchFile(name: "reader")
    static let readChunks = [1, 2, 3, 5, 8, 16, 64, 4096]
    static let outputChunks = [1, 2, 7, 16, 64, 300, 4096, 1 << 16]
    static let longMaxLines = [256, 1000, 4096, 1 << 20]

    static func check(_ input: [UInt8]) {
        guard input.count >= 4 else { return }
        let readChunk = readChunks[Int(input[0] & 7)]
        let pipelined = input[0] & 0x80 != 0
        let outputChunk = outputChunks[Int(input[1] & 7)]
        let extraMembers = Int(input[1] >> 3 & 3)
        let maxLine = input[2] < 200 ? Int(input[2]) : longMaxLines[Int(input[2] & 3)]
        let initialCarry = 1 + Int(input[3] & 63)
        let content = Array(input.dropFirst(4))
        let expected = ReferenceLine.frame(content, maxLineLength: maxLine)
        let shape = "read \(readChunk) output \(outputChunk) max \(maxLine) carry \(initialCarry) pipelined \(pipelined)"

        if !(content.count >= 2 && content[0] == 0x1F && content[1] == 0x8B) {
            scratch.write(content)
            read(expected, decoded: content.count, gzip: false, "plain \(shape)") {
                LineReader(source: $0, maxLineLength: maxLine, readChunk: readChunk, outputChunk: outputChunk,
                           initialCarry: initialCarry)
            }
        }
        // Members cut at even places (a cut may fall inside a line; empty members are fine).
        var file: [UInt8] = []
        var from = 0
        for m in 1...(extraMembers + 1) {
            let to = content.count * m / (extraMembers + 1)
            file += GzipWriter.member(Array(content[from..<to]), level: Int32(input[3] >> 6) * 3)
            from = to
        }
        scratch.write(file)
        read(expected, decoded: content.count, gzip: true, "gzip \(extraMembers + 1) members \(shape)") {
            LineReader(source: $0, maxLineLength: maxLine, readChunk: readChunk, outputChunk: outputChunk,
                       initialCarry: initialCarry, pipelined: pipelined)
        }
    }

    /// Reads the scratch file with the reader `make` builds and checks every property.
    static func read(_ expected: [ReferenceLine], decoded: Int, gzip: Bool, _ label: String,
                     _ make: (SourceDescriptor) -> LineReader) {
        let source = SourceDescriptor(index: 0, location: .file(path: scratch.path), displayName: "fuzz", defaultService: "fuzz")
        let reader = make(source)
        var items: [ReferenceLine] = []
        while let item = reader.next() {
            FuzzDriver.require(reader.carryCapacityForTesting <= reader.maxLineLength + 1,
                               "\(label): carry \(reader.carryCapacityForTesting) past max + 1")
            switch item {
            case .line(let n, let bytes): items.append(.line(n, Array(bytes)))
            case .rejected(let n, let reason): items.append(.rejected(n, reason))
            }
        }
        FuzzDriver.require(reader.next() == nil, "\(label): next() after the end returned an item")
        Accounting.check(items, reader.stats)
        let stats = reader.stats
        FuzzDriver.require(reader.isGzip == gzip, "\(label): isGzip \(reader.isGzip)")
        FuzzDriver.require(stats.errors.isEmpty, "\(label): errors \(stats.errors)")
        FuzzDriver.require(stats.bytesDecoded == UInt64(decoded), "\(label): decoded \(stats.bytesDecoded) of \(decoded)")
        if items != expected {
            let common = min(items.count, expected.count)
            let i = (0..<common).first { items[$0] != expected[$0] } ?? common
            FuzzDriver.fail("\(label): item \(i) is \(items.dropFirst(i).first.map(String.init(describing:)) ?? "none"), expected \(expected.dropFirst(i).first.map(String.init(describing:)) ?? "none")")
        }
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzReader.check(FuzzDriver.bytes(data, size))
    return 0
}
