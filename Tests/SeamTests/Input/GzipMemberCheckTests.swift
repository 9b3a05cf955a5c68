import CZlib
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

/// Member CRC-32 and length checks done by Seam (`GzipMemberCheck`), with either kernel, and the
/// members left to zlib (header CRC).
final class GzipMemberCheckTests: XCTestCase {
    /// The kernels that can run here: zlib always, libdeflate where its library is installed.
    private var kernels: [GzipMemberCheck.Kernel] {
        [.zlib] + (GzipMemberCheck.Kernel.libdeflate.map { [$0] } ?? [])
    }

    private func lines(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<count { out += Array("{\"n\":\(i),\"pad\":\"\(String(repeating: "q", count: i % 41))\"}\n".utf8) }
        return out
    }

    /// Decodes `gz` through one `GzipInflater` in `chunk`-byte inputs and `outChunk`-byte outputs.
    private func inflateAll(_ gz: [UInt8], crc: GzipMemberCheck.Kernel, chunk: Int, outChunk: Int)
        -> (output: [UInt8], errors: [InputError])
    {
        let inflater = GzipInflater(sourceName: "t.gz", crc: crc)
        var output: [UInt8] = []
        var errors: [InputError] = []
        var out = [UInt8](repeating: 0, count: outChunk)
        var at = 0
        gz.withUnsafeBytes { all in
            out.withUnsafeMutableBytes { o in
                while at < all.count {
                    let piece = UnsafeRawBufferPointer(rebasing: all[at..<min(all.count, at + chunk)])
                    var used = 0
                    repeat {
                        let rest = UnsafeRawBufferPointer(rebasing: piece[used...])
                        let (c, p, failure) = inflater.inflate(rest, into: o)
                        used += c
                        output += o[..<p]
                        if let failure { errors.append(failure.error); return }
                        if c == 0 && p == 0 { break }
                    } while used < piece.count
                    at += piece.count
                }
            }
        }
        if errors.isEmpty, let f = inflater.finish() { errors.append(f.error) }
        return (output, errors)
    }

    func testKernelsGiveTheStandardCRC() {
        let check = Array("123456789".utf8)
        for k in kernels {
            let crc = check.withUnsafeBytes { k.update(0, $0.baseAddress!, $0.count) }
            XCTAssertEqual(crc, 0xCBF4_3926, k.name)
            // Continuing from a partial CRC is the same as one pass.
            let split = check.withUnsafeBytes { k.update(k.update(0, $0.baseAddress!, 4), $0.baseAddress! + 4, 5) }
            XCTAssertEqual(split, 0xCBF4_3926, k.name)
        }
        XCTAssertEqual(GzipMemberCheck.Kernel.preferred, GzipMemberCheck.Kernel.libdeflate ?? .zlib)
    }

    func testIntactMembersInManyChunkingsWithEitherKernel() {
        let a = lines(400), b = lines(77)
        let gz = gzipMember(a) + gzipMember(b, level: 1) + gzipMember([])
        var rng = SplitMix64(seed: 11)
        for k in kernels {
            for _ in 0..<20 {
                let chunk = Int.random(in: 1...900, using: &rng), outChunk = Int.random(in: 1...7000, using: &rng)
                let (output, errors) = inflateAll(gz, crc: k, chunk: chunk, outChunk: outChunk)
                XCTAssertEqual(output, a + b, "\(k.name) in \(chunk) out \(outChunk)")
                XCTAssertEqual(errors, [], "\(k.name) in \(chunk) out \(outChunk)")
            }
        }
    }

    /// Every single-bit flip in either trailer field is caught, where zlib would report it.
    func testEveryTrailerBitFlipIsCaughtWithEitherKernel() {
        let first = gzipMember(lines(60)), second = gzipMember(lines(9))
        for k in kernels {
            for byte in 0..<8 {
                for bit in 0..<8 {
                    var gz = first + second
                    let at = first.count - 8 + byte
                    gz[at] ^= UInt8(1 << bit)
                    for chunk in [5, 4096] {
                        let (output, errors) = inflateAll(gz, crc: k, chunk: chunk, outChunk: 1000)
                        let name = "\(k.name) byte \(byte) bit \(bit) chunk \(chunk)"
                        XCTAssertEqual(output, lines(60), name)
                        XCTAssertEqual(errors.map(\.code), [.corruptGzip], name)
                        let isCRC = byte < 4
                        XCTAssertEqual(errors.first?.offset, UInt64(first.count - (isCRC ? 4 : 0)), name)
                        XCTAssertTrue(errors.first?.message.contains(isCRC ? "incorrect data check" : "incorrect length check") ?? false, name)
                    }
                }
            }
        }
    }

    /// A stream cut inside the trailer: truncated, unless the whole CRC-32 field was read and is
    /// wrong, which is corruption at the field's end (what zlib checking itself reports).
    func testCutInsideTheTrailer() {
        let plain = lines(40)
        let member = gzipMember(plain)
        for k in kernels {
            for badCRC in [false, true] {
                var gz = member
                if badCRC { gz[gz.count - 8] ^= 0x40 }
                for have in 0..<8 {
                    let cut = Array(gz[..<(gz.count - 8 + have)])
                    for chunk in [3, 4096] {
                        let (output, errors) = inflateAll(cut, crc: k, chunk: chunk, outChunk: 700)
                        let name = "\(k.name) bad \(badCRC) have \(have) chunk \(chunk)"
                        XCTAssertEqual(output, plain, name)
                        if badCRC && have >= 4 {
                            XCTAssertEqual(errors.map(\.code), [.corruptGzip], name)
                            XCTAssertEqual(errors.first?.offset, UInt64(member.count - 4), name)
                        } else {
                            XCTAssertEqual(errors.map(\.code), [.truncatedGzip], name)
                            XCTAssertEqual(errors.first?.offset, UInt64(cut.count), name)
                        }
                    }
                }
            }
        }
    }

    /// A member whose header has its own CRC (FHCRC): zlib checks that member, header included.
    private func withHeaderCRC(_ member: [UInt8]) -> [UInt8] {
        // zlib writes a 10-byte header with no optional fields; set FHCRC and add the CRC-16.
        var header = Array(member[..<10])
        header[3] |= 0x02
        let crc = header.withUnsafeBytes { GzipMemberCheck.Kernel.zlib.update(0, $0.baseAddress!, 10) }
        return header + [UInt8(crc & 0xFF), UInt8((crc >> 8) & 0xFF)] + member[10...]
    }

    func testHeaderCRCMembersAreCheckedByZlib() {
        let plain = lines(50)
        let good = withHeaderCRC(gzipMember(plain))
        for k in kernels {
            XCTAssertEqual(inflateAll(good + gzipMember(plain), crc: k, chunk: 64, outChunk: 512).output, plain + plain)

            var badHeader = good
            badHeader[10] ^= 0x10
            let h = inflateAll(badHeader, crc: k, chunk: 64, outChunk: 512)
            XCTAssertEqual(h.output, [])
            XCTAssertEqual(h.errors.map(\.code), [.corruptGzip])
            XCTAssertTrue(h.errors.first?.message.contains("header crc mismatch") ?? false, "\(h.errors)")

            var badTrailer = good
            badTrailer[badTrailer.count - 6] ^= 0x01
            let t = inflateAll(badTrailer, crc: k, chunk: 64, outChunk: 512)
            XCTAssertEqual(t.output, plain)
            XCTAssertEqual(t.errors.map(\.code), [.corruptGzip])
            XCTAssertEqual(t.errors.first?.offset, UInt64(good.count - 4))
        }
    }
}
