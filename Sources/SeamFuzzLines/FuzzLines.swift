@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-lines`: plain bytes in random read chunks frame like the reference splitter.
///
/// Input: byte 0 picks the read chunk (1...256), byte 1 the maximum line length (0...63, or
/// 1 MiB when >= 64 so long lines also pass); the rest is the file. A file that starts with the
/// gzip magic is skipped (`fuzz-gzip` covers it). Properties: items equal
/// `ReferenceLine.frame`, accounting holds, every byte is counted, no error.
enum FuzzLines {
    static let scratch = ScratchFile(name: "lines")

    static func check(_ input: [UInt8]) {
        guard input.count >= 2 else { return }
        let readChunk = Int(input[0]) + 1
        let maxLine = input[1] < 64 ? Int(input[1]) : 1 << 20
        let file = Array(input.dropFirst(2))
        if file.count >= 2 && file[0] == 0x1F && file[1] == 0x8B { return }
        scratch.write(file)
        let source = SourceDescriptor(index: 0, location: .file(path: scratch.path), displayName: "fuzz", defaultService: "fuzz")
        let reader = LineReader(source: source, maxLineLength: maxLine, readChunk: readChunk, outputChunk: 1 << 16)
        let items = ReferenceLine.readAll(reader)
        FuzzDriver.require(reader.next() == nil, "next() after the end returned an item")
        Accounting.check(items, reader.stats)
        let stats = reader.stats
        FuzzDriver.require(stats.errors.isEmpty, "errors \(stats.errors)")
        FuzzDriver.require(stats.bytesIn == UInt64(file.count) && stats.bytesDecoded == UInt64(file.count),
                           "bytes in \(stats.bytesIn) decoded \(stats.bytesDecoded) of \(file.count)")
        let expected = ReferenceLine.frame(file, maxLineLength: maxLine)
        if items != expected {
            let common = min(items.count, expected.count)
            let i = (0..<common).first { items[$0] != expected[$0] } ?? common
            FuzzDriver.fail("framing differs at item \(i): \(items.dropFirst(i).first.map(String.init(describing:)) ?? "none") vs \(expected.dropFirst(i).first.map(String.init(describing:)) ?? "none")")
        }
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzLines.check(FuzzDriver.bytes(data, size))
    return 0
}
