#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one source (plain or gzip) and frames it into lines, without a copy per line.
///
/// Opens lazily on the first `next()`, reads with `read(2)` into a reused 256 KiB buffer,
/// detects gzip by its magic bytes `1f 8b` (not by name; an empty file is an empty plain
/// source), inflates into a reused 1 MiB buffer, and frames lines with `memchr`. A line is
/// returned in place; only a line crossing a buffer boundary is copied, into one reused carry
/// buffer of at most `maxLineLength + 1` bytes. Memory does not grow with the source.
///
/// Framing rules (SEMANTICS.md, "Records and events"):
/// - `\n` ends a line; a `\r` right before it belongs to the line end. A plain source's last
///   line without `\n` is a line.
/// - `blank`: empty, or only spaces, tabs, `\r`, `\v`, `\f`.
/// - `binary`: holds a byte in 00-08, 0E-1A, 1C-1F or 7F. Tab, `\v`, `\f`, `\r` and ESC (for
///   colored logs) are text; bytes >= 0x80 are not checked (UTF-8 is not validated here).
/// - `tooLong`: longer than `maxLineLength` bytes (without the line end); its bytes are
///   skipped up to the next `\n`, never held.
/// - `truncated`: the bytes after the last `\n` when a source broke mid-stream (a truncated
///   or corrupt gzip member, or a read error). Trailing garbage after a complete gzip member
///   does not make the last line incomplete.
///
/// Errors (open, read, gzip) go to `stats.errors`; after one, the lines decoded before it are
/// still returned, then `next()` returns nil. `stats.lines` counts every framed line, rejected
/// or not; the record stage adds `events` and its own rejections to the same `stats`.
public final class LineReader {
    /// The source being read.
    public let source: SourceDescriptor
    /// Longest line accepted, in bytes without the line end.
    public let maxLineLength: Int
    /// Counts for this source; the record stage adds `events` and its rejections.
    public var stats = SourceStats()
    /// True once the source was found to start with the gzip magic bytes.
    public private(set) var isGzip = false

    private enum State { case unopened, reading, ended, closed }

    private let readChunk: Int
    private let outputChunk: Int
    private var state: State = .unopened
    private var fd: Int32 = -1
    private var inflater: GzipInflater?
    /// Raw input buffer (`readChunk` bytes); for gzip, `inStart..<inEnd` is not yet inflated.
    private var inBuf: UnsafeMutableRawPointer?
    private var inStart = 0
    private var inEnd = 0
    /// Inflated output buffer (gzip only).
    private var outBuf: UnsafeMutableRawPointer?
    /// The decoded bytes being framed: `chunk[pos..<end]`.
    private var chunk: UnsafeRawPointer?
    private var pos = 0
    private var end = 0
    /// Start of a line that crosses a chunk boundary.
    private var carry: UnsafeMutableRawPointer?
    private var carryCapacity = 0
    private var carryLength = 0
    /// Skipping the rest of a line that is already too long.
    private var discarding = false
    private var lineNumber: UInt64 = 0
    private var endOfInput = false
    /// The source broke mid-stream: a pending partial line is `truncated`, not a line.
    private var damaged = false
    private var gzipStopped = false

    /// Creates a reader; nothing is opened until the first `next()`.
    public convenience init(source: SourceDescriptor, maxLineLength: Int = 1 << 20) {
        self.init(source: source, maxLineLength: maxLineLength, readChunk: 256 << 10, outputChunk: 1 << 20)
    }

    /// Test seam: `readChunk` bounds each `read(2)` and `outputChunk` each inflate output, so
    /// tests can force lines and gzip members across every kind of boundary.
    ///
    /// Public only for tests and the fuzz targets (release builds cannot `@testable import`);
    /// use `init(source:maxLineLength:)` otherwise.
    public init(source: SourceDescriptor, maxLineLength: Int, readChunk: Int, outputChunk: Int) {
        precondition(maxLineLength >= 0 && readChunk > 0 && outputChunk > 0)
        self.source = source
        self.maxLineLength = maxLineLength
        self.readChunk = readChunk
        self.outputChunk = outputChunk
    }

    deinit { close() }

    /// Releases the file descriptor, zlib state and buffers. Idempotent; `next()` then
    /// returns nil. Standard input's descriptor is left open.
    public func close() {
        if fd > 0 || (fd == 0 && source.location != .standardInput) { _ = Glibc.close(fd) }
        fd = -1
        inflater = nil
        inBuf?.deallocate()
        inBuf = nil
        outBuf?.deallocate()
        outBuf = nil
        carry?.deallocate()
        carry = nil
        chunk = nil
        pos = 0
        end = 0
        carryLength = 0
        carryCapacity = 0
        state = .closed
    }

    /// The next line or framing rejection, or nil at the end of the source (or after an
    /// error, recorded in `stats.errors`). A returned line's bytes are valid until the next
    /// call. Amortized O(line length); no allocation per line.
    public func next() -> LineItem? {
        switch state {
        case .reading: break
        case .unopened:
            guard open() else {
                close()
                return nil
            }
        case .ended, .closed:
            // The last line may live in `carry`: release only on the call after it.
            close()
            return nil
        }
        while true {
            if pos < end {
                let base = chunk.unsafelyUnwrapped
                let start = base + pos
                let available = end - pos
                if let found = memchr(start, 0x0A, available) {
                    let nl = UnsafeRawPointer(found)
                    let length = nl - start
                    pos += length + 1
                    lineNumber += 1
                    stats.lines = lineNumber
                    if discarding {
                        discarding = false
                        return reject(.tooLong)
                    }
                    if carryLength == 0 { return frame(start, length) }
                    return finishCarried(start, length)
                }
                pos = end
                if !discarding {
                    if carryLength + available > maxLineLength + 1 {
                        // Even without a `\r` it is too long: stop holding it.
                        discarding = true
                        carryLength = 0
                    } else {
                        appendCarry(start, available)
                    }
                }
            }
            if !refill() {
                state = .ended
                guard discarding || carryLength > 0 else {
                    close()
                    return nil
                }
                lineNumber += 1
                stats.lines = lineNumber
                let wasDiscarding = discarding
                discarding = false
                if damaged {
                    carryLength = 0
                    return reject(.truncated)
                }
                if wasDiscarding { return reject(.tooLong) }
                let length = carryLength
                carryLength = 0
                return frame(UnsafeRawPointer(carry.unsafelyUnwrapped), length)
            }
        }
    }

    // MARK: - Framing

    /// Completes a line whose start is in `carry` with `length` bytes at `start`.
    private func finishCarried(_ start: UnsafeRawPointer, _ length: Int) -> LineItem {
        let total = carryLength + length
        let carried = carry.unsafelyUnwrapped
        let endsWithCR = length > 0
            ? start.load(fromByteOffset: length - 1, as: UInt8.self) == 0x0D
            : carried.load(fromByteOffset: carryLength - 1, as: UInt8.self) == 0x0D
        if total - (endsWithCR ? 1 : 0) > maxLineLength {
            carryLength = 0
            return reject(.tooLong)
        }
        appendCarry(start, length)
        carryLength = 0
        return frame(UnsafeRawPointer(carried), total)
    }

    /// Classifies one line (`length` bytes at `start`, `\n` excluded).
    @inline(__always)
    private func frame(_ start: UnsafeRawPointer, _ length: Int) -> LineItem {
        var length = length
        if length > 0 && start.load(fromByteOffset: length - 1, as: UInt8.self) == 0x0D { length -= 1 }
        if length > maxLineLength { return reject(.tooLong) }
        let bytes = UnsafeRawBufferPointer(start: start, count: length)
        if LineReader.containsControl(bytes) { return reject(.binary) }
        if length == 0 || (LineReader.isSpace(bytes[0]) && LineReader.isBlank(bytes)) {
            return reject(.blank)
        }
        return .line(number: lineNumber, bytes: bytes)
    }

    private func reject(_ reason: RejectReason) -> LineItem {
        stats.reject(reason, line: lineNumber)
        return .rejected(number: lineNumber, reason: reason)
    }

    private func appendCarry(_ start: UnsafeRawPointer, _ length: Int) {
        let needed = carryLength + length
        if needed > carryCapacity {
            // Grows by doubling; never past maxLineLength + 1 (longer lines are discarded).
            var capacity = max(carryCapacity * 2, 64 << 10)
            while capacity < needed { capacity *= 2 }
            capacity = min(capacity, max(maxLineLength + 1, needed))
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            if let old = carry {
                grown.copyMemory(from: old, byteCount: carryLength)
                old.deallocate()
            }
            carry = grown
            carryCapacity = capacity
        }
        (carry.unsafelyUnwrapped + carryLength).copyMemory(from: start, byteCount: length)
        carryLength = needed
    }

    /// Bytes reserved for lines crossing buffer boundaries (tests: never past maxLineLength + 1).
    var carryCapacityForTesting: Int { carryCapacity }

    /// Control bytes that make a line binary: 00-08, 0E-1A, 1C-1F (bit set = rejected).
    @usableFromInline static let controlMask: UInt32 = 0xF7FF_C1FF

    @inline(__always)
    static func isControl(_ b: UInt8) -> Bool {
        b < 0x20 ? (controlMask >> UInt32(b)) & 1 != 0 : b == 0x7F
    }

    /// True when `bytes` holds a binary control byte. Checks 8 bytes at a time; a word with any
    /// byte < 0x20 or == 0x7F is then checked byte by byte.
    @inline(__always)
    static func containsControl(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= count {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let below20 = (w &- ones &* 0x20) & ~w & highs
            let x = w ^ (ones &* 0x7F)
            let is7F = (x &- ones) & ~x & highs
            if below20 | is7F != 0 {
                for j in i..<(i + 8) where isControl(bytes[j]) { return true }
            }
            i += 8
        }
        while i < count {
            if isControl(bytes[i]) { return true }
            i += 1
        }
        return false
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where !isSpace(b) { return false }
        return true
    }

    // MARK: - Reading

    /// Opens the source, reads its first bytes and picks plain or gzip. False on failure.
    private func open() -> Bool {
        switch source.location {
        case .standardInput:
            fd = 0
        case .file(let path):
            repeat {
                fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            } while fd < 0 && errno == EINTR
            if fd < 0 {
                let err = errno
                let code: InputError.Code = err == ENOENT ? .notFound : .unreadable
                stats.errors.append(InputError(
                    code: code, source: source.displayName, offset: nil,
                    message: "cannot open: \(String(cString: strerror(err)))"))
                return false
            }
        }
        let capacity = max(readChunk, 2)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        inBuf = buffer
        state = .reading
        // Two bytes decide gzip or plain; a pipe may deliver them one at a time.
        var count = 0
        while count < 2 {
            let n = readSome(into: buffer + count, min(readChunk, capacity - count))
            if n <= 0 { break }
            count += n
        }
        if count >= 2 && buffer.load(as: UInt8.self) == 0x1F
            && buffer.load(fromByteOffset: 1, as: UInt8.self) == 0x8B
        {
            isGzip = true
            inflater = GzipInflater(sourceName: source.displayName)
            outBuf = UnsafeMutableRawPointer.allocate(byteCount: outputChunk, alignment: 16)
            inStart = 0
            inEnd = count
        } else {
            stats.bytesDecoded += UInt64(count)
            chunk = UnsafeRawPointer(buffer)
            pos = 0
            end = count
        }
        return true
    }

    /// One `read(2)` of at most `count` bytes (retrying EINTR). Counts `bytesIn`; at end of
    /// input or on error (recorded) sets `endOfInput` and returns 0 or -1.
    private func readSome(into target: UnsafeMutableRawPointer, _ count: Int) -> Int {
        if endOfInput { return 0 }
        var n: Int
        repeat {
            n = read(fd, target, count)
        } while n < 0 && errno == EINTR
        if n > 0 {
            stats.bytesIn += UInt64(n)
        } else {
            endOfInput = true
            if n < 0 {
                let err = errno
                damaged = true
                stats.errors.append(InputError(
                    code: .unreadable, source: source.displayName, offset: stats.bytesIn,
                    message: "read failed: \(String(cString: strerror(err))); "
                        + "the source is incomplete from here"))
            }
        }
        return n
    }

    /// Makes new decoded bytes available in `chunk[pos..<end]`. False at the end of the
    /// source (clean or not).
    private func refill() -> Bool {
        let buffer = inBuf.unsafelyUnwrapped
        guard isGzip else {
            let n = readSome(into: buffer, readChunk)
            guard n > 0 else { return false }
            stats.bytesDecoded += UInt64(n)
            chunk = UnsafeRawPointer(buffer)
            pos = 0
            end = n
            return true
        }
        let inflater = self.inflater.unsafelyUnwrapped
        let output = UnsafeMutableRawBufferPointer(start: outBuf, count: outputChunk)
        while !gzipStopped {
            if inStart == inEnd {
                inStart = 0
                inEnd = 0
                let n = readSome(into: buffer, readChunk)
                if n < 0 {
                    gzipStopped = true
                    return false
                }
                if n == 0 {
                    // zlib may still hold output for input it already took (the rest of a
                    // match when the output buffer filled up): drain it before the end.
                    let (_, produced, failure) = inflater.inflate(UnsafeRawBufferPointer(start: nil, count: 0), into: output)
                    if let failure {
                        gzipStopped = true
                        stats.errors.append(failure.error)
                        damaged = failure.midMember
                    }
                    if produced > 0 {
                        stats.bytesDecoded += UInt64(produced)
                        chunk = UnsafeRawPointer(outBuf)
                        pos = 0
                        end = produced
                        return true
                    }
                    if gzipStopped { return false }
                    gzipStopped = true
                    if let failure = inflater.finish() {
                        stats.errors.append(failure.error)
                        damaged = failure.midMember
                    }
                    return false
                }
                inEnd = n
            }
            let input = UnsafeRawBufferPointer(start: buffer + inStart, count: inEnd - inStart)
            let (used, produced, failure) = inflater.inflate(input, into: output)
            inStart += used
            if used == 0 && produced == 0 && failure == nil {
                // Cannot happen with zlib (input and output space give progress); never spin.
                gzipStopped = true
                damaged = true
                stats.errors.append(InputError(
                    code: .corruptGzip, source: source.displayName, offset: inflater.consumed,
                    message: "gzip decoding made no progress; the source is incomplete from here"))
                return false
            }
            if let failure {
                gzipStopped = true
                stats.errors.append(failure.error)
                damaged = failure.midMember
            }
            if produced > 0 {
                stats.bytesDecoded += UInt64(produced)
                chunk = UnsafeRawPointer(outBuf)
                pos = 0
                end = produced
                return true
            }
        }
        return false
    }
}
