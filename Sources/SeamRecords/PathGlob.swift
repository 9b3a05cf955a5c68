/// A path pattern from the spec (`**/log/*_log.csv`, `*.log`) matched against a source's display path.
///
/// `*` matches any run of characters except `/`, `?` one character except `/`, `[abc]` / `[a-z]` /
/// `[!a]` one character of a set, `**` as a whole path segment any number of segments (none
/// included), `\x` the character x. A pattern without `/` is matched against the file name only,
/// so `*.log` means "any file named *.log, in any folder". A path whose name ends in a
/// compression suffix (`.gz`, `.zst`) also matches when it does without it: `*.csv` matches
/// `x.csv.gz`, since a compressed log is the same log (`*.gz` still matches it as written).
/// Matching is by Unicode scalars,
/// backtracking only at `*` and `**`: O(pattern x path) per call, done once per source.
@_spi(SeamStages) public struct PathGlob: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    @_spi(SeamStages) public let text: String
    private let segments: [[Unicode.Scalar]]
    private let nameOnly: Bool

    @_spi(SeamStages) public struct Invalid: Error, Equatable, Sendable {
        @_spi(SeamStages) public var message: String
    }

    @_spi(SeamStages) public init(_ text: String) throws(Invalid) {
        guard !text.isEmpty else { throw Invalid(message: "the path pattern is empty; write e.g. '**/*.log'") }
        let scalars = Array(text.unicodeScalars)
        var depth = 0, i = 0
        while i < scalars.count {
            switch scalars[i] {
            case "\\": i += 1
            case "[": depth += 1
            case "]": if depth > 0 { depth -= 1 }
            default: break
            }
            i += 1
        }
        guard depth == 0 else { throw Invalid(message: "path pattern '\(text)' has a '[' without its ']'") }
        if text.hasSuffix("\\") { throw Invalid(message: "path pattern '\(text)' ends with a lone '\\'") }
        for seg in text.split(separator: "/", omittingEmptySubsequences: false) where seg.contains("**") && seg != "**" {
            throw Invalid(message: "path pattern '\(text)': '**' must be a whole segment, as in '**/x.log' (use '*' inside a name)")
        }
        self.text = text
        self.nameOnly = !text.contains("/")
        var t = text
        if t.hasPrefix("./") { t.removeFirst(2) }
        self.segments = t.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.unicodeScalars) }
    }

    @_spi(SeamStages) public var description: String { text }

    /// Whether `path` (a display path: as given or found, `-` for stdin) matches.
    @_spi(SeamStages) public func matches(_ path: String) -> Bool {
        var p = path
        if p.hasPrefix("./") { p.removeFirst(2) }
        var parts = p.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.unicodeScalars) }
        if nameOnly { parts = parts.last.map { [$0] } ?? [] }
        if Self.match(segments[...], parts[...]) { return true }
        guard let name = parts.last,
              let suffix = Self.compressionSuffixes.first(where: { name.count > $0.count && name.suffix($0.count).elementsEqual($0) })
        else { return false }
        parts[parts.count - 1] = Array(name.dropLast(suffix.count))
        return Self.match(segments[...], parts[...])
    }

    /// Name endings of compressed copies that a pattern for the plain name also matches.
    static let compressionSuffixes: [[Unicode.Scalar]] = [".gz", ".zst"].map { Array($0.unicodeScalars) }

    private static func match(_ pat: ArraySlice<[Unicode.Scalar]>, _ path: ArraySlice<[Unicode.Scalar]>) -> Bool {
        guard let first = pat.first else { return path.isEmpty }
        if first == ["*", "*"] {
            let rest = pat.dropFirst()
            var p = path
            while true {
                if match(rest, p) { return true }
                guard !p.isEmpty else { return false }
                p = p.dropFirst()
            }
        }
        guard let seg = path.first, matchSegment(first[...], seg[...]) else { return false }
        return match(pat.dropFirst(), path.dropFirst())
    }

    private static func matchSegment(_ pat: ArraySlice<Unicode.Scalar>, _ s: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let c = pat.first else { return s.isEmpty }
        switch c {
        case "*":
            var t = s
            while true {
                if matchSegment(pat.dropFirst(), t) { return true }
                guard !t.isEmpty else { return false }
                t = t.dropFirst()
            }
        case "?":
            return !s.isEmpty && matchSegment(pat.dropFirst(), s.dropFirst())
        case "[":
            guard let x = s.first else { return false }
            var i = pat.index(after: pat.startIndex)
            var negate = false
            if i < pat.endIndex, pat[i] == "!" || pat[i] == "^" { negate = true; i += 1 }
            var hit = false, firstInSet = true
            while i < pat.endIndex, pat[i] != "]" || firstInSet {
                firstInSet = false
                var lo = pat[i]
                if lo == "\\", i + 1 < pat.endIndex { i += 1; lo = pat[i] }
                if i + 2 < pat.endIndex, pat[i + 1] == "-", pat[i + 2] != "]" {
                    if lo.value <= x.value && x.value <= pat[i + 2].value { hit = true }
                    i += 3
                } else {
                    if lo == x { hit = true }
                    i += 1
                }
            }
            guard i < pat.endIndex, hit != negate else { return false }
            return matchSegment(pat[(i + 1)...], s.dropFirst())
        case "\\":
            let rest = pat.dropFirst()
            guard let lit = rest.first, s.first == lit else { return false }
            return matchSegment(rest.dropFirst(), s.dropFirst())
        default:
            return s.first == c && matchSegment(pat.dropFirst(), s.dropFirst())
        }
    }
}
