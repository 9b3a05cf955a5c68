@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-decimal`: `DecimalText` against a slow exact reference.
///
/// Input: two texts separated by the first space (no space: the second is the first with its
/// last byte dropped). Properties: `isDecimal` matches the grammar `[+-]?digits[.digits][(e|E)
/// [+-]digits]`; `equal` is reflexive on decimals, symmetric, false on non-decimals, and equals
/// the reference's verdict (normalized sign, significant digits and exponent, with exponents
/// of up to 15 digits).
enum FuzzDecimal {
    struct Normal: Equatable {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int
    }

    /// Parses the grammar and normalizes; nil when not a decimal; `.some(nil)` when the exponent
    /// is too long for this reference.
    static func reference(_ b: [UInt8]) -> Normal?? {
        var i = 0
        var negative = false
        if i < b.count && (b[i] == 0x2B || b[i] == 0x2D) { negative = b[i] == 0x2D; i += 1 }
        func digitRun() -> [UInt8] {
            let s = i
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            return Array(b[s..<i])
        }
        let integer = digitRun()
        guard !integer.isEmpty else { return nil }
        var fraction: [UInt8] = []
        if i < b.count && b[i] == 0x2E {
            i += 1
            fraction = digitRun()
            guard !fraction.isEmpty else { return nil }
        }
        var exponentText: [UInt8] = []
        var expNegative = false
        if i < b.count && (b[i] == 0x65 || b[i] == 0x45) {
            i += 1
            if i < b.count && (b[i] == 0x2B || b[i] == 0x2D) { expNegative = b[i] == 0x2D; i += 1 }
            exponentText = digitRun()
            guard !exponentText.isEmpty else { return nil }
        }
        guard i == b.count else { return nil }
        var all = integer + fraction
        while let f = all.first, f == 0x30 { all.removeFirst() }
        if all.isEmpty { return .some(Normal(negative: false, digits: [], exponent: 0)) }
        let stripped = Array(exponentText.drop { $0 == 0x30 })
        guard stripped.count <= 15 else { return .some(nil) }
        var exponent = stripped.isEmpty ? 0 : Int(String(decoding: stripped, as: UTF8.self))!
        if expNegative { exponent = -exponent }
        exponent -= fraction.count
        while let l = all.last, l == 0x30 { all.removeLast(); exponent += 1 }
        return .some(Normal(negative: negative, digits: all, exponent: exponent))
    }

    static func check(_ input: [UInt8]) {
        let a: [UInt8], b: [UInt8]
        if let space = input.firstIndex(of: 0x20) {
            a = Array(input[..<space])
            b = Array(input[(space + 1)...])
        } else {
            a = input
            b = Array(input.dropLast())
        }
        let ra = reference(a), rb = reference(b)
        FuzzDriver.require(DecimalText.isDecimal(a) == (ra != nil), "isDecimal(\(String(decoding: a, as: UTF8.self).debugDescription))")
        FuzzDriver.require(DecimalText.isDecimal(b) == (rb != nil), "isDecimal(\(String(decoding: b, as: UTF8.self).debugDescription))")
        FuzzDriver.require(DecimalText.equal(a, a) == (ra != nil), "equal is not reflexive on \(String(decoding: a, as: UTF8.self).debugDescription)")
        let ab = DecimalText.equal(a, b)
        FuzzDriver.require(ab == DecimalText.equal(b, a), "equal is not symmetric")
        if let ra, let rb, let na = ra, let nb = rb {
            // Zero has no sign: -0 = 0.
            let same = na.digits.isEmpty ? nb.digits.isEmpty : na == nb
            FuzzDriver.require(ab == same, "equal(\(String(decoding: a, as: UTF8.self)), \(String(decoding: b, as: UTF8.self))) = \(ab), reference \(same)")
        } else if ra == nil || rb == nil {
            FuzzDriver.require(!ab, "a non-decimal compared equal")
        }
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzDecimal.check(FuzzDriver.bytes(data, size))
    return 0
}
