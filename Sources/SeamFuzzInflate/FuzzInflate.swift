@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-inflate`: the same bytes through zlib and through ISA-L (issue 18) must
/// give the same items, counts, offsets and errors (`InflaterDifferential`).
///
/// Input: byte 0 picks the shape (read and output chunks, maximum line length, pipelined); byte
/// 1 the layout: below 0x80 the rest is the file as is (random bytes, mutated gzip); else the
/// rest after 2 more bytes (a place) is content laid out by `GzipLayout` as 1-4 members (bits
/// 0-1), at level 1/6/9 (bit 2-3) with damage (byte 1 % 12 of the layout kinds) at the place.
enum FuzzInflate {
    static let scratch = ScratchFile(name: "inflate")

    static func check(_ input: [UInt8]) {
        guard input.count >= 2, Inflater.isalAvailable else { return }
        let shape = InflaterDifferential.Shape(input[0])
        let mode = input[1]
        let file: [UInt8]
        if mode < 0x80 {
            file = Array(input.dropFirst(2))
        } else {
            guard input.count >= 4 else { return }
            let place = Int(input[2]) << 8 | Int(input[3])
            let damage = GzipLayout.Damage(rawValue: Int(mode >> 4 & 7) + (mode & 0x8 != 0 ? 8 : 0))
                ?? .flipByte
            file = GzipLayout.make(Array(input.dropFirst(4)), members: 1 + Int(mode & 3),
                                   level: [1, 6, 9, 6][Int(mode >> 2 & 1) + Int(mode >> 6 & 1) * 2], damage: damage, at: place)
        }
        scratch.write(file)
        if let difference = InflaterDifferential.difference(scratch.path, shape) {
            FuzzDriver.fail("\(shape): \(difference)")
        }
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzInflate.check(FuzzDriver.bytes(data, size))
    return 0
}
