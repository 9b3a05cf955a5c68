@_spi(SeamStages) import SeamRecords

/// Hashes a decimal number by its value: sign, significant digits and normalised exponent, so
/// that `1250`, `1250.0`, `"1.25e3"` and `+1250` hash alike, as `check` holds them equal
/// (`DecimalText`, SEMANTICS.md). Zero of any sign or form is one value.
enum DecimalHash {
    /// The value hash, or nil when the text is not a decimal number in `DecimalText`'s grammar
    /// (`[+-]?digits[.digits][(e|E)[+-]digits]`) or its exponent has more than 15 digits.
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
        // One grammar with `check`: DecimalText's parser finds the parts.
        guard let d = DecimalText.Parsed(UnsafeRawBufferPointer(start: p, count: n)),
              d.expEnd - d.expStart <= 15 else { return nil }
        if d.first < 0 { return ValueHash.finalise(0x2E30) }  // zero
        var exponent: Int64 = 0
        for s in d.expStart..<d.expEnd { exponent = exponent * 10 + Int64(d.p[s] &- 0x30) }
        if d.expNegative { exponent = -exponent }
        let intLen = d.intEnd - d.intStart
        // value = 0.d[first...last] x 10^(intLen - first + exponent)
        var h = ValueHash.finalise(ValueHash.seed ^ (d.negative ? 0x2D : 0x2B))
        var chunk: UInt64 = 0
        var inChunk = 0
        for k in d.first...d.last {
            chunk = chunk &* 10 &+ UInt64(DecimalText.Parsed.digitAt(d.p, d.intStart, d.intEnd, d.fracStart, k))
            inChunk += 1
            if inChunk == 18 {
                h = ValueHash.finalise(h ^ chunk)
                chunk = 0
                inChunk = 0
            }
        }
        h = ValueHash.finalise(h ^ chunk ^ (UInt64(inChunk) << 60))
        h ^= UInt64(bitPattern: Int64(intLen - d.first) &+ exponent) &* 0xC2B2_AE3D_27D4_EB4F
        let f = ValueHash.finalise(h)
        return f == 0 ? 1 : f
    }
}
