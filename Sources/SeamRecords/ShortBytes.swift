/// Equality of short byte runs (keys, service and event names) without a call into libc.
///
/// `memcmp` through the PLT costs a call and a length dispatch for every key compare; the names
/// compared here are mostly under 16 bytes, where two overlapping word loads settle it. Reads
/// only `a[0..<count]` and `b[0..<count]` (loads overlap inside the runs, never past them).
@usableFromInline
package enum ShortBytes {
    /// Whether `a[0..<count]` and `b[0..<count]` hold the same bytes. O(count / 8).
    @inlinable @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        if count >= 8 {
            var i = 0
            while i &+ 8 < count {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i &+= 8
            }
            // The last 8 bytes (overlapping the word before when count is no multiple of 8).
            return a.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
        }
        if count >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
                == b.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
        }
        if count == 0 { return true }
        // 1...3 bytes: positions 0, count/2 and count-1 cover them all.
        let p = a.assumingMemoryBound(to: UInt8.self), q = b.assumingMemoryBound(to: UInt8.self)
        let mid = count &>> 1
        return p[0] == q[0] && p[mid] == q[mid] && p[count &- 1] == q[count &- 1]
    }

    /// Whether two byte buffers are equal (same count and bytes).
    @inlinable @inline(__always)
    @_spi(SeamStages) public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        return equal(a.baseAddress!, b.baseAddress!, a.count)
    }
}
