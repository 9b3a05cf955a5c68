/// Byte tests on 8 bytes at a time ("SIMD within a register").
///
/// Each mask has bit 7 of a byte lane set for a match. Lanes above the lowest match may hold
/// false positives (borrow propagation), so callers only use the lowest set bit.
@_spi(SeamStages) public enum SWAR {
    @inlinable @_spi(SeamStages) public static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @inlinable @_spi(SeamStages) public static var highs: UInt64 { 0x8080_8080_8080_8080 }

    /// Lanes equal to `byte`.
    @inlinable @inline(__always)
    @_spi(SeamStages) public static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// Lanes below `byte` (byte <= 128).
    @inlinable @inline(__always)
    @_spi(SeamStages) public static func less(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        (word &- ones &* UInt64(byte)) & ~word & highs
    }

    /// Lanes that end or interrupt a JSON string: `"`, `\` or a control byte (< 0x20).
    @inlinable @inline(__always)
    @_spi(SeamStages) public static func stringStop(_ word: UInt64) -> UInt64 {
        equal(word, 0x22) | equal(word, 0x5C) | less(word, 0x20)
    }
}
