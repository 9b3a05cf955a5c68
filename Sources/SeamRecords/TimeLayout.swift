@_spi(SeamStages) import SeamCore

/// A strftime-like layout for times written as text (`081109 203615`, `2017-05-16 00:02:34.773`,
/// `Nov  9 20:36:15`), parsed to ns since the epoch.
///
/// Directives: `%Y` year (4 digits), `%y` year (2 digits: 69-99 are 19xx, 00-68 are 20xx),
/// `%m` month (1-2 digits), `%b` month name (`Jan`..`Dec`, or the full name, any case),
/// `%d` / `%e` day (1-2 digits, a leading space allowed), `%H` hour, `%M` minute, `%S` second
/// (1-2 digits each), `%f` fraction (1 or more digits, cut to ns), `%z` zone (`Z`, `+HH`, `+HHMM`,
/// `+HH:MM`), `%%` a percent sign. A space matches one or more spaces or tabs; any other
/// character matches itself. The whole text must be used.
///
/// A layout without `%Y`/`%y` takes `year` (syslog lines carry none); without `%z` the time is in
/// `offset` seconds east of UTC (the spec's `zone`, default UTC). Zone names other than UTC/Z are
/// not looked up: there is no time-zone database here, so offsets are fixed (no DST).
/// Parsing is O(text length) and allocates nothing.
@_spi(SeamStages) public struct TimeLayout: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case year4, year2, month, monthName, day, hour, minute, second, fraction, zone
        case space
        case literal(UInt8)
    }

    /// The layout as written.
    @_spi(SeamStages) public let text: String
    let pieces: [Piece]
    /// Year for layouts that lack one.
    @_spi(SeamStages) public var year: Int?
    /// Seconds east of UTC for layouts that lack `%z`.
    @_spi(SeamStages) public var offset: Int

    /// Why a layout is not valid; `message` is a sentence for people.
    @_spi(SeamStages) public struct Invalid: Error, Equatable, Sendable {
        @_spi(SeamStages) public var message: String
    }

    /// Compiles `text`; throws for unknown directives, a layout without month, day, hour or
    /// minute, or without a year when `year` is nil.
    @_spi(SeamStages) public init(_ text: String, year: Int? = nil, offset: Int = 0) throws(Invalid) {
        var pieces: [Piece] = []
        var bytes = Array(text.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%") {
                guard let d = bytes.popFirst() else {
                    throw Invalid(message: "time layout '\(text)' ends with a lone '%'; write '%%' for a percent sign")
                }
                switch d {
                case UInt8(ascii: "Y"): pieces.append(.year4)
                case UInt8(ascii: "y"): pieces.append(.year2)
                case UInt8(ascii: "m"): pieces.append(.month)
                case UInt8(ascii: "b"), UInt8(ascii: "h"): pieces.append(.monthName)
                case UInt8(ascii: "d"), UInt8(ascii: "e"): pieces.append(.day)
                case UInt8(ascii: "H"): pieces.append(.hour)
                case UInt8(ascii: "M"): pieces.append(.minute)
                case UInt8(ascii: "S"): pieces.append(.second)
                case UInt8(ascii: "f"): pieces.append(.fraction)
                case UInt8(ascii: "z"): pieces.append(.zone)
                case UInt8(ascii: "%"): pieces.append(.literal(d))
                default:
                    throw Invalid(message: "time layout '\(text)' has unknown directive '%\(Character(Unicode.Scalar(d)))'; "
                        + "use %Y %y %m %b %d %e %H %M %S %f %z or %%")
                }
            } else if b == 0x20 || b == 0x09 {
                if pieces.last != .space { pieces.append(.space) }
            } else {
                pieces.append(.literal(b))
            }
        }
        let has = { (p: Piece) in pieces.contains(p) }
        let missing = [(Piece.hour, "%H"), (.minute, "%M")].filter { !has($0.0) }.map(\.1)
            + (has(.month) || has(.monthName) ? [] : ["%m or %b"]) + (has(.day) ? [] : ["%d"])
        guard missing.isEmpty else {
            throw Invalid(message: "time layout '\(text)' has no \(missing.joined(separator: ", ")); a time needs a date and hour and minute")
        }
        if !has(.year4) && !has(.year2) && year == nil {
            throw Invalid(message: "time layout '\(text)' has no year (%Y or %y); give the year with 'year: 2024'")
        }
        self.text = text
        self.pieces = pieces
        self.year = year
        self.offset = offset
    }

    /// The time in `bytes` as ns since the epoch; nil when it does not fit the layout or is not a
    /// real date and time.
    @_spi(SeamStages) public func parse(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let base = bytes.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = 0
        var year = self.year ?? 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
        var fraction: Int64 = 0
        var offset = self.offset

        /// Up to `maxDigits` digits (at least one).
        func digits(_ maxDigits: Int) -> Int? {
            var v = 0, k = 0
            while k < maxDigits, i < n, p[i] &- 0x30 < 10 {
                v = v * 10 + Int(p[i] &- 0x30)
                i += 1
                k += 1
            }
            return k == 0 ? nil : v
        }
        for piece in pieces {
            switch piece {
            case .year4:
                guard let v = digits(4) else { return nil }
                year = v
            case .year2:
                guard let v = digits(2) else { return nil }
                year = v < 69 ? 2000 + v : 1900 + v
            case .month:
                guard let v = digits(2) else { return nil }
                month = v
            case .monthName:
                guard let m = monthName(p, n, &i) else { return nil }
                month = m
            case .day:
                if i < n, p[i] == 0x20 { i += 1 }
                guard let v = digits(2) else { return nil }
                day = v
            case .hour:
                guard let v = digits(2) else { return nil }
                hour = v
            case .minute:
                guard let v = digits(2) else { return nil }
                minute = v
            case .second:
                guard let v = digits(2) else { return nil }
                second = v
            case .fraction:
                var k = 0
                while i < n, p[i] &- 0x30 < 10 {
                    if k < 9 { fraction = fraction * 10 + Int64(p[i] &- 0x30); k += 1 }
                    i += 1
                }
                guard k > 0 else { return nil }
                while k < 9 { fraction *= 10; k += 1 }
            case .zone:
                guard i < n else { return nil }
                if p[i] == UInt8(ascii: "Z") || p[i] == UInt8(ascii: "z") {
                    i += 1
                    offset = 0
                } else {
                    guard p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") else { return nil }
                    let sign = p[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    let start = i
                    guard let h = digits(2), i - start == 2, h <= 23 else { return nil }
                    var m = 0
                    if i < n, p[i] == UInt8(ascii: ":") { i += 1 }
                    if i < n, p[i] &- 0x30 < 10 {
                        let s2 = i
                        guard let v = digits(2), i - s2 == 2, v <= 59 else { return nil }
                        m = v
                    }
                    offset = sign * (h * 3600 + m * 60)
                }
            case .space:
                guard i < n, p[i] == 0x20 || p[i] == 0x09 else { return nil }
                while i < n, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
            case .literal(let c):
                guard i < n, p[i] == c else { return nil }
                i += 1
            }
        }
        guard i == n, (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        let days = Timestamp.daysFromCivil(year: Int64(year), month: month, day: day)
        let secs = days * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Timestamp.nanoseconds(seconds: secs, fraction: fraction)
    }

    @_spi(SeamStages) public func parse(_ text: String) -> Int64? {
        var t = text
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    private static let months: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { Array($0.utf8) }
    private static let fullMonths: [[UInt8]] = ["january", "february", "march", "april", "may", "june", "july",
                                                "august", "september", "october", "november", "december"]
        .map { Array($0.utf8) }

    /// A month name (3 letters or the full English name, any case) at `i`; advances past it.
    private func monthName(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Int? {
        @inline(__always) func lower(_ c: UInt8) -> UInt8 { c | 0x20 }
        func matches(_ name: [UInt8]) -> Bool {
            guard i + name.count <= n else { return false }
            for (k, c) in name.enumerated() where lower(p[i + k]) != c { return false }
            return true
        }
        for (m, full) in Self.fullMonths.enumerated() where matches(full) {
            i += full.count
            return m + 1
        }
        for (m, short) in Self.months.enumerated() where matches(short) {
            i += short.count
            return m + 1
        }
        return nil
    }

    /// Seconds east of UTC for a zone as the spec writes it: `UTC`, `Z`, `+08:00`, `-0500`, `+8`.
    @_spi(SeamStages) public static func zoneOffset(_ text: String) -> Int? {
        let t = text.trimmingSpaces
        if ["UTC", "Z", "GMT", "utc", "z", "gmt"].contains(t) { return 0 }
        var rest = Substring(t)
        if rest.hasPrefix("UTC") || rest.hasPrefix("GMT") { rest = rest.dropFirst(3) }
        guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
        rest = rest.dropFirst()
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        var h: Int?, m = 0
        if parts.count == 2 {
            h = Int(parts[0]); guard let mm = Int(parts[1]), parts[1].count == 2 else { return nil }; m = mm
        } else if rest.count == 4, let v = Int(rest) {
            h = v / 100; m = v % 100
        } else if rest.count <= 2 {
            h = Int(rest)
        }
        guard let h, h <= 23, m <= 59, rest.allSatisfy({ $0.isNumber || $0 == ":" }) else { return nil }
        return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
    }
}
