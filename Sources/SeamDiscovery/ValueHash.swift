/// A 64-bit hash of bytes with a fixed seed, so that sketches and samples are the same run after
/// run (Swift's `Hasher` is seeded per process). Eight bytes at a time with a multiply-xorshift
/// mix and a SplitMix64 finaliser: uniform enough for bottom-k estimates; not for adversaries.
///
/// Numbers hash by value (`DecimalHash`), so `"45.00"` and `45.0` give one hash, as they agree in
/// `check` (SEMANTICS.md). Little-endian loads: equal on every machine Seam builds for.
enum ValueHash {
    static let seed: UInt64 = 0x5EA4_D15C_0000_0016

    @inline(__always)
    static func finalise(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The hash of `count` bytes at `p`, continuing from `state` (chain calls to hash pieces).
    @inline(__always)
    static func combine(_ state: UInt64, _ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h = state ^ (UInt64(truncatingIfNeeded: count) &* 0xFF51_AFD7_ED55_8CCD)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ (w &* 0x9E37_79B9_7F4A_7C15)).rotateLeft(27) &* 0xC2B2_AE3D_27D4_EB4F
            i += 8
        }
        if i < count {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                w |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ (w &* 0x9E37_79B9_7F4A_7C15)).rotateLeft(27) &* 0xC2B2_AE3D_27D4_EB4F
        }
        return h
    }

    /// The finished hash of the bytes (never 0: 0 marks an empty slot in tables).
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ count: Int, seed: UInt64 = seed) -> UInt64 {
        let h = finalise(combine(seed, p, count))
        return h == 0 ? 1 : h
    }

    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = seed) -> UInt64 {
        guard let b = bytes.baseAddress else {
            var zero: UInt8 = 0
            return hash(&zero, 0, seed: seed)
        }
        return hash(b.assumingMemoryBound(to: UInt8.self), bytes.count, seed: seed)
    }

    static func hash(_ text: String, seed: UInt64 = seed) -> UInt64 {
        var t = text
        return t.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// The value's hash as `check` compares it: by decimal value when it is a number, else by text.
    @inline(__always)
    static func value(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        if count > 0, let h = DecimalHash.hash(p, count) { return h }
        return hash(p, count)
    }
}

extension UInt64 {
    @inline(__always) func rotateLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
