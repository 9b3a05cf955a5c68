/// `Timestamp.parse` that remembers the last RFC 3339 date and time to the second.
///
/// Consecutive log lines mostly share `YYYY-MM-DDTHH:MM:SS`: when a time's first 19 bytes equal
/// the last checked prefix, only its fraction and zone are parsed. Same results as
/// `Timestamp.parse` for every input (a valid prefix, with `-` at byte 4, is never a decimal
/// number, so the epoch form cannot apply). One per decoder; O(1) extra per call.
struct TimestampCache {
    private var head: UInt64 = 0
    private var middle: UInt64 = 0
    private var tail: UInt32 = 0
    private var seconds: Int64 = 0
    private var valid = false

    mutating func parse(_ bytes: UnsafeRawBufferPointer, isNumber: Bool) -> Int64? {
        guard !isNumber, bytes.count >= 19 else { return Timestamp.parse(bytes, isNumber: isNumber) }
        let h = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let m = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let t = bytes.loadUnaligned(fromByteOffset: 15, as: UInt32.self)
        if valid && h == head && m == middle && t == tail {
            return Self.fractionZ(bytes, seconds: seconds) ?? Timestamp.rfc3339Tail(bytes, seconds: seconds)
        }
        if let s = Timestamp.rfc3339Seconds(bytes) {
            (head, middle, tail, seconds, valid) = (h, m, t, s, true)
            return Self.fractionZ(bytes, seconds: s) ?? Timestamp.rfc3339Tail(bytes, seconds: s)
        }
        return Timestamp.parse(bytes, isNumber: false)
    }

    /// The commonest tail, `.` and 1 to 9 fraction digits then `Z`, read 8 digits at once;
    /// nil for any other tail (and for a fraction that is not all digits), which
    /// `Timestamp.rfc3339Tail` then reads (and rejects) byte by byte.
    @inline(__always)
    static func fractionZ(_ bytes: UnsafeRawBufferPointer, seconds: Int64) -> Int64? {
        let n = bytes.count
        let k = n &- 21  // fraction digits: 19 bytes, the dot, the digits, the Z
        guard k >= 1 && k <= 9 else { return nil }
        let p = bytes.baseAddress!
        let dot = p.load(fromByteOffset: 19, as: UInt8.self), z = p.load(fromByteOffset: n &- 1, as: UInt8.self)
        guard dot == UInt8(ascii: ".") || dot == UInt8(ascii: ","), z == UInt8(ascii: "Z") || z == UInt8(ascii: "z") else {
            return nil
        }
        // The 8 bytes ending at the last digit, the ones before the fraction made "0".
        var word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: n &- 9, as: UInt64.self))
        let kept = min(k, 8)
        if kept < 8 {
            let low: UInt64 = (1 << UInt64(8 &* (8 &- kept))) &- 1
            word = (word & ~low) | (0x3030_3030_3030_3030 & low)
        }
        // Every byte 0x30...0x39: high nibble 3, low nibble + 6 without carry.
        guard word & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
              ((word & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0 else { return nil }
        var v = word & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        var fraction = Int64(v)
        if k == 9 {
            let first = p.load(fromByteOffset: 20, as: UInt8.self) &- 0x30
            guard first < 10 else { return nil }
            fraction &+= Int64(first) &* 100_000_000
        } else {
            fraction &*= scale(9 &- k)
        }
        return Timestamp.nanoseconds(seconds: seconds, fraction: fraction)
    }

    /// 10^e for e in 0...8 (a switch: no array, no lazy global).
    @inline(__always)
    private static func scale(_ e: Int) -> Int64 {
        switch e {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1_000
        case 4: return 10_000
        case 5: return 100_000
        case 6: return 1_000_000
        case 7: return 10_000_000
        default: return 100_000_000
        }
    }
}
