import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads compressed bytes from a descriptor and decodes them into the caller's buffers: the
/// part of `LineReader` that may run on a thread of its own (`InflatePipeline`).
///
/// gzip through zlib (`GzipInflater`) or ISA-L (`IsalGzipInflater`), or zstd (`ZstdDecoder`).
/// When ISA-L hands a member over, the feed re-reads the source from the member's start with
/// zlib, skips the bytes already handed out (their CRC-32 must match), and goes on with zlib, so
/// verdicts are zlib's. That takes a seekable source: `LineReader` gives pipes to zlib.
///
/// Owns its input buffer and the decoder state, not the descriptor. Records `bytesIn` (the
/// furthest offset read), read and decoding `errors`, and `damaged` (the stream broke inside a
/// member or frame: a pending partial line is `truncated`). Not thread-safe: one thread at a time.
final class DecodeFeed {
    enum Format { case gzip, zstd }

    private enum Engine {
        case zlib(GzipInflater)
        case isal(IsalGzipInflater)
        case zstd(ZstdDecoder)
    }

    private let fd: Int32
    private let sourceName: String
    private var engine: Engine
    private let inBuf: UnsafeMutableRawPointer
    private let readChunk: Int
    private var inStart = 0
    private var inEnd: Int
    /// Source offset of `inBuf[0]`.
    private var bufferOffset: UInt64 = 0
    private var stopped = false
    /// After an ISA-L hand-over: zlib output bytes still to skip, their CRC-32 so far and the
    /// CRC-32 they must have.
    private var skipLeft: UInt64 = 0
    private var skipCRC: UInt = 0
    private var skipExpected: UInt32 = 0
    /// The size of the next read: `readChunk`, less after a seek back, so that reads again end
    /// where a zlib run's would (`bytesIn` is then the same).
    private var nextRead: Int
    /// The descriptor's offset of the source's first byte (stdin may start past 0).
    private let fdStart: Int64
    /// ISA-L handed over during the last `decode`.
    private var handedOver = false
    /// Compressed bytes read so far (including those handed over at creation).
    private(set) var bytesIn: UInt64
    /// Read and decoding errors, in the order met.
    private(set) var errors: [InputError] = []
    /// True once the source broke inside a member (or a read failed).
    private(set) var damaged = false

    /// Takes ownership of `buffer` (`readChunk` bytes) whose first `filled` bytes were read
    /// already (`bytesIn` counts them). Nil engine: zstd without libzstd (the caller reports it).
    /// `fdStart`: the descriptor's offset of the source's first byte, nil for a pipe (then ISA-L
    /// is not used: nothing could be read again).
    init?(fd: Int32, sourceName: String, format: Format, inflater: Inflater, fdStart: Int64?,
          buffer: UnsafeMutableRawPointer, readChunk: Int, filled: Int, bytesIn: UInt64) {
        switch format {
        case .zstd:
            guard let z = ZstdDecoder(sourceName: sourceName) else { return nil }
            engine = .zstd(z)
        case .gzip:
            if inflater == .isal, fdStart != nil, let i = IsalGzipInflater() {
                engine = .isal(i)
            } else {
                engine = .zlib(GzipInflater(sourceName: sourceName))
            }
        }
        self.fd = fd
        self.sourceName = sourceName
        self.inBuf = buffer
        self.readChunk = readChunk
        self.inEnd = filled
        self.bytesIn = bytesIn
        self.bufferOffset = bytesIn - UInt64(filled)
        self.nextRead = readChunk
        self.fdStart = fdStart ?? 0
    }

    deinit { inBuf.deallocate() }

    /// The decoder in use: "zlib", "isal" or "zstd" (zlib after ISA-L handed a member over).
    var decoderName: String {
        switch engine {
        case .zlib: return Inflater.zlib.rawValue
        case .isal: return Inflater.isal.rawValue
        case .zstd: return "zstd"
        }
    }

    /// Decodes into `output` until it holds something; returns the bytes produced, or 0 at the
    /// end of the source (clean or not; see `errors` and `damaged`).
    func fill(_ output: UnsafeMutableRawBufferPointer) -> Int {
        while !stopped {
            if inStart == inEnd {
                inStart = 0
                inEnd = 0
                bufferOffset = bytesIn
                var n: Int
                repeat {
                    // Safe: C interop; `inBuf` holds `readChunk` bytes and `nextRead <= readChunk`.
                    n = read(fd, inBuf, nextRead)
                } while n < 0 && errno == EINTR
                if n < 0 {
                    let err = errno
                    stop(InputError(
                        code: .unreadable, source: sourceName, offset: bytesIn,
                        message: "read failed: \(String(cString: strerror(err))); "
                            + "the source is incomplete from here"), damaged: true)
                    return 0
                }
                if n == 0 {
                    // The decoder may still hold output for input it already took (the rest of a
                    // match when the output buffer filled up): drain it before the end (zlib
                    // re-decoding bytes to skip may drain several times over).
                    handedOver = false
                    var drained = decode(UnsafeRawBufferPointer(start: nil, count: 0), output)
                    while drained.produced == 0 && drained.raw > 0 && !stopped && !handedOver {
                        drained = decode(UnsafeRawBufferPointer(start: nil, count: 0), output)
                    }
                    if drained.produced > 0 { return drained.produced }
                    if stopped { return 0 }
                    if handedOver || finishEngine() {
                        handedOver = false
                        continue  // zlib re-reads from the member ISA-L handed over
                    }
                    stopped = true
                    return 0
                }
                bytesIn += UInt64(n)
                inEnd = n
                nextRead = readChunk
            }
            // Safe: `inStart <= inEnd <= readChunk`, the bytes the last read filled.
            let input = UnsafeRawBufferPointer(start: inBuf + inStart, count: inEnd - inStart)
            handedOver = false
            let (used, produced, raw) = decode(input, output)
            if used == 0 && raw == 0 && !stopped && !handedOver {
                // Cannot happen (input and output space give progress); never spin.
                stop(InputError(
                    code: .corruptGzip, source: sourceName, offset: bytesIn,
                    message: "decoding made no progress; the source is incomplete from here"), damaged: true)
                return 0
            }
            inStart += used
            if produced > 0 { return produced }
        }
        return 0
    }

    /// One decoder call on `input`; records a failure, handles a hand-over (then `used` is 0
    /// and the input position was moved) and skipped bytes. `produced`: bytes to hand out;
    /// `raw`: bytes decoded, skipped ones included.
    private func decode(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer)
        -> (used: Int, produced: Int, raw: Int)
    {
        switch engine {
        case .isal(let i):
            let (used, produced, handOver) = i.inflate(input, into: output)
            if let handOver {
                inStart += used
                handedOver = true
                resumeWithZlib(handOver)
                return (0, produced, produced)
            }
            return (used, produced, produced)
        case .zstd(let z):
            let (used, produced, failure) = z.inflate(input, into: output)
            if let failure { stop(failure.error, damaged: failure.midMember) }
            return (used, produced, produced)
        case .zlib(let g):
            let (used, produced, failure) = g.inflate(input, into: output)
            let kept = skipLeft > 0 ? skip(output, produced, failed: failure != nil) : produced
            if let failure { stop(failure.error, damaged: failure.midMember) }
            return (used, kept, produced)
        }
    }

    /// End of input for the engine; true when zlib took over (reading goes on).
    private func finishEngine() -> Bool {
        switch engine {
        case .isal(let i):
            guard let handOver = i.finish() else { return false }
            resumeWithZlib(handOver)
            return true
        case .zstd(let z):
            if let failure = z.finish() { stop(failure.error, damaged: failure.midMember) }
        case .zlib(let g):
            if skipLeft > 0 { diverged() }
            if let failure = g.finish() { stop(failure.error, damaged: failure.midMember) }
            if divergedNote {
                stop(InputError(code: .corruptGzip, source: sourceName, offset: g.consumed,
                                message: "ISA-L and zlib decoded a member differently"), damaged: true)
            }
        }
        return false
    }

    /// zlib resumes at `h.offset`: from the buffer when it is there, else by seeking.
    private func resumeWithZlib(_ h: IsalGzipInflater.HandOver) {
        engine = .zlib(GzipInflater(sourceName: sourceName, startingAt: h.offset, betweenMembers: h.betweenMembers))
        skipLeft = h.skip
        skipCRC = 0
        skipExpected = h.skipCRC
        if h.offset >= bufferOffset && h.offset <= bufferOffset + UInt64(inEnd) {
            inStart = Int(h.offset - bufferOffset)
            return
        }
        guard lseek(fd, off_t(fdStart + Int64(h.offset)), SEEK_SET) >= 0 else {
            let err = errno
            stop(InputError(
                code: .corruptGzip, source: sourceName, offset: h.offset,
                message: "damaged gzip member, and it cannot be read again to judge it (\(String(cString: strerror(err)))); "
                    + "the source is incomplete from here"), damaged: true)
            return
        }
        // The bytes from here are read again, and counted again: `bytesIn` ends at the
        // furthest offset read either way.
        inStart = 0
        inEnd = 0
        bytesIn = h.offset
        nextRead = readChunk - Int(h.offset % UInt64(readChunk))
    }

    /// Drops the first `skipLeft` bytes zlib re-decodes (ISA-L handed them out already) from the
    /// `produced` bytes at the start of `output`; returns how many are left to hand out.
    private func skip(_ output: UnsafeMutableRawBufferPointer, _ produced: Int, failed: Bool) -> Int {
        let dropped = Int(min(UInt64(produced), skipLeft))
        // Safe: C interop and a memmove inside `output[0..<produced]` (`dropped <= produced`).
        if dropped > 0 {
            skipCRC = crc32_z(skipCRC, output.baseAddress!.assumingMemoryBound(to: UInt8.self), dropped)
            skipLeft -= UInt64(dropped)
        }
        if skipLeft == 0 {
            if UInt32(truncatingIfNeeded: skipCRC) != skipExpected { diverged() }
            skipExpected = UInt32(truncatingIfNeeded: skipCRC)  // report once
        } else if failed {
            diverged()
        }
        let kept = produced - dropped
        if dropped > 0 && kept > 0 { output.baseAddress!.copyMemory(from: output.baseAddress! + dropped, byteCount: kept) }
        return kept
    }

    /// zlib does not decode the bytes ISA-L handed out (an invalid block ISA-L accepted): say so
    /// on the member's error (zlib's verdict, reported as is).
    private func diverged() {
        skipLeft = 0
        divergedNote = true
    }

    private var divergedNote = false

    private func stop(_ error: InputError, damaged: Bool) {
        stopped = true
        var error = error
        if divergedNote {
            error.message += Inflater.divergenceNote
            divergedNote = false
        }
        errors.append(error)
        if damaged { self.damaged = true }
    }
}
