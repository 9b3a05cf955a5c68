import Foundation
import XCTest

@_spi(SeamStages) @testable import SeamInput
import SeamFuzzSupport

/// zlib and ISA-L give the same items, counts, offsets and errors (issue 18), on generated
/// gzip files: 1-4 members, clean, truncated, with bad CRC-32 or ISIZE bytes, flipped or set
/// bytes, trailing garbage or zero padding, header extras, a header CRC or a reserved flag,
/// read in every chunk shape, inline and pipelined. Needs ISA-L (CI installs libisal-dev).
final class InflaterDifferentialTests: XCTestCase {
    /// Log-like lines: JSON, blank, long, binary, some without a final newline.
    static func content(_ rng: inout SeededRandom) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<rng.int(400) {
            switch rng.int(20) {
            case 0: out += Array("\n".utf8)
            case 1: out += Array(repeating: UInt8(0x61 + rng.int(26)), count: rng.int(5000)) + [0x0A]
            case 2: out += [0x01, 0x02, 0x0A]
            default:
                out += Array(#"{"ts":"2026-12-07T01:\#(i % 60):00Z","service":"s\#(rng.int(9))","id":\#(rng.next() % 100000)}"#.utf8)
                out += rng.int(7) == 0 ? [0x0D, 0x0A] : [0x0A]
            }
        }
        if rng.int(3) == 0 { out += Array("no newline at the end".utf8) }
        return out
    }

    func testGeneratedStreamsReadTheSameThroughZlibAndISAL() throws {
        try XCTSkipUnless(Inflater.isalAvailable, "ISA-L (libisal-dev) is not installed here")
        let dir = TempDir()
        let path = dir.path + "/case.gz"
        var rng = SeededRandom(seed: 18)
        var damages: [GzipLayout.Damage: Int] = [:]
        for n in 0..<360 {
            let damage = GzipLayout.Damage.allCases[n % GzipLayout.Damage.allCases.count]
            let content = Self.content(&rng)
            let file = GzipLayout.make(content, members: 1 + rng.int(4), level: [1, 6, 9][rng.int(3)],
                                       damage: damage, at: rng.int(1 << 20))
            dir.write("case.gz", file)
            let shape = InflaterDifferential.Shape(UInt8(truncatingIfNeeded: rng.next()))
            if let d = InflaterDifferential.difference(path, shape) {
                XCTFail("case \(n) (\(damage), \(file.count) bytes, \(shape)): \(d)")
                return
            }
            damages[damage, default: 0] += 1
        }
        XCTAssertEqual(damages.count, GzipLayout.Damage.allCases.count)
    }

    /// Every cut of a 3-member file: the same truncation verdict and offset, the same lines.
    func testEveryTruncationReadsTheSame() throws {
        try XCTSkipUnless(Inflater.isalAvailable, "ISA-L (libisal-dev) is not installed here")
        let dir = TempDir()
        let path = dir.path + "/cut.gz"
        var rng = SeededRandom(seed: 7)
        let whole = GzipLayout.make(Self.content(&rng), members: 3, level: 6, damage: .none, at: 0)
        for cut in stride(from: 1, to: whole.count, by: max(1, whole.count / 400)) {
            dir.write("cut.gz", Array(whole[..<cut]))
            let shape = InflaterDifferential.Shape(UInt8(truncatingIfNeeded: cut))
            if let d = InflaterDifferential.difference(path, shape) { return XCTFail("cut at \(cut) (\(shape)): \(d)") }
        }
    }

    /// ISA-L decodes clean members itself, hands damaged ones to zlib (which then names the
    /// source's decoder), and a pipe goes to zlib from the start.
    func testWhichInflaterDecodedIt() throws {
        try XCTSkipUnless(Inflater.isalAvailable, "ISA-L (libisal-dev) is not installed here")
        let dir = TempDir()
        let content = Array(String(repeating: "{\"a\":1}\n", count: 5000).utf8)
        let clean = dir.write("clean.gz", GzipLayout.make(content, members: 2, level: 6, damage: .none, at: 0))
        let cut = dir.write("cut.gz", GzipLayout.make(content, members: 2, level: 6, damage: .truncate, at: 300))
        let shape = InflaterDifferential.Shape(readChunk: 4096, outputChunk: 1 << 16, maxLineLength: 1 << 20, pipelined: false)
        let c = InflaterDifferential.read(clean, shape, .isal)
        XCTAssertEqual(c.stats.inflater, "isal")
        XCTAssertEqual(c.stats.lines, 5000)
        XCTAssertEqual(InflaterDifferential.read(clean, shape, .zlib).stats.inflater, "zlib")
        let t = InflaterDifferential.read(cut, shape, .isal)
        XCTAssertEqual(t.stats.inflater, "zlib")
        XCTAssertEqual(t.stats.errors.map(\.code), [.truncatedGzip])
        XCTAssertEqual(t.stats.errors.first?.offset, UInt64(try XCTUnwrap(FileManager.default.attributesOfItem(atPath: cut)[.size] as? Int)))
    }
}
