/// Exact equality of decimal numbers written as text, with no floating point.
///
/// Grammar (SEMANTICS.md, "Pairing"): `[+-]?digits[.digits][(e|E)[+-]digits]`: nothing else (no
/// leading or trailing `.`, no spaces, hex, `inf`, `nan`). `E` is accepted because JSON writes it.
/// Values are compared as normalized (sign, significant digits, exponent): leading and trailing
/// zeros and the sign of zero do not matter, so `1250` = `1250.0` = `1.25e3` = `+1250` and
/// `-0` = `0e7`. Exponents of any length are handled without big allocations (beyond 18 digits
/// by digit-wise subtraction). O(length), no allocation.
@_spi(SeamStages) public enum DecimalText {
    /// Whether `bytes` is a decimal number in the grammar above.
    @_spi(SeamStages) public static func isDecimal(_ bytes: UnsafeRawBufferPointer) -> Bool { Parsed(bytes) != nil }

    @_spi(SeamStages) public static func isDecimal(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { isDecimal($0) } }

    /// Whether `a` and `b` are both decimal numbers of exactly equal value.
    @_spi(SeamStages) public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard let x = Parsed(a), let y = Parsed(b) else { return false }
        return x.equals(y)
    }

    @_spi(SeamStages) public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in equal(x, y) } }
    }

    /// A decimal number's parts as offsets into its text, plus its normalized form.
    ///
    /// value = sign × 0.d[first]...d[last] × 10^(pointPos + exponent), where d is the virtual
    /// concatenation of integer and fraction digits and `first`/`last` its first and last
    /// nonzero digits (none for zero).
    @usableFromInline
    package struct Parsed {
        package let p: UnsafePointer<UInt8>
        package let negative: Bool
        package let intStart: Int, intEnd: Int
        package let fracStart: Int, fracEnd: Int
        package let expNegative: Bool
        /// Exponent digits with leading zeros stripped (may be empty: exponent 0).
        package let expStart: Int, expEnd: Int
        /// Index (in the virtual digit sequence) of the first and last nonzero digit; -1 for zero.
        package let first: Int, last: Int

        @usableFromInline
        package init?(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
            let p = base.assumingMemoryBound(to: UInt8.self)
            let n = bytes.count
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
            var expNegative = false
            var expStart = i, expEnd = i
            if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
                i += 1
                if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                    expNegative = p[i] == UInt8(ascii: "-")
                    i += 1
                }
                let ds = i
                while i < n && isDigit(p[i]) { i += 1 }
                guard i > ds else { return nil }
                var s = ds
                while s < i && p[s] == UInt8(ascii: "0") { s += 1 }
                expStart = s
                expEnd = i
            }
            guard i == n else { return nil }
            self.p = p
            self.negative = negative
            self.intStart = intStart; self.intEnd = intEnd
            self.fracStart = fracStart; self.fracEnd = fracEnd
            self.expNegative = expNegative
            self.expStart = expStart; self.expEnd = expEnd
            let total = (intEnd - intStart) + (fracEnd - fracStart)
            var f = -1, l = -1
            var k = 0
            while k < total {
                if Self.digitAt(p, intStart, intEnd, fracStart, k) != 0 { f = k; break }
                k += 1
            }
            if f >= 0 {
                k = total - 1
                while k >= f {
                    if Self.digitAt(p, intStart, intEnd, fracStart, k) != 0 { l = k; break }
                    k -= 1
                }
            }
            self.first = f
            self.last = l
        }

        @inline(__always)
        package static func digitAt(_ p: UnsafePointer<UInt8>, _ intStart: Int, _ intEnd: Int, _ fracStart: Int, _ k: Int) -> UInt8 {
            let intLen = intEnd - intStart
            return (k < intLen ? p[intStart + k] : p[fracStart + k - intLen]) &- 0x30
        }

        /// Digit k of the virtual integer+fraction digit sequence.
        @inline(__always)
        func digit(_ k: Int) -> UInt8 { Self.digitAt(p, intStart, intEnd, fracStart, k) }

        var isZero: Bool { first < 0 }
        /// Position of the decimal point relative to the first significant digit.
        var pointPos: Int { (intEnd - intStart) - first }
        /// Number of significant digits.
        var significantCount: Int { last - first + 1 }

        /// The exponent as Int64 when it has at most 18 digits.
        var smallExponent: Int64? {
            guard expEnd - expStart <= 18 else { return nil }
            var v: Int64 = 0
            for k in expStart..<expEnd { v = v * 10 + Int64(p[k] &- 0x30) }
            return expNegative ? -v : v
        }

        /// The normalized decimal exponent E (value = 0.digits × 10^E), when it fits Int64.
        var normalizedExponent: Int64? {
            guard let e = smallExponent else { return nil }
            return Int64(pointPos) + e
        }

        func equals(_ o: Parsed) -> Bool {
            if isZero || o.isZero { return isZero && o.isZero }
            guard negative == o.negative, significantCount == o.significantCount else { return false }
            for k in 0..<significantCount where digit(first + k) != o.digit(o.first + k) { return false }
            // pointPos + exp == o.pointPos + o.exp  <=>  exp - o.exp == o.pointPos - pointPos
            let delta = Int64(o.pointPos) - Int64(pointPos)
            if let a = smallExponent, let b = o.smallExponent { return a - b == delta }
            return Self.bigDifference(self, o, equals: delta)
        }

        /// Whether exp(a) - exp(b) == delta when one exponent has more than 18 digits.
        static func bigDifference(_ a: Parsed, _ b: Parsed, equals delta: Int64) -> Bool {
            let aLen = a.expEnd - a.expStart, bLen = b.expEnd - b.expStart
            let aZero = aLen == 0, bZero = bLen == 0
            // Opposite signs (or one zero): |difference| >= 1e18 > |delta| since one side is huge.
            if aZero || bZero || a.expNegative != b.expNegative { return false }
            // Same sign s: exp(a) - exp(b) = s × (|a| - |b|).
            let target = a.expNegative ? -delta : delta
            // Compare magnitudes to subtract the smaller from the larger.
            var cmp = aLen == bLen ? 0 : (aLen < bLen ? -1 : 1)
            if cmp == 0 {
                for k in 0..<aLen {
                    let x = a.p[a.expStart + k], y = b.p[b.expStart + k]
                    if x != y { cmp = x < y ? -1 : 1; break }
                }
            }
            if cmp == 0 { return target == 0 }
            let (big, small) = cmp > 0 ? (a, b) : (b, a)
            let bigLen = big.expEnd - big.expStart, smallLen = small.expEnd - small.expStart
            var borrow: Int = 0
            var value: Int64 = 0
            var scale: Int64 = 1
            for k in 0..<bigLen {
                var d = Int(big.p[big.expEnd - 1 - k] &- 0x30) - borrow
                if k < smallLen { d -= Int(small.p[small.expEnd - 1 - k] &- 0x30) }
                borrow = d < 0 ? 1 : 0
                if d < 0 { d += 10 }
                if k < 18 {
                    value += Int64(d) * scale
                    if k < 17 { scale *= 10 }
                } else if d != 0 {
                    return false
                }
            }
            let difference = cmp > 0 ? value : -value
            return difference == target
        }
    }
}
