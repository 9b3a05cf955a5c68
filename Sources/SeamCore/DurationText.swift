/// Durations as people write them in specs and flags, parsed to nanoseconds.
///
/// Grammar (Go's `time.ParseDuration`, plus bare seconds):
/// `[+-] ( number | (number unit)+ )`, where `number` is `digits[.digits]` or `.digits` and
/// `unit` is `ns`, `us` (or `µs`), `ms`, `s`, `m` or `h`. A bare number is seconds (`5`, `1.5`).
/// Components add up (`1h30m`, `1m0.5s`); fractions below a nanosecond are cut off
/// (`1.5ns` = 1 ns). No spaces inside; surrounding spaces are ignored. Anything past
/// `Int64.max` ns (about 292 years) is an error, never a trap.
public enum DurationText {
    /// Why a text is not a duration; `message` is a sentence for people.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Units by suffix, in nanoseconds.
    static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Parses `text` to nanoseconds (may be negative when written with `-`).
    public static func nanoseconds(_ text: String) throws(Invalid) -> Int64 {
        let trimmed = text.trimmingSpaces
        var rest = Substring(trimmed)
        let bad = Invalid(message: "'\(trimmed)' is not a duration; write e.g. 250ms, 5s, 1.5s, 2m or 1h30m (a bare number is seconds)")
        let tooLong = Invalid(message: "'\(trimmed)' is too long a duration (at most about 292 years)")
        var negative = false
        if let c = rest.first, c == "-" || c == "+" {
            negative = c == "-"
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { throw bad }
        var total: Int64 = 0
        var sawUnit = false
        while !rest.isEmpty {
            guard let (whole, fraction, afterNumber) = number(rest) else { throw bad }
            rest = afterNumber
            let unit: Int64
            if rest.isEmpty && !sawUnit {
                unit = 1_000_000_000  // the whole text is one bare number: seconds
            } else {
                guard let u = units.first(where: { rest.hasPrefix($0.suffix) && !startsUnit(rest.dropFirst($0.suffix.count)) })
                else { throw bad }
                rest = rest.dropFirst(u.suffix.count)
                unit = u.nanoseconds
                sawUnit = true
            }
            guard let part = value(whole: whole, fraction: fraction, unit: unit) else { throw tooLong }
            let sum = total.addingReportingOverflow(part)
            guard !sum.overflow else { throw tooLong }
            total = sum.partialValue
        }
        return negative ? -total : total
    }

    /// True when `s` continues with a letter, so that `m` is not taken from `ms` or `min`.
    private static func startsUnit(_ s: Substring) -> Bool {
        guard let c = s.unicodeScalars.first else { return false }
        return c.properties.isAlphabetic
    }

    /// Splits a leading `digits[.digits]` or `.digits`; nil when there is none.
    private static func number(_ s: Substring) -> (Substring, Substring, Substring)? {
        let isDigit = { (c: Character) in c >= "0" && c <= "9" }
        let whole = s.prefix(while: isDigit)
        var rest = s[whole.endIndex...]
        var fraction = rest.prefix(0)
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix(while: isDigit)
            rest = rest[fraction.endIndex...]
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        return (whole, fraction, rest)
    }

    /// `whole.fraction` units in nanoseconds, truncated; nil on overflow.
    private static func value(whole: Substring, fraction: Substring, unit: Int64) -> Int64? {
        var w: Int64 = 0
        for c in whole.utf8 {
            let m = w.multipliedReportingOverflow(by: 10)
            let a = m.partialValue.addingReportingOverflow(Int64(c - 48))
            guard !m.overflow, !a.overflow else { return nil }
            w = a.partialValue
        }
        let scaled = w.multipliedReportingOverflow(by: unit)
        guard !scaled.overflow else { return nil }
        // Digits past the 15th are below a nanosecond even for hours (3.6e12 ns).
        var f: Int64 = 0, scale: Int64 = 1
        for c in fraction.utf8.prefix(15) {
            f = f * 10 + Int64(c - 48)
            scale *= 10
        }
        let product = unit.multipliedFullWidth(by: f)
        let part = scale.dividingFullWidth((high: product.high, low: product.low)).quotient
        let sum = scaled.partialValue.addingReportingOverflow(part)
        return sum.overflow ? nil : sum.partialValue
    }
}

extension DurationText {
    /// The exact duration in the grammar above, largest units first: `250ms`, `7.2s`, `1h30m`,
    /// `2m5.5s`, `-1.5s`. `nanoseconds(text(x)) == x` for every x.
    public static func text(_ ns: Int64) -> String {
        if ns == 0 { return "0s" }
        let sign = ns < 0 ? "-" : ""
        let m = ns.magnitude
        if m < 1_000 { return "\(sign)\(m)ns" }
        if m < 1_000_000 { return sign + decimal(m, unit: 1_000, digits: 3) + "us" }
        if m < 1_000_000_000 { return sign + decimal(m, unit: 1_000_000, digits: 6) + "ms" }
        let hours = m / 3_600_000_000_000, minutes = m / 60_000_000_000 % 60, rest = m % 60_000_000_000
        var out = sign
        if hours > 0 { out += "\(hours)h" }
        if minutes > 0 { out += "\(minutes)m" }
        if rest > 0 { out += decimal(rest, unit: 1_000_000_000, digits: 9) + "s" }
        return out
    }

    /// About three significant digits, for tables: `120ms`, `4.1s`, `1.23s`, `2m5s`, `1h30m`.
    public static func approximate(_ ns: Int64) -> String {
        let sign = ns < 0 ? "-" : ""
        let m = ns.magnitude
        if m < 1_000 { return "\(sign)\(m)ns" }
        for (unit, suffix) in [(UInt64(1_000), "us"), (1_000_000, "ms"), (1_000_000_000, "s")] {
            let x = Double(m) / Double(unit)
            let decimals = x < 9.995 ? 2 : x < 99.95 ? 1 : 0
            let rounded = (x * pow10(decimals)).rounded() / pow10(decimals)
            if rounded < 1000 && (suffix != "s" || rounded < 60) {
                return sign + trimmed(rounded, decimals: decimals) + suffix
            }
        }
        let seconds = (m + 500_000_000) / 1_000_000_000
        if seconds < 3_600 {
            return sign + "\(seconds / 60)m" + (seconds % 60 > 0 ? "\(seconds % 60)s" : "")
        }
        let minutes = (seconds + 30) / 60
        return sign + "\(minutes / 60)h" + (minutes % 60 > 0 ? "\(minutes % 60)m" : "")
    }

    private static func pow10(_ n: Int) -> Double { n == 0 ? 1 : n == 1 ? 10 : 100 }

    private static func trimmed(_ x: Double, decimals: Int) -> String {
        let scaled = Int64((x * pow10(decimals)).rounded())
        return decimal(UInt64(scaled), unit: UInt64(pow10(decimals)), digits: decimals)
    }

    /// `value / unit` written exactly with up to `digits` fraction digits, trailing zeros cut.
    private static func decimal(_ value: UInt64, unit: UInt64, digits: Int) -> String {
        let whole = value / unit, fraction = value % unit
        guard fraction > 0 else { return "\(whole)" }
        var f = String(fraction)
        f = String(repeating: "0", count: digits - f.count) + f
        while f.hasSuffix("0") { f.removeLast() }
        return "\(whole).\(f)"
    }
}
