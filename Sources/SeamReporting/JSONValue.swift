/// A JSON value whose objects keep their key order, written compact or pretty.
///
/// Seam writes its reports itself (no `JSONEncoder`) so that the schema's key order holds
/// and strings from logs are escaped the same way everywhere.
package enum JSONValue {
    case null
    case bool(Bool)
    /// A number's literal text, already valid JSON.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func count<T: BinaryInteger>(_ n: T) -> JSONValue { .number(String(n)) }

    /// Nanoseconds as exact decimal milliseconds (`1234567` -> `1.234567`), or null.
    package static func milliseconds(_ ns: Int64?) -> JSONValue {
        guard let ns else { return .null }
        let m = ns.magnitude, whole = m / 1_000_000, fraction = m % 1_000_000
        var text = (ns < 0 ? "-" : "") + String(whole)
        if fraction > 0 {
            var f = String(fraction)
            f = String(repeating: "0", count: 6 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            text += "." + f
        }
        return .number(text)
    }

    package static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    /// The JSON text: one line, or indented by two spaces per level.
    package func text(pretty: Bool = false) -> String {
        var out = ""
        write(to: &out, pretty: pretty, depth: 0)
        return out
    }

    func write(to out: inout String, pretty: Bool, depth: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                Self.newline(&out, pretty, depth + 1)
                item.write(to: &out, pretty: pretty, depth: depth + 1)
            }
            Self.newline(&out, pretty, depth)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                Self.newline(&out, pretty, depth + 1)
                Self.quote(key, into: &out)
                out += pretty ? ": " : ":"
                value.write(to: &out, pretty: pretty, depth: depth + 1)
            }
            Self.newline(&out, pretty, depth)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ pretty: Bool, _ depth: Int) {
        guard pretty else { return }
        out += "\n" + String(repeating: "  ", count: depth)
    }

    /// Appends `s` as a JSON string: quotes, backslashes and control characters escaped, and
    /// U+2028/U+2029 too (they end lines in JavaScript). Swift strings are valid Unicode, so
    /// invalid UTF-8 from logs has already become U+FFFD (see `quote(bytes:into:)`).
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let hex = String(c.value, radix: 16, uppercase: false)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }

    /// Appends raw bytes as a JSON string, each invalid UTF-8 sequence as U+FFFD.
    static func quote(bytes: [UInt8], into out: inout String) {
        quote(String(decoding: bytes, as: UTF8.self), into: &out)
    }
}
