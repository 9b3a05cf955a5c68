import CZlib

/// Writes gzip members with zlib, for fuzz targets and tests that lay out compressed inputs.
package enum GzipWriter {
    /// `data` compressed as one gzip member (deflate, windowBits 31).
    package static func member(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        defer { deflateEnd(s); s.deinitialize(count: 1); s.deallocate() }
        precondition(deflateInit2_(s, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        var input = data
        var out = [UInt8](repeating: 0, count: Int(deflateBound(s, UInt(data.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o -> Int in
                s.pointee.next_in = inp.baseAddress
                s.pointee.avail_in = UInt32(inp.count)
                s.pointee.next_out = o.baseAddress
                s.pointee.avail_out = UInt32(o.count)
                precondition(deflate(s, Z_FINISH) == Z_STREAM_END)
                return o.count - Int(s.pointee.avail_out)
            }
        }
        return Array(out[..<produced])
    }
}
