@_spi(SeamStages) import SeamCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one source (plain or gzip) and frames it into lines, without a copy per line.
///
/// Opens lazily on the first `next()`, reads with `read(2)` into a reused 256 KiB buffer,
/// detects gzip by its magic bytes `1f 8b` (not by name; an empty file is an empty plain
/// source), inflates into a reused 1 MiB buffer, and frames lines with its own vector scan
/// (`lineEnd`: the `\n` and control bytes in one pass). A line is returned in place; only a
/// line crossing a buffer boundary is copied, into one reused carry buffer of at most
/// `maxLineLength + 1` bytes (it starts at 64 KiB and doubles; growing it frees the old block,
/// so no pointer into `carry` is kept across `appendCarry`). Memory does not grow with the
/// source.
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
/// Threading: with `pipelined`, a gzip source is inflated on a thread of its own
/// (`InflatePipeline`, 4 x 256 KiB chunks ahead) while the caller frames and parses; results
/// are the same, byte for byte. The reader itself is used from one thread at a time.
///
/// Errors (open, read, gzip) go to `stats.errors`; after one, the lines decoded before it are
/// still returned, then `next()` returns nil. `stats.lines` counts every framed line, rejected
/// or not; the record stage adds `events` and its own rejections to the same `stats`.
///
/// Raw memory (asserted in debug builds where pointers are formed: `next`, `appendCarry`,
/// `present`): `0 <= pos <= end`, and `chunk[0..<end]` is readable (it is `inBuf`, `outBuf`, a
/// pipeline slot or `newline`, each at least `end` bytes); `carryLength <= carryCapacity <=
/// maxLineLength + 1` (a longer line is discarded, never held); a line handed out points into
/// `chunk` or `carry` and is valid until the next `next()` (the carry may move when it grows).
/// The reader owns `inBuf`, `outBuf` and `carry` and frees them in `close()`.
@_spi(SeamStages) public final class LineReader {
    /// The source being read.
    @_spi(SeamStages) public let source: SourceDescriptor
    /// Longest line accepted, in bytes without the line end: the value given, at most
    /// `maxLineLengthLimit`.
    @_spi(SeamStages) public let maxLineLength: Int
    /// The largest `maxLineLength` honoured (1 GiB); a larger one is clamped to it. A line is
    /// held whole in memory, the record stage addresses fields with 32-bit offsets, and the
    /// framing arithmetic (`maxLineLength + 1`, carry + chunk) then cannot overflow.
    @_spi(SeamStages) public static let maxLineLengthLimit = 1 << 30
    /// Counts for this source; the record stage adds `events` and its rejections.
    @_spi(SeamStages) public var stats = SourceStats()
    /// True once the source was found to start with the gzip magic bytes.
    @_spi(SeamStages) public private(set) var isGzip = false
    /// True once the source was found to start with a zstd frame (or a skippable frame).
    @_spi(SeamStages) public private(set) var isZstd = false
    /// The gzip inflater asked for (a pipe, which cannot be read twice, always gets zlib: see
    /// `DecodeFeed`); `stats.inflater` says which one decoded the source.
    @_spi(SeamStages) public let inflater: Inflater
    /// Set before the first `next()` to follow a plain file past its end (`watch --follow`):
    /// at the end of what was written, `next()` waits in the follower for more (rotation and
    /// truncation included) instead of ending. A gzip file is read once, as it is.
    @_spi(SeamStages) public var follower: FollowedFile?

    private enum State { case unopened, reading, ended, closed }

    private let readChunk: Int
    private let outputChunk: Int
    /// The carry buffer's first size; it doubles from there.
    private let initialCarry: Int
    private var state: State = .unopened
    private let pipelined: Bool
    private var fd: Int32 = -1
    /// Gzip decoding run inline (owns the input buffer once gzip is detected).
    private var feed: DecodeFeed?
    /// Gzip decoding on its own thread (`pipelined`).
    private var pipeline: InflatePipeline?
    /// Raw input buffer of a plain source (`readChunk` bytes).
    private var inBuf: UnsafeMutableRawPointer?
    /// Inflated output buffer (inline gzip only).
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

    /// Creates a reader; nothing is opened until the first `next()`.
    ///
    /// - Parameter maxLineLength: >= 0; above `maxLineLengthLimit` it is clamped to it.
    /// - Parameter pipelined: inflate a gzip source on a second thread (see the type's notes).
    /// - Parameter inflater: the gzip inflater (`Inflater.preferred`: ISA-L where it loads).
    @_spi(SeamStages) public convenience init(source: SourceDescriptor, maxLineLength: Int = 1 << 20, pipelined: Bool = false,
                            inflater: Inflater = .preferred) {
        // Reads of 64 KiB and inflate output in 256 KiB chunks: a source's buffers then take
        // 0.3 MiB, not 1.25 (3-4 MiB less peak memory over a run's sources), and a chunk stays in
        // cache while the scan reads it (ISA-L, zstd and plain files: 1-3% less CPU, session 9).
        // zlib keeps 256 KiB and 1 MiB: each call ending early (its input used up, its output
        // full) costs it a slow-path tail and a copy of its 32 KiB window (2-6% with the small ones).
        let zlib = inflater.usable == .zlib
        self.init(source: source, maxLineLength: maxLineLength, readChunk: zlib ? 256 << 10 : 64 << 10,
                  outputChunk: zlib ? 1 << 20 : 256 << 10,
                  pipelined: pipelined, inflater: inflater)
    }

    /// Test seam: `readChunk` bounds each `read(2)`, `outputChunk` each inflate output and
    /// `initialCarry` the carry buffer's first size, so tests can force lines and gzip members
    /// across every kind of boundary and small inputs through every carry growth step.
    /// With `pipelined`, chunks are `min(outputChunk, 256 KiB)`: small enough to stay in cache
    /// between the two threads.
    ///
    /// For tests and the fuzz targets (`package`: release builds cannot `@testable import`);
    /// use `init(source:maxLineLength:pipelined:)` otherwise.
    @_spi(SeamStages) public init(source: SourceDescriptor, maxLineLength: Int, readChunk: Int, outputChunk: Int,
                initialCarry: Int = 64 << 10, pipelined: Bool = false, inflater: Inflater = .preferred) {
        precondition(maxLineLength >= 0 && readChunk > 0 && outputChunk > 0 && initialCarry > 0)
        self.source = source
        self.maxLineLength = min(maxLineLength, LineReader.maxLineLengthLimit)
        self.readChunk = readChunk
        self.outputChunk = outputChunk
        self.initialCarry = initialCarry
        self.pipelined = pipelined
        self.inflater = inflater.usable
    }

    deinit { close() }

    /// Releases the file descriptor, zlib state and buffers. Idempotent; `next()` then
    /// returns nil. Standard input's descriptor is left open.
    @_spi(SeamStages) public func close() {
        // The inflate thread reads the descriptor: stop it first.
        pipeline?.stop()
        pipeline = nil
        feed = nil
        if fd > 0 || (fd == 0 && source.location != .standardInput) { _ = Glibc.close(fd) }
        fd = -1
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
    @_spi(SeamStages) public func next() -> LineItem? {
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
            assert(pos >= 0 && pos <= end, "framing position outside the chunk")
            if pos < end {
                // Safe: `chunk[pos..<end]` is readable (the type's invariant; `present` set it).
                let base = chunk!
                let start = UnsafeRawPointer(base + pos)
                let available = end - pos
                var binary = false
                if let length = LineReader.lineEnd(start, available, binary: &binary) {
                    pos += length + 1
                    lineNumber += 1
                    stats.lines = lineNumber
                    if discarding {
                        discarding = false
                        return reject(.tooLong)
                    }
                    if carryLength == 0 { return frame(start, length, binary: binary) }
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
                return frame(UnsafeRawPointer(carry!), length)
            }
        }
    }

    /// True when the next `next()` returns without reading: a complete line (or the end) is
    /// already buffered. `watch` hands a batch over when this turns false, so a live pipe's
    /// findings are never held back waiting for more input. O(line length).
    @_spi(SeamStages) public var hasBufferedLine: Bool {
        switch state {
        case .unopened, .reading: break
        case .ended, .closed: return true
        }
        guard state == .reading, pos < end, let base = chunk else { return false }
        // Safe: C interop; `chunk[pos..<end]` is readable (the type's invariant).
        return memchr(base + pos, 0x0A, end - pos) != nil
    }

    // MARK: - Framing

    /// Completes a line whose start is in `carry` with `length` bytes at `start`.
    private func finishCarried(_ start: UnsafeRawPointer, _ length: Int) -> LineItem {
        let total = carryLength + length
        let endsWithCR = length > 0
            ? start.load(fromByteOffset: length - 1, as: UInt8.self) == 0x0D
            : carry!.load(fromByteOffset: carryLength - 1, as: UInt8.self) == 0x0D
        if total - (endsWithCR ? 1 : 0) > maxLineLength {
            carryLength = 0
            return reject(.tooLong)
        }
        appendCarry(start, length)
        carryLength = 0
        // Read `carry` only now: `appendCarry` may have moved it (and freed the old block).
        return frame(UnsafeRawPointer(carry!), total)
    }

    /// Classifies one line (`length` bytes at `start`, `\n` excluded). `binary`: whether the
    /// line holds a control byte, when the caller already knows (nil: look).
    @inline(__always)
    private func frame(_ start: UnsafeRawPointer, _ length: Int, binary: Bool? = nil) -> LineItem {
        var length = length
        if length > 0 && start.load(fromByteOffset: length - 1, as: UInt8.self) == 0x0D { length -= 1 }
        if length > maxLineLength { return reject(.tooLong) }
        let bytes = UnsafeRawBufferPointer(start: start, count: length)
        if binary ?? LineReader.containsControl(bytes) { return reject(.binary) }
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
        // Callers hold no line longer than maxLineLength + 1 (`next` discards, `finishCarried` rejects).
        assert(length >= 0 && needed <= maxLineLength + 1, "carry past maxLineLength + 1")
        if needed > carryCapacity {
            // Grows by doubling; never past maxLineLength + 1 (longer lines are discarded).
            var capacity = max(carryCapacity * 2, initialCarry)
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
        assert(needed <= carryCapacity && carryCapacity <= maxLineLength + 1, "carry buffer too small or too big")
        // Safe: `needed <= carryCapacity` (asserted above); `start` is a line in `chunk`, not in `carry`.
        (carry! + carryLength).copyMemory(from: start, byteCount: length)
        carryLength = needed
    }

    /// Bytes reserved for lines crossing buffer boundaries (tests: never past maxLineLength + 1).
    @_spi(SeamStages) public var carryCapacityForTesting: Int { carryCapacity }

    /// Control bytes that make a line binary: 00-08, 0E-1A, 1C-1F (bit set = rejected).
    @usableFromInline static let controlMask: UInt32 = 0xF7FF_C1FF

    @inline(__always)
    static func isControl(_ b: UInt8) -> Bool {
        b < 0x20 ? (controlMask >> UInt32(b)) & 1 != 0 : b == 0x7F
    }

    /// The length of the line starting at `start` (the offset of its `\n` among the `count`
    /// bytes), or nil when no `\n` is there; sets `binary` when a control byte comes before it.
    /// One pass finds both: 64 bytes at a time with vector compares for bytes < 0x20 or 0x7F,
    /// then 32; in a block with one (a tab, say) a word at a time (SWAR), then byte by byte.
    /// Instead of `memchr`, then a second pass.
    @inline(__always)
    static func lineEnd(_ start: UnsafeRawPointer, _ count: Int, binary: inout Bool) -> Int? {
        // Safe: every load lies in `start[0..<count]` (a block is loaded only when `i + 64` or
        // `i + 32 <= count`, a word only inside such a block).
        let space = SIMD16<UInt8>(repeating: 0x20), del = SIMD16<UInt8>(repeating: 0x7F)
        var i = 0
        // 64 bytes at a time while no block holds such a byte (most of a line), then 32.
        while i &+ 64 <= count {
            let a = start.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let b = start.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
            let c = start.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD16<UInt8>.self)
            let d = start.loadUnaligned(fromByteOffset: i &+ 48, as: SIMD16<UInt8>.self)
            if any((a .< space) .| (a .== del) .| (b .< space) .| (b .== del)
                   .| (c .< space) .| (c .== del) .| (d .< space) .| (d .== del)) { break }
            i &+= 64
        }
        while i &+ 32 <= count {
            let a = start.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let b = start.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
            if any((a .< space) .| (a .== del) .| (b .< space) .| (b .== del)) {
                // Mostly the block's one such byte is the line's `\n`: find the first byte below
                // 0x20 or equal to 0x7F a word at a time (`SWAR`: the lowest flagged lane is
                // exact), and go byte by byte only from a word where it is not `\n`.
                var from = i
                while from < i + 32 {
                    let w = start.loadUnaligned(fromByteOffset: from, as: UInt64.self).littleEndian
                    let low = SWAR.less(w, 0x20), dels = SWAR.equal(w, 0x7F)
                    if low | dels != 0 {
                        let at = from + low.trailingZeroBitCount / 8
                        if low.trailingZeroBitCount < dels.trailingZeroBitCount,
                           start.load(fromByteOffset: at, as: UInt8.self) == 0x0A { return at }
                        break
                    }
                    from &+= 8
                }
                for j in from..<(i &+ 32) {
                    let c = start.load(fromByteOffset: j, as: UInt8.self)
                    if c == 0x0A { return j }
                    if isControl(c) { binary = true }
                }
            }
            i &+= 32
        }
        while i < count {
            let c = start.load(fromByteOffset: i, as: UInt8.self)
            if c == 0x0A { return i }
            if isControl(c) { binary = true }
            i += 1
        }
        return nil
    }

    /// True when `bytes` holds a binary control byte: `lineEnd`'s scan, resumed past each `\n`.
    /// Used for lines that crossed a chunk (the others were checked while being found).
    static func containsControl(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var binary = false, at = 0
        while !binary, at < bytes.count, let n = lineEnd(base + at, bytes.count - at, binary: &binary) { at += n + 1 }
        return binary
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
            follower?.opened(fd: fd)
        }
        let capacity = max(readChunk, 4)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        inBuf = buffer
        state = .reading
        // The first bytes decide gzip (1f 8b), zstd (28 b5 2f fd, or a skippable frame's
        // 5X 2a 4d 18) or plain; a pipe may deliver them one at a time, so read on only while
        // what came is the start of one of those (a short first line on a live pipe is not held).
        var count = 0
        while count < LineReader.magicBytesNeeded(buffer, count) {
            let n = readSome(into: buffer + count, min(readChunk, capacity - count))
            if n <= 0 { break }
            count += n
        }
        let format = LineReader.format(buffer, count)
        if let format {
            isGzip = format == .gzip
            isZstd = format == .zstd
            // A pipe cannot be read again, which ISA-L's hand-over to zlib needs.
            let position = lseek(fd, 0, SEEK_CUR)
            // The feed owns the input buffer from here.
            inBuf = nil
            guard let feed = DecodeFeed(fd: fd, sourceName: source.displayName, format: format,
                                        inflater: inflater,
                                        fdStart: position >= 0 ? Int64(position) - Int64(stats.bytesIn) : nil, buffer: buffer,
                                        readChunk: capacity, filled: count, bytesIn: stats.bytesIn)
            else {
                buffer.deallocate()
                stats.errors.append(InputError(
                    code: .zstdUnavailable, source: source.displayName, offset: 0,
                    message: "zstd-compressed, and zstd support needs libzstd (`apt install libzstd1`, "
                        + "or `zstd -dc` it into Seam through stdin); not read"))
                return false
            }
            stats.inflater = feed.decoderName
            if pipelined && !endOfInput {
                pipeline = InflatePipeline(feed: feed, slotSize: min(outputChunk, 256 << 10))
            } else {
                self.feed = feed
                outBuf = UnsafeMutableRawPointer.allocate(byteCount: outputChunk, alignment: 16)
            }
        } else {
            stats.bytesDecoded += UInt64(count)
            chunk = UnsafeRawPointer(buffer)
            pos = 0
            end = count
        }
        return true
    }

    /// The magic numbers that decide a compressed stream: bytes and the mask each is compared
    /// under (a skippable zstd frame is `5X 2a 4d 18`). One table for both questions below.
    private static let magicNumbers: [(format: DecodeFeed.Format, bytes: [UInt8], mask: [UInt8])] = [
        (.gzip, [0x1F, 0x8B], [0xFF, 0xFF]),
        (.zstd, [0x28, 0xB5, 0x2F, 0xFD], [0xFF, 0xFF, 0xFF, 0xFF]),
        (.zstd, [0x50, 0x2A, 0x4D, 0x18], [0xF0, 0xFF, 0xFF, 0xFF]),
    ]

    /// Whether the first `min(count, magic's length)` bytes at `bytes` match `magic`.
    private static func begins(_ bytes: UnsafeRawPointer, _ count: Int, _ magic: [UInt8], _ mask: [UInt8]) -> Bool {
        // Safe: only offsets below `count` are loaded.
        for i in 0..<min(count, magic.count)
        where bytes.load(fromByteOffset: i, as: UInt8.self) & mask[i] != magic[i] { return false }
        return true
    }

    /// How many leading bytes decide the format, given the `count` read so far at `bytes`:
    /// `count` itself once those bytes begin no magic number (plain, decided now), else the
    /// length of the magic number they begin. Exact for files and pipes alike: no magic number
    /// holds a newline byte, so a complete first line, however short, never waits.
    static func magicBytesNeeded(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        guard count >= 1 else { return 1 }
        for m in magicNumbers where begins(bytes, count, m.bytes, m.mask) { return m.bytes.count }
        return count
    }

    /// gzip, zstd, or nil (plain) for the first `count` bytes at `bytes`.
    static func format(_ bytes: UnsafeRawPointer, _ count: Int) -> DecodeFeed.Format? {
        for m in magicNumbers where count >= m.bytes.count && begins(bytes, count, m.bytes, m.mask) { return m.format }
        return nil
    }

    /// One `read(2)` of at most `count` bytes (retrying EINTR). Counts `bytesIn`; at end of
    /// input or on error (recorded) sets `endOfInput` and returns 0 or -1.
    private func readSome(into target: UnsafeMutableRawPointer, _ count: Int) -> Int {
        if endOfInput { return 0 }
        var n: Int
        repeat {
            // Safe: C interop; every caller passes `count` bytes of `inBuf` at `target` (open: the
            // bytes after those read so far, `capacity - count`; refill: the whole `readChunk`).
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
        guard isGzip || isZstd else {
            let buffer = inBuf!
            var n = readSome(into: buffer, readChunk)
            while n == 0, let follower, !damaged {
                switch follower.awaitMore(fd: &fd, partialLine: carryLength > 0 || discarding) {
                case .more:
                    endOfInput = false
                    n = readSome(into: buffer, readChunk)
                case .lineEnd:
                    // Rotated or truncated under a partial line: it ends there, as a file's last line.
                    endOfInput = false
                    chunk = UnsafeRawPointer(LineReader.newline)
                    pos = 0
                    end = 1
                    return true
                case .ended:
                    return false
                }
            }
            guard n > 0 else { return false }
            return present(UnsafeRawPointer(buffer), n)
        }
        if let pipeline {
            guard let c = pipeline.next() else { return false }
            stats.bytesIn = c.bytesIn
            stats.inflater = c.decoder
            stats.errors.append(contentsOf: c.errors)
            if c.damaged { damaged = true }
            guard c.count > 0 else { return false }
            return present(pipeline.buffer(c.slot), c.count)
        }
        guard let feed else { return false }
        let errorsBefore = feed.errors.count
        let produced = feed.fill(UnsafeMutableRawBufferPointer(start: outBuf, count: outputChunk))
        stats.bytesIn = feed.bytesIn
        stats.inflater = feed.decoderName
        if feed.errors.count > errorsBefore { stats.errors.append(contentsOf: feed.errors[errorsBefore...]) }
        if feed.damaged { damaged = true }
        guard produced > 0 else { return false }
        return present(UnsafeRawPointer(outBuf), produced)
    }

    /// One `\n`, framed after a followed file's partial last line when the file is rotated.
    nonisolated(unsafe) private static let newline: UnsafeMutableRawPointer = {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        p.storeBytes(of: 0x0A, as: UInt8.self)
        return p
    }()

    /// Makes `count` decoded bytes at `bytes` the chunk being framed, and counts them.
    private func present(_ bytes: UnsafeRawPointer?, _ count: Int) -> Bool {
        assert(bytes != nil && count > 0 && count <= max(readChunk, outputChunk), "chunk larger than its buffer")
        stats.bytesDecoded += UInt64(count)
        chunk = bytes
        pos = 0
        end = count
        return true
    }
}
