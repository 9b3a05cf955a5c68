import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a gzip file by streaming deflate, so a test can make a bomb without holding it.
final class GzipStreamWriter {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var out = [UInt8](repeating: 0, count: 1 << 16)
    private let handle: FileHandle
    private(set) var compressedBytes = 0

    init(path: String, level: Int32 = 6) {
        stream.initialize(to: z_stream())
        precondition(deflateInit2_(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        precondition(FileManager.default.createFile(atPath: path, contents: nil))
        handle = FileHandle(forWritingAtPath: path)!
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `chunk` `times` times in a row.
    func append(_ chunk: [UInt8], times: Int = 1) {
        var chunk = chunk
        chunk.withUnsafeMutableBufferPointer { input in
            for _ in 0..<times {
                stream.pointee.next_in = input.baseAddress
                stream.pointee.avail_in = UInt32(input.count)
                while stream.pointee.avail_in > 0 { pump(Z_NO_FLUSH) }
            }
        }
    }

    /// Ends the member and closes the file.
    func finish() {
        stream.pointee.avail_in = 0
        while pump(Z_FINISH) != Z_STREAM_END {}
        try! handle.close()
    }

    @discardableResult
    private func pump(_ flush: Int32) -> Int32 {
        out.withUnsafeMutableBufferPointer { o in
            stream.pointee.next_out = o.baseAddress
            stream.pointee.avail_out = UInt32(o.count)
            let rc = deflate(stream, flush)
            precondition(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR)
            let produced = o.count - Int(stream.pointee.avail_out)
            if produced > 0 {
                handle.write(Data(bytes: o.baseAddress!, count: produced))
                compressedBytes += produced
            }
            return rc
        }
    }
}

/// Peak resident memory of this process so far, in bytes (getrusage; Linux reports KiB).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
