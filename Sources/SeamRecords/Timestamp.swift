/// Parses and formats event times as Int64 nanoseconds since the Unix epoch (UTC).
///
/// Accepted (SEMANTICS.md, "Time"), hand-written, no Foundation:
/// - RFC 3339 / ISO 8601: `YYYY-MM-DD` `T`|`t`|space `HH:MM:SS`, optional fraction after `.` or
///   `,` (Python's `asctime` writes a comma; digits past 9 are cut, not rounded), optional zone
///   `Z`|`z`|`+HH:MM`|`+HHMM`|`+HH` (or `-`); no zone means UTC. Seconds are required; a date
///   alone is not a time. Ranges are checked (month 1-12, day within the month, leap years,
///   hour 0-23, minute 0-59, second 0-60; second 60 is a leap second, counted as the next
///   second, since Unix time has no leap seconds). Zone offsets up to 23:59.
/// - Epoch: a JSON number, or text that is entirely a decimal number (`DecimalText` grammar,
///   exponent allowed), in s, ms, us or ns chosen by the magnitude of its integer part (< 1e11 s,
///   < 1e14 ms, < 1e17 us, else ns); fraction kept to ns and cut (toward zero) beyond. Negative
///   epochs (before 1970) are accepted, the unit chosen by the absolute value.
/// Anything else, or a value outside Int64 nanoseconds (years 1677-2262), is nil: `bad-time`.
/// All arithmetic is overflow-checked; nothing traps.
@_spi(SeamStages) public enum Timestamp {
    /// The time in `bytes` (already unescaped) as ns since the epoch, or nil when it does not parse.
    /// `isNumber`: the bytes are a JSON number (then only the epoch form is tried).
    @_spi(SeamStages) public static func parse(_ bytes: UnsafeRawBufferPointer, isNumber: Bool) -> Int64? {
        if let parsed = DecimalText.Parsed(bytes) { return epoch(parsed) }
        if isNumber { return nil }
        return rfc3339(bytes)
    }

    @_spi(SeamStages) public static func parse(_ bytes: [UInt8], isNumber: Bool = false) -> Int64? {
        bytes.withUnsafeBytes { parse($0, isNumber: isNumber) }
    }

    @_spi(SeamStages) public static func parse(_ text: String, isNumber: Bool = false) -> Int64? {
        parse(Array(text.utf8), isNumber: isNumber)
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-29T10:00:01.234Z` (sub-ms digits cut,
    /// times before 1970 floored so the digits stay positive).
    @_spi(SeamStages) public static func format(_ ns: Int64) -> String {
        let ms = ns >= 0 ? ns / 1_000_000 : -((-(ns + 1)) / 1_000_000) - 1
        let secs = ms >= 0 ? ms / 1000 : -((-(ms + 1)) / 1000) - 1
        let milli = Int(ms - secs * 1000)
        let days = secs >= 0 ? secs / 86400 : -((-(secs + 1)) / 86400) - 1
        let sod = Int(secs - days * 86400)
        let (y, m, d) = civil(fromDays: days)
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(Int64(sod / 3600), 2)):"
            + "\(pad(Int64(sod / 60 % 60), 2)):\(pad(Int64(sod % 60), 2)).\(pad(Int64(milli), 3))Z"
    }

    // MARK: - Epoch

    /// Epoch number to ns: unit by the number of integer digits, then cut to whole ns.
    static func epoch(_ d: DecimalText.Parsed) -> Int64? {
        if d.isZero { return 0 }
        guard let e = d.normalizedExponent else { return nil }
        // value = 0.digits × 10^e, so the integer part has max(e, 0) digits.
        let intDigits = max(e, 0)
        let scale: Int64 = intDigits <= 11 ? 9 : intDigits <= 14 ? 6 : intDigits <= 17 ? 3 : 0
        // ns = the first (e + scale) digits of 0.digits, padded with zeros.
        let wanted = e + scale
        if wanted <= 0 { return 0 }
        if wanted > 19 { return nil }
        var v: Int64 = 0
        for k in 0..<Int(wanted) {
            let digit: Int64 = k < d.significantCount ? Int64(d.digit(d.first + k)) : 0
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            v = s
        }
        return d.negative ? -v : v
    }

    // MARK: - RFC 3339

    static func rfc3339(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let secs = rfc3339Seconds(bytes) else { return nil }
        return rfc3339Tail(bytes, seconds: secs)
    }

    /// The first 19 bytes, `YYYY-MM-DD?HH:MM:SS`, checked, as seconds since the epoch (before
    /// the zone offset); nil when they are not such a prefix.
    static func rfc3339Seconds(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let n = bytes.count
        guard n >= 19, let base = bytes.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        @inline(__always) func num(_ at: Int, _ width: Int) -> Int? { digits(p, at, width, n) }
        guard let year = num(0, 4), p[4] == UInt8(ascii: "-"), let month = num(5, 2), p[7] == UInt8(ascii: "-"),
              let day = num(8, 2) else { return nil }
        let sep = p[10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == UInt8(ascii: " ") else { return nil }
        guard let hour = num(11, 2), p[13] == UInt8(ascii: ":"), let minute = num(14, 2),
              p[16] == UInt8(ascii: ":"), let second = num(17, 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        let days = daysFromCivil(year: Int64(year), month: month, day: day)
        return days * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// What follows the 19-byte prefix (fraction, zone) applied to its `seconds`: the time in
    /// ns, or nil when the rest does not parse or the value leaves Int64.
    static func rfc3339Tail(_ bytes: UnsafeRawBufferPointer, seconds: Int64) -> Int64? {
        let n = bytes.count
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        @inline(__always) func num(_ at: Int, _ width: Int) -> Int? { digits(p, at, width, n) }
        var i = 19
        var fraction: Int64 = 0
        if i < n && (p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",")) {
            i += 1
            let start = i
            var digits = 0
            while i < n, p[i] &- 0x30 < 10 {
                if digits < 9 { fraction = fraction * 10 + Int64(p[i] &- 0x30); digits += 1 }
                i += 1
            }
            guard i > start else { return nil }
            while digits < 9 { fraction *= 10; digits += 1 }
        }
        var offset = 0  // seconds east of UTC
        if i < n {
            let z = p[i]
            if z == UInt8(ascii: "Z") || z == UInt8(ascii: "z") {
                i += 1
            } else if z == UInt8(ascii: "+") || z == UInt8(ascii: "-") {
                i += 1
                guard let oh = num(i, 2), oh <= 23 else { return nil }
                i += 2
                var om = 0
                if i < n {
                    if p[i] == UInt8(ascii: ":") { i += 1 }
                    guard let m = num(i, 2), m <= 59 else { return nil }
                    om = m
                    i += 2
                }
                offset = (oh * 3600 + om * 60) * (z == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        guard i == n else { return nil }
        return nanoseconds(seconds: seconds - Int64(offset), fraction: fraction)
    }

    /// `seconds` and `fraction` (ns, 0...999,999,999) as ns since the epoch; nil past Int64.
    @inline(__always)
    static func nanoseconds(seconds: Int64, fraction: Int64) -> Int64? {
        let (ns, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = ns.addingReportingOverflow(fraction)
        return o1 || o2 ? nil : total
    }

    /// The decimal value of `width` digits at `at`; nil when one is not a digit or they run
    /// past `n`.
    @inline(__always)
    static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ width: Int, _ n: Int) -> Int? {
        guard at + width <= n else { return nil }
        var v = 0
        for k in at..<at + width {
            let d = p[k] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01.
    static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
