import CZlib

/// Streaming gzip decoder over one zlib `z_stream`, multi-member, with compressed byte offsets.
///
/// Feed it input in any chunking with `inflate(_:into:)`; call `finish()` at end of input.
/// Between members it looks at the next byte: `1f` starts another member (`inflateReset`),
/// `00` starts trailing padding, anything else is trailing garbage.
///
/// Policies (like GNU gzip, but never silent about lost data):
/// - All-zero bytes after a complete member (tape/block padding) are accepted and ignored,
///   no error. A non-zero byte after such padding is trailing garbage.
/// - Trailing garbage (data after a complete member that is neither padding nor a gzip
///   header) is an `InputError(.corruptGzip)` at its offset; decoding stops there, and every
///   line decoded before it is complete (`midMember == false`).
/// - End of input inside a member is `.truncatedGzip` at the end offset.
/// - Invalid deflate data, a bad header, a bad CRC or length is `.corruptGzip` at the offset
///   where zlib noticed it (it reads a few bytes ahead, so the offset is approximate).
///
/// Each member's CRC-32 and length are checked here (`GzipMemberCheck`), not inside zlib, so a
/// faster CRC-32 can do it; a member whose header carries its own CRC (FHCRC, rare), or whose
/// flags byte is not in the first input it is given, is left to zlib to check whole.
///
/// The `z_stream` is allocated once and never moves (zlib keeps a pointer back to it).
/// `inflateReset` zeroes `total_in`, so consumed bytes are counted here.
final class GzipInflater {
    /// A decoding failure and whether it happened inside a member (the last partial line is
    /// then incomplete) or after a complete one (trailing garbage).
    struct Failure {
        var error: InputError
        var midMember: Bool
    }

    private enum State {
        case member
        case betweenMembers
        case padding
        case stopped
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let sourceName: String
    private var state: State = .member
    private var initialized = false
    /// Compressed bytes consumed so far, across members.
    private(set) var consumed: UInt64 = 0
    /// Compressed bytes consumed by the current member (to tell an empty tail from a cut member).
    private var memberBytes: UInt64 = 0
    /// A member was started (init or reset) and who checks it is not decided yet.
    private var memberStarting = true
    /// Whether `check` checks the current member (else zlib does).
    private var selfChecking = false
    private var check: GzipMemberCheck

    /// Creates the zlib state (windowBits 15+32: gzip or zlib header, 32 KiB window).
    /// `crc`: the CRC-32 kernel for member checks.
    /// `startingAt`: the source offset of the first byte it is given (when ISA-L hands a source
    /// over mid-way); `betweenMembers`: that byte follows a complete member.
    init(sourceName: String, crc: GzipMemberCheck.Kernel = .preferred, startingAt: UInt64 = 0,
         betweenMembers: Bool = false) {
        self.sourceName = sourceName
        consumed = startingAt
        if betweenMembers { state = .betweenMembers }
        check = GzipMemberCheck(kernel: crc)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if initialized { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decodes from `input` into `output` until the input is used up, the output is full,
    /// or a failure. Returns how many bytes were consumed and produced.
    ///
    /// Unconsumed input (output full) must be passed again on the next call. After a failure
    /// every later call consumes and produces nothing.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        -> (consumed: Int, produced: Int, failure: Failure?)
    {
        var inPos = 0
        var outPos = 0
        while true {
            switch state {
            case .stopped:
                return (inPos, outPos, nil)
            case .member:
                if !initialized {
                    let rc = seam_inflateInit2(stream, 15 + 32)
                    guard rc == Z_OK else {
                        state = .stopped
                        return (inPos, outPos, failure(mid: true, "zlib could not start (code \(rc))"))
                    }
                    initialized = true
                }
                let availIn = input.count - inPos
                let availOut = output.count - outPos
                if availOut == 0 { return (inPos, outPos, nil) }
                if memberStarting { startMember(input, at: inPos) }
                // Safe: C interop; zlib reads at most `avail_in` bytes from `input[inPos...]` and
                // writes at most `avail_out` into `output[outPos...]`, both counted from the buffers.
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: input.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) + inPos })
                stream.pointee.avail_in = UInt32(availIn)
                stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self) + outPos
                stream.pointee.avail_out = UInt32(availOut)
                let rc = CZlib.inflate(stream, Z_NO_FLUSH)
                let usedIn = availIn - Int(stream.pointee.avail_in)
                let usedOut = availOut - Int(stream.pointee.avail_out)
                if selfChecking {
                    if usedOut > 0 { check.produced(output.baseAddress! + outPos, usedOut) }
                    if usedIn > 0 { check.consumed(input.baseAddress! + inPos, usedIn) }
                }
                inPos += usedIn
                outPos += usedOut
                consumed += UInt64(usedIn)
                memberBytes += UInt64(usedIn)
                switch rc {
                case Z_OK:
                    if inPos == input.count || outPos == output.count { return (inPos, outPos, nil) }
                case Z_BUF_ERROR:
                    // No progress possible: needs more input (output space was > 0).
                    return (inPos, outPos, nil)
                case Z_STREAM_END:
                    if selfChecking, let failure = trailerFailure() {
                        state = .stopped
                        return (inPos, outPos, failure)
                    }
                    state = .betweenMembers
                default:
                    state = .stopped
                    return (inPos, outPos, dataFailure(rc))
                }
            case .betweenMembers:
                guard inPos < input.count else { return (inPos, outPos, nil) }
                let b = input[inPos]
                if b == 0x1f {
                    if initialized { inflateReset(stream) }
                    memberBytes = 0
                    memberStarting = true
                    state = .member
                } else if b == 0 {
                    state = .padding
                } else {
                    state = .stopped
                    return (inPos, outPos, failure(
                        mid: false,
                        "trailing garbage after the last complete gzip member was ignored; "
                            + "the lines before it are complete"))
                }
            case .padding:
                while inPos < input.count && input[inPos] == 0 {
                    inPos += 1
                    consumed += 1
                }
                guard inPos < input.count else { return (inPos, outPos, nil) }
                state = .stopped
                return (inPos, outPos, failure(
                    mid: false,
                    "trailing garbage after zero padding after the last gzip member was ignored; "
                        + "the lines before it are complete"))
            }
        }
    }

    /// Ends the input: a member that has started but not ended is a truncation.
    func finish() -> Failure? {
        guard state == .member, memberBytes > 0 else {
            state = .stopped
            return nil
        }
        state = .stopped
        if selfChecking, let f = cutTrailerFailure() { return f }
        return failure(
            .truncatedGzip, mid: true,
            "the gzip stream ends inside a member (truncated); the lines before it were read, "
                + "its incomplete last line is rejected")
    }

    /// Decides who checks the member starting at `input[at...]`: Seam, unless its header has a
    /// CRC of its own (FLG bit 1) or its FLG byte is not in `input`; then zlib checks it all.
    private func startMember(_ input: UnsafeRawBufferPointer, at: Int) {
        memberStarting = false
        selfChecking = at + 3 < input.count && input[at + 3] & 0x02 == 0
        inflateValidate(stream, selfChecking ? 0 : 1)
        check.start()
    }

    /// The trailer of a self-checked member against its output, as zlib would report it: a bad
    /// CRC-32 where the CRC field ends, a bad length where the member ends.
    private func trailerFailure() -> Failure? {
        switch check.verdict() {
        case .intact: return nil
        case .badCRC: return checkFailure("incorrect data check", offset: consumed - 4)
        case .badLength: return checkFailure("incorrect length check", offset: consumed)
        }
    }

    /// A self-checked member cut inside its trailer after the whole CRC-32 field, with a wrong
    /// CRC-32: corruption (as zlib, checking itself, reports it), else nil (truncation).
    /// zlib keeps the trailer bytes it took to itself, so how many it has is found by giving it
    /// zero bytes, one at a time, until the member ends (with checks off it looks at none of them).
    private func cutTrailerFailure() -> Failure? {
        // In the trailer: the last block was decoded (data_type bit 64) and inflate is outside
        // any block (inflateMark's upper half -1).
        guard stream.pointee.data_type & 64 != 0, inflateMark(stream) >> 16 == -1 else { return nil }
        var zero: UInt8 = 0, out: UInt8 = 0
        // Safe: C interop; one byte in, one byte out, as `avail_in`/`avail_out` say.
        for fed in 1...8 {
            let rc = withUnsafeMutablePointer(to: &zero) { z in
                withUnsafeMutablePointer(to: &out) { o -> Int32 in
                    stream.pointee.next_in = z
                    stream.pointee.avail_in = 1
                    stream.pointee.next_out = o
                    stream.pointee.avail_out = 1
                    return CZlib.inflate(stream, Z_NO_FLUSH)
                }
            }
            if stream.pointee.avail_out == 0 { return nil }  // output: not in the trailer after all
            if rc == Z_STREAM_END {
                let have = 8 - fed
                guard check.cutTrailerHasBadCRC(have: have) else { return nil }
                return checkFailure("incorrect data check", offset: consumed - UInt64(have) + 4)
            }
            if rc != Z_OK { return nil }
        }
        return nil
    }

    /// "incorrect data check" / "incorrect length check": found at the member's trailer, after
    /// its lines were decoded.
    private func checkFailure(_ what: String, offset: UInt64) -> Failure {
        failure(
            mid: true, at: offset,
            "corrupt gzip data (\(what)); noticed at the end of the member, so lines "
                + "decoded before it may be affected")
    }

    private func dataFailure(_ rc: Int32) -> Failure {
        let zmsg = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
        if zmsg.contains("check") { return checkFailure(zmsg, offset: consumed) }
        return failure(
            mid: true,
            "corrupt gzip data (\(zmsg)); the lines before it were read, lines decoded shortly "
                + "before it may be affected")
    }

    /// A failure noticed at `offset` (default: the bytes consumed so far).
    private func failure(_ code: InputError.Code = .corruptGzip, mid: Bool, at offset: UInt64? = nil,
                         _ message: String) -> Failure {
        Failure(
            error: InputError(code: code, source: sourceName, offset: offset ?? consumed, message: message),
            midMember: mid)
    }
}
