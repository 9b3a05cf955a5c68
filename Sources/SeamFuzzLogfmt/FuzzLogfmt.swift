@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-logfmt`: `LogfmtScanner` against a plain reference tokenizer.
///
/// The reference is the grammar of `LogfmtScanner`'s doc comment written with arrays and a
/// dictionary (no trie, no SWAR): pairs separated by spaces or tabs; a key is bytes > 0x20
/// without `=` or `"`; `k="..."` (backslash escapes the next byte; the closing quote must end
/// the line or be followed by a space or tab), `k=bare` (to the next byte <= 0x20), `k=` (empty
/// string), `k` (true); at least one `=`; first occurrence wins. Properties: same accept/reject,
/// same span (kind, bytes, escaped) for every wanted key; escape decoding never grows a value
/// and keeps a value without backslashes as it is.
enum FuzzLogfmt {
    static let paths: [FieldPath] = ["ts", "service", "event", "msg", "a", "a.b", "id", "k", "level", "x\"y", "ü"]
    static let plan = FieldPlan(paths: paths)
    // libFuzzer runs one input at a time on one thread.
    nonisolated(unsafe) static let scanner = LogfmtScanner(plan: plan)
    nonisolated(unsafe) static var spans = ContiguousArray<FieldSpan>()

    struct Value: Equatable {
        var kind: FieldKind
        var bytes: [UInt8]
        var escaped: Bool
    }

    static func reference(_ b: [UInt8]) -> [String: Value]? {
        var found: [[UInt8]: Value] = [:]
        var pairs = 0
        var i = 0
        let n = b.count
        while true {
            while i < n && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            if i == n { break }
            let ks = i
            while i < n && b[i] > 0x20 && b[i] != 0x3D {
                if b[i] == 0x22 { return nil }
                i += 1
            }
            if i == ks { return nil }
            let key = Array(b[ks..<i])
            var value = Value(kind: .true, bytes: [], escaped: false)
            if i < n && b[i] == 0x3D {
                i += 1
                pairs += 1
                if i < n && b[i] == 0x22 {
                    var j = i + 1
                    var escaped = false
                    while j < n && b[j] != 0x22 {
                        if b[j] == 0x5C { escaped = true; j += 2 } else { j += 1 }
                    }
                    if j >= n { return nil }
                    value = Value(kind: .string, bytes: Array(b[(i + 1)..<j]), escaped: escaped)
                    i = j + 1
                    if !(i == n || b[i] == 0x20 || b[i] == 0x09) { return nil }
                } else {
                    let vs = i
                    while i < n && b[i] > 0x20 { i += 1 }
                    value = Value(kind: .string, bytes: Array(b[vs..<i]), escaped: false)
                }
            } else if i < n && b[i] != 0x20 && b[i] != 0x09 {
                return nil
            }
            if found[key] == nil { found[key] = value }
        }
        guard pairs > 0 else { return nil }
        var out: [String: Value] = [:]
        for path in paths {
            if let v = found[Array(path.text.utf8)] { out[path.text] = v }
        }
        return out
    }

    static func check(_ bytes: [UInt8]) {
        let accepted = bytes.withUnsafeBytes { scanner.scan($0, into: &spans) }
        let expected = reference(bytes)
        FuzzDriver.require(accepted == (expected != nil), "scanner \(accepted), reference \(expected != nil): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        if let expected {
            for (slot, path) in plan.paths.enumerated() {
                let span = spans[slot]
                let got: Value? = span.kind == .absent ? nil
                    : Value(kind: span.kind, bytes: Array(bytes[Int(span.start)..<Int(span.start) + Int(span.count)]), escaped: span.escaped)
                FuzzDriver.require(got == expected[path.text], "key \(path): scanner \(String(describing: got)) vs reference \(String(describing: expected[path.text]))")
            }
        }
        let decoded = bytes.withUnsafeBytes { EscapedText.decode($0) }
        FuzzDriver.require(decoded.count <= bytes.count, "escape decoding grew \(bytes.count) -> \(decoded.count)")
        if !bytes.contains(0x5C) { FuzzDriver.require(decoded == bytes, "decoding changed text without escapes") }
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzLogfmt.check(FuzzDriver.bytes(data, size))
    return 0
}
