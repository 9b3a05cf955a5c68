/// Decodes backslash escapes of a JSON (or logfmt) string span into UTF-8 bytes.
///
/// `\" \\ \/ \b \f \n \r \t` and `\uXXXX`, surrogate pairs combined into one scalar; a lone
/// surrogate becomes U+FFFD (`EF BF BD`). Bytes that are not escapes, invalid UTF-8 included,
/// are copied as they are. Escapes JSON does not know (only logfmt can hold them: `\x`, `\u12`,
/// a final lone `\`) are kept literally. The output is never longer than the input, so a
/// scratch buffer of the span's length always suffices. O(n), no allocation.
@_spi(SeamStages) public enum EscapedText {
    /// Writes the decoded bytes of `src[0..<count]` to `dst` (capacity >= count); returns their number.
    @inlinable
    @_spi(SeamStages) public static func decode(_ src: UnsafePointer<UInt8>, count: Int, into dst: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        var o = 0
        while i < count {
            let c = src[i]
            if c != 0x5C || i + 1 >= count {
                dst[o] = c
                o += 1
                i += 1
                continue
            }
            let e = src[i + 1]
            var out: UInt8 = 0
            switch e {
            case 0x22, 0x5C, 0x2F: out = e
            case UInt8(ascii: "b"): out = 0x08
            case UInt8(ascii: "f"): out = 0x0C
            case UInt8(ascii: "n"): out = 0x0A
            case UInt8(ascii: "r"): out = 0x0D
            case UInt8(ascii: "t"): out = 0x09
            case UInt8(ascii: "u"):
                guard let u = hex4(src, i + 2, count) else {
                    dst[o] = c; dst[o + 1] = e; o += 2; i += 2
                    continue
                }
                var scalar = u
                i += 6
                if u >= 0xD800 && u <= 0xDBFF {
                    if i + 1 < count, src[i] == 0x5C, src[i + 1] == UInt8(ascii: "u"),
                       let low = hex4(src, i + 2, count), low >= 0xDC00 && low <= 0xDFFF {
                        scalar = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if u >= 0xDC00 && u <= 0xDFFF {
                    scalar = 0xFFFD
                }
                o += writeUTF8(scalar, dst + o)
                continue
            default:
                dst[o] = c; dst[o + 1] = e; o += 2; i += 2
                continue
            }
            dst[o] = out
            o += 1
            i += 2
        }
        return o
    }

    /// The decoded bytes of `bytes` as a new array (allocates; for stored values).
    @_spi(SeamStages) public static func decode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
        let src = base.assumingMemoryBound(to: UInt8.self)
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { buf, n in
            n = decode(src, count: bytes.count, into: buf.baseAddress!)
        }
    }

    /// The value of 4 hex digits at `src[at..<at+4]`, or nil.
    @inlinable @inline(__always)
    static func hex4(_ src: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> UInt32? {
        guard at + 4 <= count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let d = hexDigit(src[at + k]) else { return nil }
            v = v << 4 | d
        }
        return v
    }

    @inlinable @inline(__always)
    static func hexDigit(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        default: return nil
        }
    }

    /// Writes `scalar` (a valid scalar, not a surrogate) as UTF-8; returns the byte count.
    @inlinable @inline(__always)
    static func writeUTF8(_ scalar: UInt32, _ dst: UnsafeMutablePointer<UInt8>) -> Int {
        if scalar < 0x80 {
            dst[0] = UInt8(scalar)
            return 1
        } else if scalar < 0x800 {
            dst[0] = UInt8(0xC0 | (scalar >> 6))
            dst[1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        } else if scalar < 0x10000 {
            dst[0] = UInt8(0xE0 | (scalar >> 12))
            dst[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            dst[2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        } else {
            dst[0] = UInt8(0xF0 | (scalar >> 18))
            dst[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            dst[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            dst[3] = UInt8(0x80 | (scalar & 0x3F))
            return 4
        }
    }
}
