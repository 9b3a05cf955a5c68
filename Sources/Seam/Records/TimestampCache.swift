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
            return Timestamp.rfc3339Tail(bytes, seconds: seconds)
        }
        if let s = Timestamp.rfc3339Seconds(bytes) {
            (head, middle, tail, seconds, valid) = (h, m, t, s, true)
            return Timestamp.rfc3339Tail(bytes, seconds: s)
        }
        return Timestamp.parse(bytes, isNumber: false)
    }
}
