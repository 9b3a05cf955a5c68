/// Hashes a decimal number by its value: sign, significant digits and normalised exponent, so
/// that `1250`, `1250.0`, `"1.25e3"` and `+1250` hash alike, as `check` holds them equal
/// (`DecimalText`, SEMANTICS.md). Zero of any sign or form is one value.
enum DecimalHash {
    /// The value hash, or nil when the text is not a decimal number in `DecimalText`'s grammar
    /// (`[+-]?digits[.digits][(e|E)[+-]digits]`) or its exponent has more than 15 digits.
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "+") || p[0] == UInt8(ascii: "-") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        let intStart = i
        while i < n && isDigit(p[i]) { i += 1 }
        let intEnd = i
        guard intEnd > intStart else { return nil }
        var fracStart = i, fracEnd = i
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < n && isDigit(p[i]) { i += 1 }
            fracEnd = i
            guard fracEnd > fracStart else { return nil }
        }
        var exponent: Int64 = 0
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            let ds = i
            while i < n && isDigit(p[i]) { i += 1 }
            guard i > ds else { return nil }
            var s = ds
            while s < i && p[s] == UInt8(ascii: "0") { s += 1 }
            guard i - s <= 15 else { return nil }
            while s < i { exponent = exponent * 10 + Int64(p[s] &- 0x30); s += 1 }
            if expNegative { exponent = -exponent }
        }
        guard i == n else { return nil }
        // Virtual digit sequence: integer digits then fraction digits.
        let intLen = intEnd - intStart
        let total = intLen + (fracEnd - fracStart)
        @inline(__always) func digit(_ k: Int) -> UInt8 { k < intLen ? p[intStart + k] : p[fracStart + k - intLen] }
        var first = 0
        while first < total && digit(first) == UInt8(ascii: "0") { first += 1 }
        if first == total { return ValueHash.finalise(0x2E30) }  // zero
        var last = total - 1
        while digit(last) == UInt8(ascii: "0") { last -= 1 }
        // value = 0.d[first...last] x 10^(intLen - first + exponent)
        var h = ValueHash.finalise(ValueHash.seed ^ (negative ? 0x2D : 0x2B))
        var chunk: UInt64 = 0
        var k = first
        var inChunk = 0
        while k <= last {
            chunk = chunk &* 10 &+ UInt64(digit(k) &- 0x30)
            inChunk += 1
            if inChunk == 18 {
                h = ValueHash.finalise(h ^ chunk)
                chunk = 0
                inChunk = 0
            }
            k += 1
        }
        h = ValueHash.finalise(h ^ chunk ^ (UInt64(inChunk) << 60))
        h ^= UInt64(bitPattern: Int64(intLen - first) &+ exponent) &* 0xC2B2_AE3D_27D4_EB4F
        let f = ValueHash.finalise(h)
        return f == 0 ? 1 : f
    }
}
