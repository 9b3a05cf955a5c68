import CZlib

/// Decodes a whole gzip stream with zlib in one pass (all input at once, output grown as needed),
/// applying the same member, padding and garbage policy as `GzipInflater`, written plainly.
///
/// The oracle for the gzip reader: whatever chunking the reader uses, it must decode exactly
/// these bytes and report exactly this outcome.
package struct ReferenceGunzip {
    /// How the stream ended.
    package enum Outcome: Equatable {
        /// Every member complete, then nothing or only zero bytes.
        case clean
        /// Input ended inside a member.
        case truncated
        /// zlib reported bad data, a bad header, CRC or length (inside a member).
        case corrupt
        /// A complete member was followed by bytes that are neither a member nor zero padding.
        case trailingGarbage
    }

    /// Every byte zlib decoded before the stream ended or broke.
    package var decoded: [UInt8] = []
    package var outcome: Outcome = .clean

    /// True when the last partial line is incomplete (the stream broke inside a member).
    package var brokeMidMember: Bool { outcome == .truncated || outcome == .corrupt }

    /// Decodes `input`; stops adding output past `limit` bytes (then `outcome` is meaningless:
    /// callers skip such inputs).
    package init(_ input: [UInt8], limit: Int = 64 << 20) {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        defer {
            inflateEnd(s)
            s.deinitialize(count: 1)
            s.deallocate()
        }
        guard seam_inflateInit2(s, 15 + 32) == Z_OK else {
            outcome = .corrupt
            return
        }
        var out = [UInt8](repeating: 0, count: 1 << 16)
        var pos = 0
        input.withUnsafeBufferPointer { inp in
            member: while true {
                // One member from `pos`, all remaining input available.
                s.pointee.next_in = UnsafeMutablePointer(mutating: inp.baseAddress! + pos)
                s.pointee.avail_in = UInt32(inp.count - pos)
                var rc: Int32 = Z_OK
                repeat {
                    rc = out.withUnsafeMutableBufferPointer { o -> Int32 in
                        s.pointee.next_out = o.baseAddress
                        s.pointee.avail_out = UInt32(o.count)
                        return inflate(s, Z_NO_FLUSH)
                    }
                    decoded += out[..<(out.count - Int(s.pointee.avail_out))]
                    if decoded.count > limit { return }
                } while rc == Z_OK
                pos = inp.count - Int(s.pointee.avail_in)
                switch rc {
                case Z_STREAM_END:
                    break
                case Z_BUF_ERROR:
                    // All input used, member not finished.
                    outcome = .truncated
                    return
                default:
                    outcome = .corrupt
                    return
                }
                // Between members.
                guard pos < inp.count else { return }
                if inp[pos] == 0x1F {
                    inflateReset(s)
                    continue member
                }
                if inp[pos] == 0 {
                    while pos < inp.count && inp[pos] == 0 { pos += 1 }
                    if pos < inp.count { outcome = .trailingGarbage }
                    return
                }
                outcome = .trailingGarbage
                return
            }
        }
    }
}
