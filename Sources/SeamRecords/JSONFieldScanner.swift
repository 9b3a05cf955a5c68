@_spi(SeamStages) import SeamCore

/// Scans one JSON object line and records the spans of the plan's wanted fields only.
///
/// Single pass, O(line length), no allocation once its buffers have grown to the deepest line
/// seen. Strings are searched 16 bytes at a time (SSE2), then 8 (SWAR), for `"`, `\` and control
/// bytes (`scanString`). Unwanted objects and arrays are walked iteratively with a bit stack of
/// container kinds (1 bit per level), so a line nested 200,000 levels deep costs 25 KB, never
/// stack frames.
///
/// Validation: by default the whole line is checked against the JSON grammar (RFC 8259: string
/// escapes, no raw control bytes in strings, number grammar, literals, matching brackets,
/// nothing but whitespace around the object) so that `malformed` is honest. UTF-8 is *not*
/// validated: invalid bytes inside strings are kept as they are. `\uD800`-style lone surrogates
/// are accepted (decoded to U+FFFD). A `ScanStop` may end the scan after any target was found
/// (`stopEarly`: once every target was seen; `RecordDecoder`: once the record's outcome is
/// decided); the unread rest of the line is then not validated (see `Outcome`). Measured on
/// 350-byte lines (release, one core): ~800 MB/s validating fully, ~1500 MB/s stopping early.
///
/// Duplicate keys: the first occurrence wins (a later one never overwrites a span, so stopping
/// early gives the same values as a full scan). A repeated parent object is searched again for
/// wanted fields still missing.
@_spi(SeamStages) public struct JSONFieldScanner {
    /// How a scan ended.
    @_spi(SeamStages) public enum Outcome: Equatable, Sendable {
        /// The whole line is one valid JSON object.
        case complete
        /// The stop rule ended the scan; the rest of the line was not read (nor validated).
        case stoppedEarly
        /// The line is not a JSON object (as far as it was read). Spans are then unspecified.
        case malformed
    }

    @_spi(SeamStages) public let plan: FieldPlan
    @usableFromInline var buffers: ScanBuffers

    @_spi(SeamStages) public init(plan: FieldPlan) {
        self.plan = plan
        self.buffers = ScanBuffers(levels: plan.trie.levelCount)
    }

    /// Scans `line` into `spans` (resized to `plan.spanCapacity` once, then reused). After a
    /// non-malformed scan, `spans[slot]` for `slot < plan.count` holds each wanted field's span.
    @_spi(SeamStages) public mutating func scan(_ line: UnsafeRawBufferPointer, into spans: inout ContiguousArray<FieldSpan>,
                              stopEarly: Bool = false) -> Outcome {
        if spans.count != plan.spanCapacity {
            spans = ContiguousArray(repeating: .absent, count: plan.spanCapacity)
        }
        return spans.withUnsafeMutableBufferPointer { scan(line, into: $0.baseAddress!, stopEarly: stopEarly) }
    }

    /// Scans `line` into `spans`, which must hold `plan.spanCapacity` entries (all are reset).
    @_spi(SeamStages) public mutating func scan(_ line: UnsafeRawBufferPointer, into spans: UnsafeMutablePointer<FieldSpan>,
                              stopEarly: Bool = false) -> Outcome {
        if stopEarly {
            var stop = AllTargetsFound(total: plan.spanCapacity)
            return scan(line, into: spans, stop: &stop)
        }
        var never = NeverStop()
        return scan(line, into: spans, stop: &never)
    }

    /// Scans `line` into `spans` (`plan.spanCapacity` entries, all reset), asking `stop` after
    /// each target found whether to read on. Specialized per stop rule: `NeverStop` is free.
    @inline(__always)
    mutating func scan<S: ScanStop>(_ line: UnsafeRawBufferPointer, into spans: UnsafeMutablePointer<FieldSpan>,
                                    stop: inout S) -> Outcome {
        if !isKnownUniquelyReferenced(&buffers) { buffers = ScanBuffers(levels: plan.trie.levelCount) }
        return scan(line, into: spans, buffers: buffers, stop: &stop)
    }

    /// `scan(_:into:stop:)` with memory the caller owns alone (made by `makeBuffers`), so that
    /// a caller checking its own storage once per line spares the scanner a second check.
    @inline(__always)
    func scan<S: ScanStop>(_ line: UnsafeRawBufferPointer, into spans: UnsafeMutablePointer<FieldSpan>,
                           buffers: ScanBuffers, stop: inout S) -> Outcome {
        let total = plan.spanCapacity
        for t in 0..<total { spans[t] = .absent }
        guard let base = line.baseAddress, line.count > 0, line.count < Int(Int32.max) else { return .malformed }
        let outcome = Self.run(base.assumingMemoryBound(to: UInt8.self), line.count, plan.trie, buffers,
                               spans, &stop)
        if outcome != .malformed { plan.resolveAlternates(spans) }
        return outcome
    }

    /// Fresh scan memory for this scanner's plan (for `scan(_:into:buffers:stop:)`).
    func makeBuffers() -> ScanBuffers { ScanBuffers(levels: plan.trie.levelCount) }

    /// Whether the last byte of `line` that is not JSON whitespace is `}`: the cheap check of a
    /// line's unread rest after a scan stopped early (a truncated line fails it). O(trailing
    /// whitespace).
    @inline(__always)
    @_spi(SeamStages) public static func endsWithClosingBrace(_ line: UnsafeRawBufferPointer) -> Bool {
        var i = line.count - 1
        while i >= 0 && isSpace(line[i]) { i -= 1 }
        return i >= 0 && line[i] == UInt8(ascii: "}")
    }

    private enum State { case value, afterValue, key }

    @inline(__always)
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

    /// Index arithmetic wraps (`&+`) and spans convert with `truncatingIfNeeded`: the caller
    /// checked the line is shorter than `Int32.max`, so nothing here can overflow, and the
    /// checks cost about 15 instructions per field.
    private static func run<S: ScanStop>(_ p: UnsafePointer<UInt8>, _ n: Int, _ trie: KeyTrie, _ b: ScanBuffers,
                                         _ spans: UnsafeMutablePointer<FieldSpan>, _ stop: inout S) -> Outcome {
        let levelCount = trie.levelCount
        let levelNode = b.levelNode, captureTarget = b.captureTarget, captureStart = b.captureStart
        // Top-level keys seen so far in this line (the key cache's index).
        var ordinal = 0
        var i = 0
        var depth = 0
        // Trie node of the value about to be read (-1: unwanted). The top-level value is the root.
        var pending: Int32 = 0
        var state = State.value
        while i < n && isSpace(p[i]) { i &+= 1 }
        guard i < n, p[i] == UInt8(ascii: "{") else { return .malformed }

        while true {
            switch state {
            case .value:
                guard i < n else { return .malformed }
                let c = p[i]
                let target: Int32 = pending >= 0 ? trie.nodes[Int(pending)].target : -1
                var kind = FieldKind.absent
                var start = i
                var end = i
                var escaped = false
                switch c {
                case 0x22:
                    start = i &+ 1
                    guard let close = scanStringInline(p, start, n, &escaped) else { return .malformed }
                    end = close
                    i = close &+ 1
                    kind = .string
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let isObject = c == UInt8(ascii: "{")
                    b.push(depth, isObject)
                    if depth < levelCount {
                        let descend = isObject && pending >= 0 && trie.nodes[Int(pending)].edgeCount > 0
                        levelNode[depth] = descend ? pending : -1
                        captureTarget[depth] = target
                        captureStart[depth] = Int32(truncatingIfNeeded: i)
                    }
                    depth &+= 1
                    i &+= 1
                    while i < n && isSpace(p[i]) { i &+= 1 }
                    guard i < n else { return .malformed }
                    if p[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        state = .afterValue
                        if let r = close(&depth, &i, isObject, p, n, levelCount, captureTarget, captureStart,
                                         spans, &stop) { return r }
                    } else if isObject {
                        state = .key
                    } else {
                        pending = -1
                        state = .value
                    }
                    continue
                default:
                    guard let (k, e) = scanScalar(p, i, n, c) else { return .malformed }
                    kind = k; i = e; end = e
                }
                if capture(target, start, end, kind, escaped, spans, &stop) { return .stoppedEarly }
                state = .afterValue

            case .afterValue:
                while i < n && isSpace(p[i]) { i &+= 1 }
                guard i < n else { return .malformed }
                let c = p[i]
                let inObject = b.isObject(depth &- 1)
                if c == UInt8(ascii: ",") {
                    i &+= 1
                    while i < n && isSpace(p[i]) { i &+= 1 }
                    if inObject {
                        state = .key
                    } else {
                        pending = -1
                        state = .value
                    }
                } else if c == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    if let r = close(&depth, &i, inObject, p, n, levelCount, captureTarget, captureStart,
                                     spans, &stop) { return r }
                } else {
                    return .malformed
                }

            case .key:
                let level = depth &- 1
                let node: Int32 = level < levelCount ? levelNode[level] : -1
                if level != 0 {
                    guard let key = readKey(p, &i, n, node, trie, b) else { return .malformed }
                    pending = key.node
                    while i < n && isSpace(p[i]) { i &+= 1 }
                    state = .value
                    continue
                }
                // A top-level key: the key cache (`ScanBuffers.keyCache`) first: the same bytes up
                // to the colon as a key seen at this place in recent lines are the same key.
                let cached = ordinal < ScanBuffers.keyCacheCount
                    && i &+ ScanBuffers.KeyCacheEntry.capacity <= n
                // Safe: the cache compares whole words, `KeyCacheEntry.capacity` bytes from `p + i`;
                // `cached` holds only when that many are inside the line.
                if cached, let e = b.cachedKey(ordinal, UnsafeRawPointer(p + i)) {
                    assert(i &+ ScanBuffers.KeyCacheEntry.capacity <= n && e.pointee.length <= n &- i)
                    pending = e.pointee.node
                    i &+= e.pointee.length
                } else {
                    let ks = i
                    guard let key = readKey(p, &i, n, node, trie, b) else { return .malformed }
                    pending = key.node
                    if cached && !key.escaped {
                        // Safe: as above, `cached` means 24 bytes from `p + ks` are inside the line.
                        b.rememberKey(ordinal, UnsafeRawPointer(p + ks), length: i &- ks, node: pending)
                    }
                }
                ordinal &+= 1
                while i < n && isSpace(p[i]) { i &+= 1 }
                state = .value
            }
        }
    }

    /// Reads the key whose opening quote is at `i` and the colon after it, leaving `i` just past
    /// the colon: the key's trie node under `node` (-1: unwanted) and whether it holds an escape;
    /// nil when the bytes break the grammar.
    @inline(__always)
    private static func readKey(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ node: Int32, _ trie: KeyTrie,
                                _ b: ScanBuffers) -> (node: Int32, escaped: Bool)? {
        guard i < n, p[i] == 0x22 else { return nil }
        let ks = i &+ 1
        var escaped = false
        guard let ke = scanStringInline(p, ks, n, &escaped) else { return nil }
        let found = node < 0 ? -1 : lookUp(p, ks, ke, n, escaped, node, trie, b)
        i = ke &+ 1
        while i < n && isSpace(p[i]) { i &+= 1 }
        guard i < n, p[i] == UInt8(ascii: ":") else { return nil }
        i &+= 1
        return (found, escaped)
    }

    /// The trie node of key `p[ks..<ke]` under `node` (`escaped`: decoded first). Out of line:
    /// the `.key` state answers most top-level keys from the key cache without it.
    @inline(never)
    private static func lookUp(_ p: UnsafePointer<UInt8>, _ ks: Int, _ ke: Int, _ n: Int, _ escaped: Bool,
                               _ node: Int32, _ trie: KeyTrie, _ b: ScanBuffers) -> Int32 {
        guard escaped else {
            return trie.child(of: node, key: p + ks, length: ke &- ks,
                              prefix: KeyTrie.prefix(p + ks, length: ke &- ks, readable: n &- ks))
        }
        let scratch = b.keyScratch(capacity: ke &- ks)
        let len = EscapedText.decode(p + ks, count: ke &- ks, into: scratch)
        return trie.child(of: node, key: scratch, length: len, prefix: KeyTrie.prefix(scratch, length: len))
    }

    /// Stores the span of a scalar value for `target` (-1: unwanted) unless a first occurrence
    /// was stored already, and asks `stop`; true when the scan can stop.
    @inline(__always)
    private static func capture<S: ScanStop>(_ target: Int32, _ start: Int, _ end: Int, _ kind: FieldKind, _ escaped: Bool,
                                             _ spans: UnsafeMutablePointer<FieldSpan>, _ stop: inout S) -> Bool {
        guard target >= 0 && spans[Int(target)].kind == .absent else { return false }
        spans[Int(target)] = FieldSpan(start: Int32(truncatingIfNeeded: start), count: Int32(truncatingIfNeeded: end &- start),
                                       kind: kind, escaped: escaped)
        return stop.found(Int(target), spans)
    }

    /// A scalar that is not a string, starting with `c` at `i`: its kind and end, or nil when
    /// it breaks the grammar.
    @inline(__always)
    private static func scanScalar(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ c: UInt8) -> (FieldKind, Int)? {
        switch c {
        case UInt8(ascii: "t"):
            guard i &+ 4 <= n, p[i &+ 1] == UInt8(ascii: "r"), p[i &+ 2] == UInt8(ascii: "u"),
                  p[i &+ 3] == UInt8(ascii: "e") else { return nil }
            return (.true, i &+ 4)
        case UInt8(ascii: "f"):
            guard i &+ 5 <= n, p[i &+ 1] == UInt8(ascii: "a"), p[i &+ 2] == UInt8(ascii: "l"),
                  p[i &+ 3] == UInt8(ascii: "s"), p[i &+ 4] == UInt8(ascii: "e") else { return nil }
            return (.false, i &+ 5)
        case UInt8(ascii: "n"):
            guard i &+ 4 <= n, p[i &+ 1] == UInt8(ascii: "u"), p[i &+ 2] == UInt8(ascii: "l"),
                  p[i &+ 3] == UInt8(ascii: "l") else { return nil }
            return (.null, i &+ 4)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let e = scanNumber(p, i, n) else { return nil }
            return (.number, e)
        default:
            return nil
        }
    }

    /// Closes the container whose closing bracket is at `i`; returns the outcome when it was the
    /// top-level object, else nil (the caller continues after the value).
    @inline(__always)
    private static func close<S: ScanStop>(_ depth: inout Int, _ i: inout Int, _ isObject: Bool,
                                           _ p: UnsafePointer<UInt8>, _ n: Int, _ levelCount: Int,
                                           _ captureTarget: UnsafeMutablePointer<Int32>,
                                           _ captureStart: UnsafeMutablePointer<Int32>,
                                           _ spans: UnsafeMutablePointer<FieldSpan>, _ stop: inout S) -> Outcome? {
        depth &-= 1
        if depth < levelCount {
            let t = Int(captureTarget[depth])
            if t >= 0 && spans[t].kind == .absent {
                let start = Int(captureStart[depth])
                spans[t] = FieldSpan(start: Int32(start), count: Int32(i &+ 1 - start),
                                     kind: isObject ? .object : .array, escaped: false)
                if stop.found(t, spans) { return .stoppedEarly }
            }
        }
        i &+= 1
        if depth == 0 {
            while i < n && isSpace(p[i]) { i &+= 1 }
            return i == n ? .complete : .malformed
        }
        return nil
    }

    /// `scanString` with its commonest case in the caller: a string closed within the first 32
    /// bytes (most keys and values of a log line, RFC 3339 times included), with no escape or
    /// control byte before its quote. Everything else takes the out-of-line loop, same result.
    @inline(__always)
    static func scanStringInline(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ escaped: inout Bool) -> Int? {
        if start &+ 16 <= n {
            let k = firstStringStop(UnsafeRawPointer(p + start).loadUnaligned(as: SIMD16<UInt8>.self))
            if k < 16 {
                if p[start &+ k] == 0x22 { return start &+ k }
            } else if start &+ 32 <= n {
                let k2 = firstStringStop(UnsafeRawPointer(p + (start &+ 16)).loadUnaligned(as: SIMD16<UInt8>.self))
                if k2 < 16 && p[start &+ 16 &+ k2] == 0x22 { return start &+ 16 &+ k2 }
            }
        }
        return scanString(p, start, n, &escaped)
    }

    /// Index of the closing quote of the string whose content starts at `start`, or nil when the
    /// string is unterminated or holds a bad escape or a raw control byte. Sets `escaped` on `\`.
    ///
    /// Searches 16 bytes at a time (`firstStringStop`, SSE2) while 16 bytes of the line are
    /// left, then 8 (SWAR), then bytewise; each step finds the first `"`, `\` or control byte,
    /// which the byte code then handles. Never reads at or past `p + n`. Out of line: the scan
    /// loop inlines `scanStringInline` only.
    @inline(never)
    static func scanString(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ escaped: inout Bool) -> Int? {
        var i = start
        while true {
            search: do {
                while i &+ 16 <= n {
                    let k = firstStringStop(UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<UInt8>.self))
                    i &+= k
                    if k < 16 { break search }
                }
                while i &+ 8 <= n {
                    let m = SWAR.stringStop(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self).littleEndian)
                    if m != 0 {
                        i &+= m.trailingZeroBitCount >> 3
                        break search
                    }
                    i &+= 8
                }
            }
            guard i < n else { return nil }
            let c = p[i]
            if c == 0x22 { return i }
            if c == 0x5C {
                escaped = true
                guard i + 1 < n else { return nil }
                switch p[i + 1] {
                case 0x22, 0x5C, 0x2F, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                     UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard EscapedText.hex4(p, i + 2, n) != nil else { return nil }
                    i += 6
                default:
                    return nil
                }
                continue
            }
            if c < 0x20 { return nil }
            i += 1
        }
    }

    /// Index of the first byte of `v` that is `"`, `\` or a control byte (< 0x20); 16 when none.
    ///
    /// The SWAR tests per byte lane (`x &- 1` and `v &- 0x20` cannot borrow across lanes here,
    /// so each lane's bit 7 is exact), because Swift 6.3 turns these lane-wise `&-`, `^`, `&`
    /// into SSE2 instructions but SIMD comparisons (`.==`, `.<`) into a loop over the lanes.
    @inline(__always)
    static func firstStringStop(_ v: SIMD16<UInt8>) -> Int {
        let one = SIMD16<UInt8>(repeating: 1)
        let q = v ^ SIMD16(repeating: 0x22), b = v ^ SIMD16(repeating: 0x5C)
        let hit = (((q &- one) & ~q) | ((b &- one) & ~b) | ((v &- SIMD16(repeating: 0x20)) & ~v))
            & SIMD16(repeating: 0x80)
        let halves = unsafeBitCast(hit, to: SIMD2<UInt64>.self)
        let lo = halves[0].littleEndian, hi = halves[1].littleEndian
        // trailingZeroBitCount of 0 is 64: no hit gives (64 + 64) / 8 = 16.
        let bit = lo != 0 ? lo.trailingZeroBitCount : 64 &+ hi.trailingZeroBitCount
        return bit &>> 3
    }

    /// End index of the JSON number starting at `i`, or nil when it breaks the grammar
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`. Any length of digits is fine.
    @inline(__always)
    static func scanNumber(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int? {
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
        var j = start
        if p[j] == UInt8(ascii: "-") { j += 1 }
        guard j < n else { return nil }
        if p[j] == UInt8(ascii: "0") {
            j += 1
        } else if isDigit(p[j]) {
            while j < n && isDigit(p[j]) { j += 1 }
        } else {
            return nil
        }
        if j < n && p[j] == UInt8(ascii: ".") {
            j += 1
            let ds = j
            while j < n && isDigit(p[j]) { j += 1 }
            guard j > ds else { return nil }
        }
        if j < n && (p[j] == UInt8(ascii: "e") || p[j] == UInt8(ascii: "E")) {
            j += 1
            if j < n && (p[j] == UInt8(ascii: "+") || p[j] == UInt8(ascii: "-")) { j += 1 }
            let ds = j
            while j < n && isDigit(p[j]) { j += 1 }
            guard j > ds else { return nil }
        }
        return j
    }
}
