// TEMPORARY: stands in for `FieldValue.agrees(with:)` (Records/FieldValue+Agreement.swift,
// written elsewhere). The integrator replaces the body of `agreeValues` with
// `a.agrees(with: b)` (or deletes this file and calls that directly); the correlator calls only
// `agreeValues`.

/// SEMANTICS.md agreement: scalars agree when their texts are equal or both are decimal numbers
/// (`[+-]?digits[.digits][e[+-]digits]`) of equal value, compared exactly; objects and arrays
/// agree when equal (here: same raw text, an approximation until the Records version lands).
func agreeValues(_ a: FieldValue, _ b: FieldValue) -> Bool {
    switch (a, b) {
    case (.composite(let x), .composite(let y)): return x == y
    case (.composite, _), (_, .composite): return false
    default: break
    }
    let x = a.textBytes, y = b.textBytes
    if x == y { return true }
    guard let dx = ShimDecimal(x), let dy = ShimDecimal(y) else { return false }
    return dx == dy
}

/// A decimal literal reduced to sign, significant digits and power of ten, so equal values have
/// equal forms (`1250` = `1250.0` = `1.25e3` -> +, "125", 1).
private struct ShimDecimal: Equatable {
    var negative: Bool
    var digits: [UInt8]
    var exponent: Int64

    init?(_ text: [UInt8]) {
        var i = 0
        var negative = false
        if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        var digits: [UInt8] = []
        let intStart = i
        while i < text.count, isDigit(text[i]) { digits.append(text[i]); i += 1 }
        guard i > intStart else { return nil }
        var scale: Int64 = 0
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < text.count, isDigit(text[i]) { digits.append(text[i]); i += 1; scale -= 1 }
            guard i > fracStart else { return nil }
        }
        var exponent: Int64 = 0
        if i < text.count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
                expNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            while i < text.count, isDigit(text[i]) {
                // Exponents past 10^15 are beyond any real log value: saturate rather than trap.
                exponent = min(exponent * 10 + Int64(text[i] - UInt8(ascii: "0")), 1_000_000_000_000_000)
                i += 1
            }
            guard i > expStart else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == text.count else { return nil }
        // Strip leading zeros, then trailing zeros into the exponent.
        let firstNonZero = digits.firstIndex { $0 != UInt8(ascii: "0") } ?? digits.count
        digits.removeFirst(firstNonZero)
        var power = exponent + scale
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast(); power += 1 }
        if digits.isEmpty {
            negative = false
            power = 0
        }
        self.negative = negative
        self.digits = digits
        self.exponent = power
    }
}
