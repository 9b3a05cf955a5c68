@_spi(SeamStages) import SeamCore

/// Scans one logfmt line (`k=v k="quoted \"v\"" bare_key k=`) into the plan's spans.
///
/// Keys are literal (dots included): only the plan's literal top-level keys match, there is no
/// nesting. Values: a quoted value is a `.string` of the text between the quotes, `escaped`
/// when it holds a backslash (decoded like JSON: `\" \\ \n \t \uXXXX`..., unknown escapes kept);
/// a bare value runs to the next space or tab and may hold `=` and `"` (URLs such as
/// `path=/a?b=c` are common); `k=` is the empty string; a key without `=` is `.true`.
/// Duplicate keys: the first occurrence wins, as in JSON.
///
/// Malformed: no `k=v` pair at all (plain text), an unterminated quoted value, a quoted value
/// followed by something other than a space or the line end, an empty key (`=v`), or a key
/// holding `"`. O(line length), no allocation.
@_spi(SeamStages) public struct LogfmtScanner {
    @_spi(SeamStages) public let plan: FieldPlan

    @_spi(SeamStages) public init(plan: FieldPlan) { self.plan = plan }

    /// Scans `line` into `spans` (resized to `plan.spanCapacity` once); false when malformed.
    @_spi(SeamStages) public func scan(_ line: UnsafeRawBufferPointer, into spans: inout ContiguousArray<FieldSpan>) -> Bool {
        if spans.count != plan.spanCapacity {
            spans = ContiguousArray(repeating: .absent, count: plan.spanCapacity)
        }
        return spans.withUnsafeMutableBufferPointer { scan(line, into: $0.baseAddress!) }
    }

    /// Scans `line` into `spans` (`plan.spanCapacity` entries, all reset); false when malformed.
    @_spi(SeamStages) public func scan(_ line: UnsafeRawBufferPointer, into spans: UnsafeMutablePointer<FieldSpan>) -> Bool {
        for t in 0..<plan.spanCapacity { spans[t] = .absent }
        guard let base = line.baseAddress, line.count > 0, line.count < Int(Int32.max) else { return false }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = line.count
        let trie = plan.trie
        var pairs = 0
        var i = 0
        while true {
            while i < n && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
            if i == n { break }
            let ks = i
            while i < n && p[i] > 0x20 && p[i] != UInt8(ascii: "=") {
                if p[i] == 0x22 { return false }
                i += 1
            }
            let ke = i
            if ke == ks { return false }  // `=v` or a control byte where a key should start
            var span = FieldSpan(start: Int32(ks), count: 0, kind: .true, escaped: false)
            if i < n && p[i] == UInt8(ascii: "=") {
                i += 1
                pairs += 1
                if i < n && p[i] == 0x22 {
                    let vs = i + 1
                    var escaped = false
                    guard let close = Self.closingQuote(p, vs, n, &escaped) else { return false }
                    i = close + 1
                    guard i == n || p[i] == 0x20 || p[i] == 0x09 else { return false }
                    span = FieldSpan(start: Int32(vs), count: Int32(close - vs), kind: .string, escaped: escaped)
                } else {
                    let vs = i
                    while i < n && p[i] > 0x20 { i += 1 }
                    span = FieldSpan(start: Int32(vs), count: Int32(i - vs), kind: .string, escaped: false)
                }
            } else if i < n && p[i] != 0x20 && p[i] != 0x09 {
                return false  // a control byte inside a key
            }
            let node = trie.child(of: 0, key: p + ks, length: ke - ks, prefix: KeyTrie.prefix(p + ks, length: ke - ks, readable: n - ks))
            if node >= 0 {
                let t = Int(trie.nodes[Int(node)].target)
                if t >= 0 && t < plan.count && spans[t].kind == .absent { spans[t] = span }
            }
        }
        return pairs > 0
    }

    /// Index of the quote closing a quoted value whose text starts at `start` (a backslash
    /// escapes the next byte), or nil when unterminated.
    @inline(__always)
    static func closingQuote(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ escaped: inout Bool) -> Int? {
        var i = start
        while true {
            while i &+ 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self).littleEndian
                let m = SWAR.equal(w, 0x22) | SWAR.equal(w, 0x5C)
                if m != 0 {
                    i &+= m.trailingZeroBitCount >> 3
                    break
                }
                i &+= 8
            }
            guard i < n else { return nil }
            let c = p[i]
            if c == 0x22 { return i }
            if c == 0x5C {
                escaped = true
                i += 2
                continue
            }
            i += 1
        }
    }
}
