/// A regular expression with named groups, compiled at run time from the spec, that finds fields
/// in text (a whole line, a message, a pod name).
///
/// Swift `Regex` (not `NSRegularExpression`): it matches a Swift `String` directly in UTF-8, so a
/// group's range converts to byte offsets without the UTF-16 round trip Foundation needs, and
/// its syntax (PCRE-like: `(?<name>...)`, `\d`, `\S`, lazy and possessive quantifiers) is what
/// people paste from other tools. It runs with Unicode-scalar semantics (so `.` is one scalar,
/// not a grapheme cluster, as in other engines). Matching allocates a String per text (tens of
/// microseconds a line): fine for the text formats, never on the JSON/logfmt fast path.
/// `@unchecked Sendable`: wraps a compiled `Regex` that is never mutated after init.
@_spi(SeamStages) public final class TextPattern: @unchecked Sendable {
    /// The pattern as written.
    @_spi(SeamStages) public let source: String
    /// Named groups in pattern order.
    @_spi(SeamStages) public let names: [String]
    private let regex: Regex<AnyRegexOutput>

    /// Why a pattern is not valid; `message` is a sentence for people.
    @_spi(SeamStages) public struct Invalid: Error, Equatable, Sendable {
        @_spi(SeamStages) public var message: String
    }

    @_spi(SeamStages) public init(_ pattern: String) throws(Invalid) {
        do {
            regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            throw Invalid(message: "'\(pattern)' is not a valid regular expression: \(error)")
        }
        source = pattern
        names = Self.groupNames(pattern)
    }

    /// A matched group: byte offset and length within the text searched.
    @_spi(SeamStages) public struct Group: Equatable, Sendable {
        @_spi(SeamStages) public var start: Int
        @_spi(SeamStages) public var count: Int
    }

    /// Searches `bytes` (first match anywhere; anchor with `^`/`$` for whole lines). Returns nil
    /// when it does not match or the bytes are not valid UTF-8; else the whole match, then each
    /// of `names` (nil for a group that did not take part).
    @_spi(SeamStages) public func match(_ bytes: UnsafeRawBufferPointer) -> (whole: Group, groups: [Group?])? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return match(text)
    }

    /// The same on a String.
    @_spi(SeamStages) public func match(_ text: String) -> (whole: Group, groups: [Group?])? {
        guard let m = try? regex.firstMatch(in: text) else { return nil }
        let utf8 = text.utf8
        func group(_ r: Range<String.Index>) -> Group {
            let start = utf8.distance(from: utf8.startIndex, to: r.lowerBound)
            return Group(start: start, count: utf8.distance(from: r.lowerBound, to: r.upperBound))
        }
        let groups = names.map { name in m.output[name]?.range.map(group) }
        return (group(m.range), groups)
    }

    /// Whether the pattern occurs in `text`.
    @_spi(SeamStages) public func occurs(in text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }

    /// Names of `(?<name>...)`, `(?P<name>...)` and `(?'name'...)` groups, in order; lookbehinds
    /// `(?<=` / `(?<!` and escaped parentheses are not groups.
    static func groupNames(_ pattern: String) -> [String] {
        let s = Array(pattern.unicodeScalars)
        var names: [String] = []
        var i = 0
        var inClass = false
        while i < s.count {
            let c = s[i]
            if c == "\\" { i += 2; continue }
            if inClass { if c == "]" { inClass = false }; i += 1; continue }
            if c == "[" { inClass = true; i += 1; continue }
            if c == "(", i + 2 < s.count, s[i + 1] == "?" {
                var j = i + 2
                if s[j] == "P", j + 1 < s.count, s[j + 1] == "<" { j += 1 }
                let open = s[j]
                if (open == "<" || open == "'"), j + 1 < s.count, s[j + 1] != "=", s[j + 1] != "!" {
                    let close: Unicode.Scalar = open == "<" ? ">" : "'"
                    var k = j + 1
                    var name = ""
                    while k < s.count, s[k] != close { name.unicodeScalars.append(s[k]); k += 1 }
                    if k < s.count, !name.isEmpty, !names.contains(name) { names.append(name) }
                    i = k + 1
                    continue
                }
            }
            i += 1
        }
        return names
    }
}

extension TextPattern: Equatable {
    @_spi(SeamStages) public static func == (a: TextPattern, b: TextPattern) -> Bool { a.source == b.source }
}
