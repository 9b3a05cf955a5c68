import Foundation
@_spi(SeamStages) import Seam

/// What `JSONSerialization` says about a line, and the filters for documented policy differences.
package enum JSONReference {
    /// SEMANTICS lookup on a parsed object: the literal key when non-null, else nested.
    package static func lookup(_ object: [String: Any], _ path: FieldPath) -> Any? {
        if let v = object[path.text], !(v is NSNull) { return v }
        guard path.components.count > 1 else { return object[path.text] }
        var current: Any = object
        for c in path.components {
            guard let d = current as? [String: Any], let v = d[c] else { return nil }
            current = v
        }
        return current
    }

    /// Whether the scanner's span in `line` holds the reference value `expected`.
    package static func matches(_ span: FieldSpan, in line: [UInt8], _ expected: Any?) -> Bool {
        let raw = Array(line[Int(span.start)..<Int(span.start) + Int(span.count)])
        guard let expected, !(expected is NSNull) else { return span.kind == .absent || span.kind == .null }
        switch span.kind {
        case .absent, .null:
            return false
        case .string:
            guard let s = expected as? String else { return false }
            let decoded = span.escaped ? raw.withUnsafeBytes { EscapedText.decode($0) } : raw
            return Array(String(decoding: decoded, as: UTF8.self).unicodeScalars) == Array(s.unicodeScalars)
        case .true, .false:
            return !(expected is String) && (expected as? Bool) == (span.kind == .true)
        case .number:
            guard !(expected is String), let n = expected as? NSNumber, let d = Double(String(decoding: raw, as: UTF8.self))
            else { return false }
            if DecimalText.equal(raw, Array(n.description.utf8)) { return true }
            return abs(n.doubleValue - d) <= abs(d) * 1e-12
        case .object, .array:
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed])
            else { return false }
            return deepEqual(parsed, expected)
        }
    }

    static func deepEqual(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? [String: Any], let y = b as? [String: Any] {
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { deepEqual(v, $0) } ?? false }
        }
        if let x = a as? [Any], let y = b as? [Any] {
            return x.count == y.count && zip(x, y).allSatisfy { deepEqual($0, $1) }
        }
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if let x = a as? String, let y = b as? String { return Array(x.unicodeScalars) == Array(y.unicodeScalars) }
        if a is String || b is String { return false }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y }
        return false
    }

    /// A `\uXXXX` surrogate escape that is not half of a high+low pair.
    package static func hasLoneSurrogate(_ b: [UInt8]) -> Bool {
        func unit(_ i: Int) -> UInt32? {
            guard i + 5 < b.count, b[i] == 0x5C, b[i + 1] == UInt8(ascii: "u") else { return nil }
            return UInt32(String(decoding: b[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16)
        }
        var i = 0
        while i < b.count {
            if b[i] == 0x5C, i + 1 < b.count {
                if let u = unit(i) {
                    if u >= 0xDC00 && u <= 0xDFFF { return true }
                    if u >= 0xD800 && u <= 0xDBFF {
                        guard let low = unit(i + 6), low >= 0xDC00 && low <= 0xDFFF else { return true }
                        i += 12
                        continue
                    }
                    i += 6
                    continue
                }
                i += 2
                continue
            }
            i += 1
        }
        return false
    }

    /// A run of digits (with `.`) of 300+, or an exponent of 3+ digits: Double cannot hold it.
    package static func beyondDouble(_ b: [UInt8]) -> Bool {
        var run = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if (c >= 0x30 && c <= 0x39) || c == 0x2E {
                run += 1
                if run >= 300 { return true }
            } else {
                run = 0
            }
            if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                var j = i + 1
                if j < b.count && (b[j] == 0x2B || b[j] == 0x2D) { j += 1 }
                var digits = 0
                while j < b.count && b[j] >= 0x30 && b[j] <= 0x39 { digits += 1; j += 1 }
                if digits >= 3 { return true }
            }
            i += 1
        }
        return false
    }

    /// Whether the bytes hold U+FEFF (EF BB BF) anywhere.
    package static func containsBOM(_ b: [UInt8]) -> Bool {
        guard b.count >= 3 else { return false }
        for i in 0...(b.count - 3) where b[i] == 0xEF && b[i + 1] == 0xBB && b[i + 2] == 0xBF { return true }
        return false
    }

    /// `,` followed by optional whitespace and a closing bracket.
    package static func hasTrailingComma(_ text: String) -> Bool {
        text.range(of: ",[ \t\r\n]*[]}]", options: .regularExpression) != nil
    }

    /// Deepest bracket nesting, counting brackets outside strings.
    package static func depth(_ b: [UInt8]) -> Int {
        var d = 0, deepest = 0, inString = false, i = 0
        while i < b.count {
            let c = b[i]
            if inString {
                if c == 0x5C { i += 1 } else if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
            } else if c == 0x7B || c == 0x5B {
                d += 1
                deepest = max(deepest, d)
            } else if c == 0x7D || c == 0x5D {
                d -= 1
            }
            i += 1
        }
        return deepest
    }

    /// Whether some object in a valid JSON text repeats a key (Foundation keeps one of them,
    /// the scanner the first: values are then not compared).
    package static func hasDuplicateKeys(_ b: [UInt8]) -> Bool {
        // Per open container: nil for an array, else the keys seen (raw, decoded by Foundation).
        var stack: [Set<[UInt16]>?] = []
        var expectKey = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x22 {
                var j = i + 1
                while j < b.count && b[j] != 0x22 { j += b[j] == 0x5C ? 2 : 1 }
                let literal = Array(b[i...min(j, b.count - 1)])
                if expectKey, let top = stack.last, var keys = top {
                    let key = (try? JSONSerialization.jsonObject(with: Data(literal), options: [.fragmentsAllowed])) as? String
                    let units = Array((key ?? "").utf16)
                    if keys.contains(units) { return true }
                    keys.insert(units)
                    stack[stack.count - 1] = keys
                }
                expectKey = false
                i = j + 1
                continue
            }
            switch c {
            case 0x7B: stack.append(Set()); expectKey = true
            case 0x5B: stack.append(nil); expectKey = false
            case 0x7D, 0x5D: _ = stack.popLast(); expectKey = false
            case 0x2C: expectKey = stack.last.map { $0 != nil } ?? false
            case 0x3A: expectKey = false
            default: break
            }
            i += 1
        }
        return false
    }
}
