@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-gzip`: any bytes as a file through `LineReader`, mostly gzip.
///
/// Input: byte 0 picks the read chunk, inflate output chunk, maximum line length and (bit 7)
/// inflating on a second thread (`pipelined`); the rest is the file. Properties: items are
/// numbered 1...lines with counts matching `stats`; for a file starting with the gzip magic,
/// the reader decodes exactly what one-shot zlib decodes
/// (`ReferenceGunzip`), records an error exactly when the reference finds damage, of the same
/// kind, and frames the decoded bytes like the reference splitter (the last partial line is
/// `truncated` when the stream broke mid-member). A plain file frames like the reference.
enum FuzzGzip {
    static let scratch = ScratchFile(name: "gzip")
    static let readChunks = [1, 3, 64, 8192]
    static let outputChunks = [7, 300, 4096, 1 << 16]
    static let maxLines = [0, 1, 16, 200, 4096, 1 << 20, 1 << 20, 1 << 20]

    static func check(_ input: [UInt8]) {
        guard let config = input.first else { return }
        let file = Array(input.dropFirst())
        let readChunk = readChunks[Int(config & 3)]
        let outputChunk = outputChunks[Int(config >> 2 & 3)]
        let maxLine = maxLines[Int(config >> 4 & 7)]
        let pipelined = config & 0x80 != 0
        scratch.write(file)
        let source = SourceDescriptor(index: 0, location: .file(path: scratch.path), displayName: "fuzz", defaultService: "fuzz")
        let reader = LineReader(source: source, maxLineLength: maxLine, readChunk: readChunk, outputChunk: outputChunk,
                                pipelined: pipelined)
        let items = ReferenceLine.readAll(reader)
        FuzzDriver.require(reader.next() == nil, "next() after the end returned an item")
        Accounting.check(items, reader.stats)
        let stats = reader.stats
        FuzzDriver.require(stats.bytesIn <= UInt64(file.count), "bytesIn \(stats.bytesIn) > file \(file.count)")

        let magic = file.count >= 2 && file[0] == 0x1F && file[1] == 0x8B
        FuzzDriver.require(reader.isGzip == magic, "isGzip \(reader.isGzip), magic \(magic)")
        guard magic else {
            FuzzDriver.require(stats.errors.isEmpty, "plain file with errors \(stats.errors)")
            FuzzDriver.require(stats.bytesDecoded == UInt64(file.count), "plain bytesDecoded \(stats.bytesDecoded)")
            let expected = ReferenceLine.frame(file, maxLineLength: maxLine)
            FuzzDriver.require(items == expected, "plain framing differs: \(items.prefix(5)) vs \(expected.prefix(5))")
            return
        }
        let reference = ReferenceGunzip(file)
        guard reference.decoded.count <= 64 << 20 else { return }
        FuzzDriver.require(
            stats.bytesDecoded == UInt64(reference.decoded.count),
            "decoded \(stats.bytesDecoded) bytes, zlib one-shot \(reference.decoded.count) (\(reference.outcome))")
        let codes = stats.errors.map(\.code)
        switch reference.outcome {
        case .clean:
            FuzzDriver.require(codes.isEmpty, "clean stream but errors \(stats.errors)")
            FuzzDriver.require(stats.bytesIn == UInt64(file.count), "clean stream not read whole")
        case .truncated:
            FuzzDriver.require(codes == [.truncatedGzip], "truncated stream but errors \(stats.errors)")
            FuzzDriver.require(stats.bytesIn == UInt64(file.count), "truncated stream not read whole")
        case .corrupt, .trailingGarbage:
            FuzzDriver.require(codes == [.corruptGzip], "\(reference.outcome) stream but errors \(stats.errors)")
        }
        for error in stats.errors {
            FuzzDriver.require((error.offset ?? 0) <= UInt64(file.count), "error offset past the end: \(error)")
        }
        let expected = ReferenceLine.frame(reference.decoded, maxLineLength: maxLine, truncatedTail: reference.brokeMidMember)
        FuzzDriver.require(items == expected, "gzip framing differs: \(items.count) items vs \(expected.count)")
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzGzip.check(FuzzDriver.bytes(data, size))
    return 0
}
