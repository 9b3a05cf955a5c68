@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-time`: `Timestamp.parse` never traps and agrees with a slow reference.
///
/// Properties: parsing any bytes (as text and as a JSON number) returns or gives nil, never
/// traps; an RFC 3339 text is accepted exactly when the plain reference below accepts it, with
/// the same nanoseconds (the reference counts days year by year, not with the civil-date
/// formula); an accepted time formats to text that reparses to the same instant cut to the
/// millisecond; a plain integer of up to 18 digits follows the magnitude rule (s, ms, us, ns).
enum FuzzTime {
    static func check(_ bytes: [UInt8]) {
        let asText = Timestamp.parse(bytes, isNumber: false)
        _ = Timestamp.parse(bytes, isNumber: true)
        let isNumberText = DecimalText.isDecimal(bytes)
        if !isNumberText {
            let expected = rfc3339Reference(bytes)
            FuzzDriver.require(asText == expected, "parse \(String(describing: asText)) vs reference \(String(describing: expected)) for \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        } else if let v = plainInteger(bytes) {
            let magnitude = v.magnitude
            let scale: Int64 = magnitude < 100_000_000_000 ? 1_000_000_000 : magnitude < 100_000_000_000_000 ? 1_000_000
                : magnitude < 100_000_000_000_000_000 ? 1_000 : 1
            let (ns, overflow) = v.multipliedReportingOverflow(by: scale)
            let expected: Int64? = overflow ? nil : ns
            FuzzDriver.require(asText == expected, "epoch \(v): parse \(String(describing: asText)) vs \(String(describing: expected))")
        }
        if let ns = asText {
            let text = Timestamp.format(ns)
            let again = Timestamp.parse(text)
            // Cut to the millisecond toward the past; below Int64.min ns nothing can parse.
            let (floored, below) = ns.subtractingReportingOverflow(((ns % 1_000_000) + 1_000_000) % 1_000_000)
            let want: Int64? = below ? nil : floored
            FuzzDriver.require(again == want, "format(\(ns)) = \(text) reparses to \(String(describing: again)), want \(String(describing: want))")
        }
    }

    /// `[+-]?digits` of at most 18 digits.
    static func plainInteger(_ b: [UInt8]) -> Int64? {
        var digits = b[...]
        var negative = false
        if let f = digits.first, f == 0x2B || f == 0x2D {
            negative = f == 0x2D
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let v = Int64(String(decoding: digits, as: UTF8.self))!
        return negative ? -v : v
    }

    /// RFC 3339 as the Timestamp doc states it, computed slowly.
    static func rfc3339Reference(_ b: [UInt8]) -> Int64? {
        func digits(_ at: Int, _ width: Int) -> Int? {
            guard at + width <= b.count else { return nil }
            var v = 0
            for k in at..<(at + width) {
                guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        func byte(_ at: Int) -> UInt8? { at < b.count ? b[at] : nil }
        guard let year = digits(0, 4), byte(4) == 0x2D, let month = digits(5, 2), byte(7) == 0x2D,
              let day = digits(8, 2), let sep = byte(10), sep == 0x54 || sep == 0x74 || sep == 0x20,
              let hour = digits(11, 2), byte(13) == 0x3A, let minute = digits(14, 2), byte(16) == 0x3A,
              let second = digits(17, 2) else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard month >= 1 && month <= 12, day >= 1, day <= monthDays[month - 1], hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if let c = byte(i), c == 0x2E || c == 0x2C {
            i += 1
            var text: [UInt8] = []
            while let d = byte(i), d >= 0x30 && d <= 0x39 { text.append(d); i += 1 }
            guard !text.isEmpty else { return nil }
            let nine = Array((text + Array(repeating: 0x30, count: 9)).prefix(9))
            fraction = Int64(String(decoding: nine, as: UTF8.self))!
        }
        var offset = 0
        if let z = byte(i) {
            if z == 0x5A || z == 0x7A {
                i += 1
            } else if z == 0x2B || z == 0x2D {
                guard let oh = digits(i + 1, 2), oh <= 23 else { return nil }
                i += 3
                var om = 0
                if i < b.count {
                    if b[i] == 0x3A { i += 1 }
                    guard let m = digits(i, 2), m <= 59 else { return nil }
                    om = m
                    i += 2
                }
                offset = (oh * 3600 + om * 60) * (z == 0x2D ? -1 : 1)
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        // Days since 1970-01-01, year by year.
        var days = 0
        if year >= 1970 {
            for y in 1970..<year { days += ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 366 : 365 }
        } else {
            for y in year..<1970 { days -= ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 366 : 365 }
        }
        days += monthDays[..<(month - 1)].reduce(0, +) + day - 1
        let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second - offset)
        let (ns, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = ns.addingReportingOverflow(fraction)
        return o1 || o2 ? nil : total
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTime.check(FuzzDriver.bytes(data, size))
    return 0
}
