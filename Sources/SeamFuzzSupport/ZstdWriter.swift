import CSeamCodecs

/// Writes zstd frames with libzstd (loaded at run time), for tests that lay out zstd inputs.
package enum ZstdWriter {
    /// Whether libzstd loads here.
    package static var available: Bool { seam_zstd_available() != 0 }

    /// `data` as one zstd frame at `level`.
    package static func frame(_ data: [UInt8], level: Int32 = 3) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: seam_zstd_compress_bound(data.count))
        let n = data.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                seam_zstd_compress(i.baseAddress, i.count, o.baseAddress, o.count, level)
            }
        }
        precondition(seam_zstd_is_error(n) == 0, "ZSTD_compress failed")
        return Array(out[..<n])
    }

    /// A skippable frame (magic 0x184D2A5X) holding `payload`.
    package static func skippable(_ payload: [UInt8], variant: UInt8 = 0) -> [UInt8] {
        let n = UInt32(payload.count)
        return [0x50 | (variant & 0xF), 0x2A, 0x4D, 0x18,
                UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + payload
    }
}
