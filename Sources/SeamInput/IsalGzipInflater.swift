import CSeamCodecs

/// Streaming gzip decoder over ISA-L's `isal_inflate` (gzip framing: header, deflate, CRC-32 and
/// ISIZE checked by ISA-L), multi-member, for clean members only.
///
/// ISA-L's verdicts on damage are not zlib's (it notices at other offsets, writes a few bytes
/// past a bad symbol, holds back the last bytes of a cut stream), so Seam never reports them:
/// on any ISA-L error, on a cut member, on a header zlib might judge otherwise (reserved flags,
/// a header CRC, a header not whole in the first input) and on whatever follows a member that
/// is not another member, it stops and returns a `HandOver`: the offset where zlib
/// (`GzipInflater`) resumes (the member's start, or the byte after the last member) and how many
/// of the member's bytes were already handed out, with their CRC-32. `DecodeFeed` re-reads from
/// there with zlib, skips those bytes (checking them) and goes on with zlib's verdict. The
/// output of the call that met the damage is never handed out.
///
/// One known difference is left (measured: about 1 in 7,000 random corruptions of a deflate
/// stream): ISA-L accepts some invalid block headers (incomplete Huffman codes) that zlib
/// rejects, and decodes on; such a member then fails its CRC and zlib's verdict is reported,
/// but lines decoded from the bad block were already read. `DecodeFeed` says so in the error.
///
/// The ISA-L state (about 50 KiB) is allocated once; `reset` reuses it per member.
final class IsalGzipInflater {
    /// Where zlib takes over.
    struct HandOver: Equatable {
        /// Source offset zlib starts reading at.
        var offset: UInt64
        /// zlib starts between members (after a complete one), not at a member's header.
        var betweenMembers: Bool
        /// Bytes of the member already handed out: zlib's first ones are skipped.
        var skip: UInt64
        /// CRC-32 of those bytes.
        var skipCRC: UInt32
    }

    private let state: UnsafeMutableRawPointer
    private var stopped = false
    /// Compressed bytes consumed so far, across members.
    private(set) var consumed: UInt64 = 0
    private var memberStart: UInt64 = 0
    /// The current member's bytes handed out, and their CRC-32 (ISA-L's running check).
    private var memberDelivered: UInt64 = 0
    private var deliveredCRC: UInt32 = 0
    /// At a member's first byte, its header not looked at yet.
    private var atMemberStart = true

    /// Nil when ISA-L is absent.
    init?() {
        guard let s = seam_isal_create() else { return nil }
        state = s
    }

    deinit { seam_isal_free(state) }

    /// Decodes `input` into `output` until the input is used up, the output is full, or zlib
    /// must take over. Unconsumed input (output full) must be passed again.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        -> (consumed: Int, produced: Int, handOver: HandOver?)
    {
        var inPos = 0
        var outPos = 0
        while !stopped {
            if atMemberStart {
                guard inPos < input.count else { return (inPos, outPos, nil) }
                // A member begins with 1f 8b 08 and flags zlib and ISA-L read alike (no reserved
                // bits, no header CRC), its first 4 bytes at hand; anything else goes to zlib.
                let at = inPos
                guard at + 3 < input.count, input[at] == 0x1F, input[at + 1] == 0x8B, input[at + 2] == 8,
                      input[at + 3] & 0xE2 == 0
                else { return handOver(inPos, outPos, at: consumed, betweenMembers: input[at] != 0x1F, delivered: false) }
                atMemberStart = false
                memberStart = consumed
                memberDelivered = 0
                deliveredCRC = 0
            }
            let availOut = output.count - outPos
            if availOut == 0 { return (inPos, outPos, nil) }
            var used: UInt32 = 0, produced: UInt32 = 0, finished: Int32 = 0
            // Safe: C interop; ISA-L reads and writes within the counts passed with each pointer.
            let inBase = input.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) + inPos }
            let rc = seam_isal_inflate(
                state, inBase, UInt32(input.count - inPos),
                output.baseAddress!.assumingMemoryBound(to: UInt8.self) + outPos, UInt32(availOut),
                &used, &produced, &finished)
            guard rc == 0 else {
                // Damage: zlib re-reads the member; this call's output is not handed out.
                return handOver(inPos, outPos, at: memberStart, betweenMembers: false, delivered: true)
            }
            inPos += Int(used)
            outPos += Int(produced)
            consumed += UInt64(used)
            memberDelivered += UInt64(produced)
            deliveredCRC = seam_isal_crc(state)
            if finished != 0 {
                seam_isal_reset(state)
                atMemberStart = true
                continue
            }
            if used == 0 && produced == 0 {
                // Needs more input (ISA-L took what it could), or output space.
                return (inPos, outPos, nil)
            }
            if inPos == input.count || outPos == output.count { return (inPos, outPos, nil) }
        }
        return (inPos, outPos, nil)
    }

    /// Ends the input: a member begun but not complete goes to zlib (for its exact truncation
    /// verdict); nil when the input ended after a complete member.
    func finish() -> HandOver? {
        guard !stopped else { return nil }
        stopped = true
        guard !atMemberStart else { return nil }
        return HandOver(offset: memberStart, betweenMembers: false, skip: memberDelivered, skipCRC: deliveredCRC)
    }

    /// Stops; zlib goes on at `offset`, skipping the member's bytes handed out when `delivered`
    /// (it starts inside the member), none at a member's first byte.
    private func handOver(_ inPos: Int, _ outPos: Int, at offset: UInt64, betweenMembers: Bool, delivered: Bool)
        -> (consumed: Int, produced: Int, handOver: HandOver?)
    {
        stopped = true
        return (inPos, outPos, HandOver(offset: offset, betweenMembers: betweenMembers,
                                        skip: delivered ? memberDelivered : 0, skipCRC: delivered ? deliveredCRC : 0))
    }
}
