import Foundation

/// Names the event of a record whose event field holds free text (`msg: "[instance: 9f3e...]
/// Attempting claim: memory 2048 MB"`): its first `maxTokens` words, with the words that carry
/// values (numbers, hex ids, UUIDs, addresses) masked as `*`. Records of one kind of message
/// then share an event; the draft spec selects them with a `matches` predicate on the field.
///
/// A word is masked when it holds a digit and either no letter, at least as many digits as
/// letters, or a run of 8 or more hex characters (`HTTP/1.1` and `Impl#451` stay words).
/// A word holding `/` (a URL path) is masked segment by segment, so that `/v2/*/servers` and
/// `/v2/*/os-server-external-events` stay two events. An event value without whitespace is a
/// name and is used as it is.
enum MessageTemplate {
    static let maxTokens = 8
    /// Marks a masked word or path segment in `words` (shown as `*`).
    static let mask = "\u{0}"

    /// Whether the value is free text (holds a space or tab) rather than an event name.
    @inline(__always)
    static func isFreeText(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            if p[i] == 0x20 || p[i] == 0x09 { return true }
            i += 1
        }
        return false
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Whether the word p[s..<e] carries a value (see the type's comment).
    @inline(__always)
    static func isMasked(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var digits = 0, letters = 0, hexRun = 0, longestHex = 0
        var i = s
        while i < e {
            let b = p[i]
            let isDigit = b &- 0x30 < 10
            let lower = b | 0x20
            let isLetter = lower &- 0x61 < 26
            if isDigit { digits += 1 } else if isLetter { letters += 1 }
            if isDigit || (lower &- 0x61 < 6) {
                hexRun += 1
                if hexRun > longestHex { longestHex = hexRun }
            } else {
                hexRun = 0
            }
            i += 1
        }
        guard digits > 0 else { return false }
        return letters == 0 || digits >= letters || longestHex >= 8
    }

    /// The template's hash (equal for values with the same template), without allocating.
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h = ValueHash.seed ^ 0x7E4D
        var tokens = 0
        var i = 0
        while tokens < maxTokens {
            while i < n, isSpace(p[i]) { i += 1 }
            if i >= n { break }
            let s = i
            while i < n, !isSpace(p[i]) { i += 1 }
            h = hashWord(h, p, s, i)
            tokens += 1
        }
        let f = ValueHash.finalise(h ^ UInt64(tokens))
        return f == 0 ? 1 : f
    }

    @inline(__always)
    static func hashWord(_ state: UInt64, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
        var h = state
        var k = s
        var a = s
        var sawSlash = false
        while k < e {
            if p[k] == UInt8(ascii: "/") { sawSlash = true; break }
            k += 1
        }
        guard sawSlash else {
            return isMasked(p, s, e) ? ValueHash.finalise(h ^ 0x2A2A) : ValueHash.finalise(ValueHash.combine(h, p + s, e - s))
        }
        k = s
        while k <= e {
            if k == e || p[k] == UInt8(ascii: "/") {
                h = isMasked(p, a, k) ? ValueHash.finalise(h ^ 0x2A2F) : ValueHash.finalise(ValueHash.combine(h ^ 0x2F, p + a, k - a))
                a = k + 1
            }
            k += 1
        }
        return h
    }

    /// A word as kept in `words`: literal text, `mask` for a masked word, or path segments
    /// joined by `/` with `mask` for masked ones.
    static func word(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
        func text(_ a: Int, _ b: Int) -> String { String(decoding: UnsafeBufferPointer(start: p + a, count: b - a), as: UTF8.self) }
        var k = s
        while k < e && p[k] != UInt8(ascii: "/") { k += 1 }
        guard k < e else { return isMasked(p, s, e) ? mask : text(s, e) }
        var parts: [String] = []
        var a = s
        k = s
        while k <= e {
            if k == e || p[k] == UInt8(ascii: "/") {
                parts.append(isMasked(p, a, k) ? mask : text(a, k))
                a = k + 1
            }
            k += 1
        }
        return parts.joined(separator: "/")
    }

    /// The template's words (see `word`).
    static func words(_ p: UnsafePointer<UInt8>, _ n: Int) -> [String] {
        var out: [String] = []
        var i = 0
        while out.count < maxTokens {
            while i < n, isSpace(p[i]) { i += 1 }
            if i >= n { break }
            let s = i
            while i < n, !isSpace(p[i]) { i += 1 }
            out.append(word(p, s, i))
        }
        return out
    }

    /// As shown to a person: words joined by spaces, `*` for masked ones, `...` when cut.
    static func display(_ words: [String], cut: Bool) -> String {
        words.map { $0.replacingOccurrences(of: mask, with: "*") }.joined(separator: " ") + (cut ? " ..." : "")
    }

    /// A regular expression (Swift `Regex` syntax) that matches the values with this template:
    /// anchored at the start; a masked word is a word holding a digit.
    static func pattern(_ words: [String]) -> String {
        var out = "^\\s*"
        for (k, w) in words.enumerated() {
            if k > 0 { out += "\\s+" }
            if w == mask {
                out += "\\S*\\d\\S*"
            } else if w.contains(mask) {
                out += w.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0 == mask ? "[^/\\s]*\\d[^/\\s]*" : escape(String($0)) }.joined(separator: "/")
            } else {
                out += escape(w)
            }
        }
        out += words.count < maxTokens ? "\\s*$" : "(\\s|$)"
        return out
    }

    static func escape(_ word: String) -> String {
        var out = ""
        for c in word {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
