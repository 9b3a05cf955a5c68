/// A parsed JSON value for structural comparison of object and array field values.
///
/// Off the hot path (only `agrees(with:)` on two composites uses it), so it allocates freely.
/// Recursion is bounded by `maxDepth`; deeper values do not parse (callers then compare raw text).
/// Object keys are decoded; duplicate keys keep the first value (as the scanners do).
indirect enum JSONTree {
    /// A string (decoded bytes), number (literal text), or `true`/`false`/`null`.
    case scalar(FieldKind, [UInt8])
    case array([JSONTree])
    /// Members sorted by key, duplicates removed.
    case object([(key: [UInt8], value: JSONTree)])

    /// Small enough for the recursion to fit a secondary thread's stack even in debug builds.
    static let maxDepth = 128

    /// Parses one JSON value filling all of `text` (surrounding whitespace allowed).
    static func parse(_ text: [UInt8]) -> JSONTree? {
        text.withUnsafeBytes { raw -> JSONTree? in
            guard let base = raw.baseAddress else { return nil }
            var parser = Parser(p: base.assumingMemoryBound(to: UInt8.self), n: raw.count)
            guard let v = parser.value(depth: 0) else { return nil }
            parser.skipSpace()
            return parser.i == parser.n ? v : nil
        }
    }

    /// Equality with scalars compared by the agree rule (same text or equal decimals) and
    /// object members by key regardless of order.
    func agrees(with other: JSONTree) -> Bool {
        switch (self, other) {
        case let (.scalar(k1, a), .scalar(k2, b)):
            if k1 == .null || k2 == .null { return k1 == k2 }
            return a == b || DecimalText.equal(a, b)
        case let (.array(a), .array(b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !x.agrees(with: y) { return false }
            return true
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where x.key != y.key || !x.value.agrees(with: y.value) { return false }
            return true
        default:
            return false
        }
    }

    private struct Parser {
        let p: UnsafePointer<UInt8>
        let n: Int
        var i = 0

        init(p: UnsafePointer<UInt8>, n: Int) {
            self.p = p
            self.n = n
        }

        mutating func skipSpace() {
            while i < n, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
        }

        mutating func string() -> [UInt8]? {
            guard i < n, p[i] == 0x22 else { return nil }
            var escaped = false
            guard let end = JSONFieldScanner.scanString(p, i + 1, n, &escaped) else { return nil }
            let raw = UnsafeRawBufferPointer(start: p + i + 1, count: end - i - 1)
            i = end + 1
            return escaped ? EscapedText.decode(raw) : [UInt8](raw)
        }

        mutating func literal(_ word: String, _ kind: FieldKind) -> JSONTree? {
            let w = Array(word.utf8)
            guard i + w.count <= n else { return nil }
            for k in 0..<w.count where p[i + k] != w[k] { return nil }
            i += w.count
            return .scalar(kind, w)
        }

        mutating func value(depth: Int) -> JSONTree? {
            guard depth < JSONTree.maxDepth else { return nil }
            skipSpace()
            guard i < n else { return nil }
            switch p[i] {
            case 0x22:
                return string().map { .scalar(.string, $0) }
            case UInt8(ascii: "t"): return literal("true", .true)
            case UInt8(ascii: "f"): return literal("false", .false)
            case UInt8(ascii: "n"): return literal("null", .null)
            case UInt8(ascii: "["):
                i += 1
                var items: [JSONTree] = []
                skipSpace()
                if i < n, p[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    guard let v = value(depth: depth + 1) else { return nil }
                    items.append(v)
                    skipSpace()
                    guard i < n else { return nil }
                    if p[i] == UInt8(ascii: ",") { i += 1; continue }
                    if p[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "{"):
                i += 1
                var members: [(key: [UInt8], value: JSONTree)] = []
                skipSpace()
                if i < n, p[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard let k = string() else { return nil }
                    skipSpace()
                    guard i < n, p[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    guard let v = value(depth: depth + 1) else { return nil }
                    members.append((k, v))
                    skipSpace()
                    guard i < n else { return nil }
                    if p[i] == UInt8(ascii: ",") { i += 1; continue }
                    if p[i] == UInt8(ascii: "}") { i += 1; break }
                    return nil
                }
                // Stable sort keeps duplicates in line order, so the first occurrence survives.
                let sorted = members.enumerated().sorted {
                    $0.element.key.lexicographicallyPrecedes($1.element.key)
                        || ($0.element.key == $1.element.key && $0.offset < $1.offset)
                }.map(\.element)
                var unique: [(key: [UInt8], value: JSONTree)] = []
                for m in sorted where unique.last?.key != m.key { unique.append(m) }
                return .object(unique)
            default:
                guard let end = JSONFieldScanner.scanNumber(p, i, n) else { return nil }
                let text = [UInt8](UnsafeRawBufferPointer(start: p + i, count: end - i))
                i = end
                return .scalar(.number, text)
            }
        }
    }
}
