@_spi(SeamStages) import Seam

/// Reads one file through `LineReader` with zlib and with ISA-L and names the first difference:
/// every item (line bytes, number, rejection), `bytesIn`, `bytesDecoded`, line and rejection
/// counts, and every error (code, offset, message). Shared by `fuzz-inflate` and the
/// differential tests. Only `stats.inflater` may differ (it names the decoder).
package enum InflaterDifferential {
    /// Inputs that showed the one known, bounded difference (for the tests' and fuzz logs).
    nonisolated(unsafe) package static var knownDivergences = 0

    /// Chunk sizes and threading for one comparison.
    package struct Shape: CustomStringConvertible {
        package var readChunk: Int
        package var outputChunk: Int
        package var maxLineLength: Int
        package var pipelined: Bool

        package init(readChunk: Int, outputChunk: Int, maxLineLength: Int, pipelined: Bool) {
            self.readChunk = readChunk
            self.outputChunk = outputChunk
            self.maxLineLength = maxLineLength
            self.pipelined = pipelined
        }

        /// Picks a shape from one byte (fuzz input, random tests).
        package init(_ b: UInt8) {
            readChunk = [1, 7, 4096, 256 << 10][Int(b & 3)]
            outputChunk = [5, 300, 1 << 16, 1 << 20][Int(b >> 2 & 3)]
            maxLineLength = [16, 4096, 1 << 20, 1 << 20][Int(b >> 4 & 3)]
            pipelined = b & 0x40 != 0
        }

        package var description: String {
            "read \(readChunk) output \(outputChunk) max \(maxLineLength) pipelined \(pipelined)"
        }
    }

    /// One read: its items and stats.
    package struct Run {
        package var items: [ReferenceLine]
        package var stats: SourceStats
        package var isGzip: Bool
    }

    package static func read(_ path: String, _ shape: Shape, _ inflater: Inflater) -> Run {
        let source = SourceDescriptor(index: 0, location: .file(path: path), displayName: "diff", defaultService: "diff")
        let reader = LineReader(source: source, maxLineLength: shape.maxLineLength, readChunk: shape.readChunk,
                                outputChunk: shape.outputChunk, pipelined: shape.pipelined, inflater: inflater)
        let items = ReferenceLine.readAll(reader)
        return Run(items: items, stats: reader.stats, isGzip: reader.isGzip)
    }

    /// zlib's messages for a dynamic block header with an incomplete Huffman code, which ISA-L
    /// accepts and decodes (`IsalGzipInflater`'s one known difference).
    static let incompleteCodeMessages = [
        "invalid literal/lengths set", "invalid distances set", "invalid code lengths set",
    ]

    /// The first difference between reading `path` with zlib and with ISA-L, or nil. The one
    /// known difference passes when it is bounded: ISA-L's error is zlib's (code, offset,
    /// message) plus `Inflater.divergenceNote`, zlib's message names an incomplete code set,
    /// and the items differ only from zlib's last one on (`knownDivergences` counts them).
    package static func difference(_ path: String, _ shape: Shape) -> String? {
        let z = read(path, shape, .zlib)
        var i = read(path, shape, .isal)
        if let last = i.stats.errors.last, last.message.hasSuffix(Inflater.divergenceNote) {
            var zlibs = i.stats.errors
            zlibs[zlibs.count - 1].message.removeLast(Inflater.divergenceNote.count)
            guard zlibs == z.stats.errors else { return "diverged, errors zlib \(z.stats.errors), isal \(i.stats.errors)" }
            guard let m = z.stats.errors.last?.message, incompleteCodeMessages.contains(where: { m.contains($0) }) else {
                return "diverged on other damage than an incomplete code: \(i.stats.errors)"
            }
            let kept = max(0, z.items.count - 1)
            guard i.items.count >= kept, Array(i.items.prefix(kept)) == Array(z.items.prefix(kept)) else {
                return "diverged before zlib's last item: zlib \(z.items.count) items, isal \(i.items.count)"
            }
            knownDivergences += 1
            return nil
        }
        i.stats.inflater = z.stats.inflater
        if z.isGzip != i.isGzip { return "isGzip \(z.isGzip) vs \(i.isGzip)" }
        if z.stats.bytesIn != i.stats.bytesIn { return "bytesIn zlib \(z.stats.bytesIn), isal \(i.stats.bytesIn)" }
        if z.stats.bytesDecoded != i.stats.bytesDecoded {
            return "bytesDecoded zlib \(z.stats.bytesDecoded), isal \(i.stats.bytesDecoded)"
        }
        if z.stats.lines != i.stats.lines { return "lines zlib \(z.stats.lines), isal \(i.stats.lines)" }
        if z.stats.rejected != i.stats.rejected { return "rejected zlib \(z.stats.rejected), isal \(i.stats.rejected)" }
        if z.stats.errors != i.stats.errors { return "errors zlib \(z.stats.errors), isal \(i.stats.errors)" }
        if z.items != i.items {
            let n = zip(z.items, i.items).prefix { $0 == $1 }.count
            return "item \(n): zlib \(z.items.dropFirst(n).first.map { "\($0)" } ?? "none"), "
                + "isal \(i.items.dropFirst(n).first.map { "\($0)" } ?? "none")"
        }
        return nil
    }
}

/// gzip files laid out for the differential checks: members of given content, then one kind of
/// damage or oddity, placed by a number.
package enum GzipLayout {
    package enum Damage: Int, CaseIterable {
        case none, truncate, flipCRC, flipISIZE, flipByte, setByte, garbage, zeros, zerosThenGarbage,
             headerExtras, headerCRC, reservedFlag
    }

    /// `content` cut into `members` members (level from `level`), then `damage` at `where`.
    package static func make(_ content: [UInt8], members: Int, level: Int32, damage: Damage, at place: Int) -> [UInt8] {
        var file: [UInt8] = []
        var memberEnds: [Int] = []
        var from = 0
        for m in 1...max(1, members) {
            let to = content.count * m / max(1, members)
            var member = GzipWriter.member(Array(content[from..<to]), level: level)
            if m == 1 && (damage == .headerExtras || damage == .headerCRC || damage == .reservedFlag) {
                member = withHeader(member, damage)
            }
            file += member
            memberEnds.append(file.count)
            from = to
        }
        let n = file.count
        switch damage {
        case .none, .headerExtras, .headerCRC: break
        case .reservedFlag: break
        case .truncate: file.removeLast(n - place % n)
        case .flipCRC:
            let end = memberEnds[place % memberEnds.count]
            file[end - 8 + place % 4] ^= UInt8(1 << (place % 8))
        case .flipISIZE:
            let end = memberEnds[place % memberEnds.count]
            file[end - 4 + place % 4] ^= UInt8(1 << (place % 8))
        case .flipByte: file[place % n] ^= UInt8(1 << (place % 8))
        case .setByte: file[place % n] = UInt8(truncatingIfNeeded: place >> 8)
        case .garbage: file += [UInt8(truncatingIfNeeded: 1 + place % 255)] + Array(repeating: 0x41, count: place % 7)
        case .zeros: file += Array(repeating: 0, count: 1 + place % 9)
        case .zerosThenGarbage: file += Array(repeating: 0, count: 1 + place % 9) + [0x1F]
        }
        return file
    }

    /// The member with FEXTRA, FNAME, FCOMMENT (headerExtras), a correct FHCRC, or a reserved
    /// flag bit, inserted into its 10-byte header.
    static func withHeader(_ member: [UInt8], _ damage: Damage) -> [UInt8] {
        var header = Array(member[0..<10])
        var extra: [UInt8] = []
        switch damage {
        case .headerExtras:
            header[3] |= 0x04 | 0x08 | 0x10
            extra = [3, 0, 1, 2, 3] + Array("name.log".utf8) + [0] + Array("a comment".utf8) + [0]
        case .headerCRC:
            header[3] |= 0x02
            let crc = ReferenceCRC.crc32(header)
            extra = [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF)]
        default:
            header[3] |= 0x20
        }
        return header + extra + Array(member[10...])
    }
}

/// CRC-32 (gzip's), bit by bit: for laying out headers.
package enum ReferenceCRC {
    package static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return ~c
    }
}
