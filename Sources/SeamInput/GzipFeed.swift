#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads compressed bytes from a descriptor and inflates them into the caller's buffers: the
/// part of `LineReader` that may run on a thread of its own (`InflatePipeline`).
///
/// Owns its 256 KiB input buffer and the zlib state, not the descriptor. Records `bytesIn`,
/// read and gzip `errors`, and `damaged` (the stream broke mid-member: a pending partial line
/// is `truncated`). Not thread-safe: one thread at a time.
final class GzipFeed {
    private let fd: Int32
    private let sourceName: String
    private let inflater: GzipInflater
    private let inBuf: UnsafeMutableRawPointer
    private let readChunk: Int
    private var inStart = 0
    private var inEnd: Int
    private var stopped = false
    /// Compressed bytes read so far (including those handed over at creation).
    private(set) var bytesIn: UInt64
    /// Read and gzip errors, in the order met.
    private(set) var errors: [InputError] = []
    /// True once the source broke inside a member (or a read failed).
    private(set) var damaged = false

    /// Takes ownership of `buffer` (`readChunk` bytes) whose first `filled` bytes were read
    /// already (`bytesIn` counts them).
    init(fd: Int32, sourceName: String, buffer: UnsafeMutableRawPointer, readChunk: Int, filled: Int, bytesIn: UInt64) {
        self.fd = fd
        self.sourceName = sourceName
        self.inflater = GzipInflater(sourceName: sourceName)
        self.inBuf = buffer
        self.readChunk = readChunk
        self.inEnd = filled
        self.bytesIn = bytesIn
    }

    deinit { inBuf.deallocate() }

    /// Inflates into `output` until it holds something; returns the bytes produced, or 0 at the
    /// end of the source (clean or not; see `errors` and `damaged`).
    func fill(_ output: UnsafeMutableRawBufferPointer) -> Int {
        while !stopped {
            if inStart == inEnd {
                inStart = 0
                inEnd = 0
                var n: Int
                repeat {
                    n = read(fd, inBuf, readChunk)
                } while n < 0 && errno == EINTR
                if n < 0 {
                    let err = errno
                    stopped = true
                    damaged = true
                    errors.append(InputError(
                        code: .unreadable, source: sourceName, offset: bytesIn,
                        message: "read failed: \(String(cString: strerror(err))); "
                            + "the source is incomplete from here"))
                    return 0
                }
                if n == 0 {
                    // zlib may still hold output for input it already took (the rest of a
                    // match when the output buffer filled up): drain it before the end.
                    let (_, produced, failure) = inflater.inflate(UnsafeRawBufferPointer(start: nil, count: 0), into: output)
                    if let failure {
                        stopped = true
                        errors.append(failure.error)
                        damaged = failure.midMember
                    }
                    if produced > 0 { return produced }
                    if stopped { return 0 }
                    stopped = true
                    if let failure = inflater.finish() {
                        errors.append(failure.error)
                        damaged = failure.midMember
                    }
                    return 0
                }
                bytesIn += UInt64(n)
                inEnd = n
            }
            let input = UnsafeRawBufferPointer(start: inBuf + inStart, count: inEnd - inStart)
            let (used, produced, failure) = inflater.inflate(input, into: output)
            inStart += used
            if used == 0 && produced == 0 && failure == nil {
                // Cannot happen with zlib (input and output space give progress); never spin.
                stopped = true
                damaged = true
                errors.append(InputError(
                    code: .corruptGzip, source: sourceName, offset: inflater.consumed,
                    message: "gzip decoding made no progress; the source is incomplete from here"))
                return 0
            }
            if let failure {
                stopped = true
                errors.append(failure.error)
                damaged = failure.midMember
            }
            if produced > 0 { return produced }
        }
        return 0
    }
}
