/// What one field's values look like, tallied on a sample of them: enough to tell an
/// identifier (`r-1093`, a UUID, a trace id, a 12-digit order number) from free text, a
/// measurement (`230.4`, `17`), or a time (`2026-11-28T14:00:06Z`, `1674982122425293566`).
struct ValueShape {
    private(set) var seen = 0
    private(set) var freeText = 0
    private(set) var measurement = 0
    private(set) var timeLike = 0
    private(set) var long = 0
    private(set) var numeric = 0

    static let longValue = 128

    mutating func note(_ p: UnsafePointer<UInt8>, _ n: Int, isNumber: Bool) {
        seen += 1
        if n > Self.longValue { long += 1; return }
        if n == 0 { return }
        if MessageTemplate.isFreeText(p, n) { freeText += 1; return }
        if Self.looksLikeDate(p, n) { timeLike += 1; return }
        // Numbers: a fraction or exponent, or a short integer, is a measurement; a long integer
        // may be an id, unless it reads as an epoch time.
        var i = 0
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") { i = 1 }
        var digits = 0, other = false
        while i < n {
            let b = p[i]
            if b &- 0x30 < 10 { digits += 1 } else { other = true; break }
            i += 1
        }
        guard digits > 0 else { return }
        if other {
            if isNumber || DecimalHash.hash(p, n) != nil { numeric += 1; measurement += 1 }
            return
        }
        numeric += 1
        if digits <= 6 { measurement += 1; return }
        if Self.looksLikeEpoch(p, n, digits: digits) { timeLike += 1 }
    }

    /// `dddd-dd-dd...`, `dd:dd:dd...` or `dd/Mon/dddd`-like: a time or date written as text.
    static func looksLikeDate(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        @inline(__always) func d(_ i: Int) -> Bool { i < n && p[i] &- 0x30 < 10 }
        if n >= 10, d(0), d(1), d(2), d(3), p[4] == UInt8(ascii: "-"), d(5), d(6), p[7] == UInt8(ascii: "-") { return true }
        if n >= 8, d(0), d(1), p[2] == UInt8(ascii: ":"), d(3), d(4), p[5] == UInt8(ascii: ":") { return true }
        return false
    }

    /// An integer of 10, 13, 16 or 19 digits in the range of epoch seconds/ms/us/ns 2001-2096.
    static func looksLikeEpoch(_ p: UnsafePointer<UInt8>, _ n: Int, digits: Int) -> Bool {
        guard [10, 13, 16, 19].contains(digits), p[0] == UInt8(ascii: "1") || p[0] == UInt8(ascii: "2")
                || p[0] == UInt8(ascii: "3") else { return false }
        return true
    }

    private func share(_ k: Int) -> Double { seen == 0 ? 0 : Double(k) / Double(seen) }

    /// Why the values are no identifier, or nil when they could be one.
    var notIdentifier: String? {
        guard seen > 0 else { return "no values" }
        if share(freeText) >= 0.5 { return "free text" }
        if share(long) >= 0.5 { return "long values" }
        if share(timeLike) >= 0.5 { return "times" }
        if share(measurement) >= 0.5 { return "numbers" }
        return nil
    }

    /// Mostly numbers (for the evidence).
    var isNumeric: Bool { share(numeric) >= 0.5 }
}
