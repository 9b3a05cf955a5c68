@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
import SeamSpec

/// One field of a record as `FieldWalker` found it: its path (hashed, and its bytes in the
/// walker's name buffer) and where its value's bytes lie (in the line, or in a decoder's
/// buffer: valid while the record is).
struct WalkedField {
    enum Kind: UInt8 { case string, number, bool, composite }
    var nameHash: UInt64
    var nameStart: Int32
    var nameCount: Int32
    var value: UnsafePointer<UInt8>
    var valueCount: Int32
    var kind: Kind
    /// A JSON string holding a backslash: decode before use.
    var escaped: Bool
}

/// Lists every field of a JSON object line (nested objects as `a.b`, up to `maxDepth` levels;
/// arrays and deeper objects as one composite value) or of a logfmt line, for `seam discover`,
/// which must see fields no spec names yet. `check`'s scanners read only the planned paths.
///
/// Lenient: it stops quietly at the first byte it cannot read and keeps what it found (the
/// record decoder has already decided whether the line is an event). Duplicate keys are kept
/// once (the first). At most `maxFields` fields per line. No allocation per line: fields and
/// names go into buffers reused from line to line (valid until the next walk).
///
/// Raw memory (asserted in debug builds where a field is stored): `count <= maxFields`
/// entries of `fields`; `namesUsed <= namesCapacity` bytes of `names` (which moves when it
/// grows: fields hold offsets into it); `path` holds `maxName * (maxDepth + 1) + 8` bytes (a
/// name per level and its dots). The walk reads the line through pointers end to end, once per
/// line in `seam discover`: kept as it is (changing it is not a local change), checked by the
/// discovery tests.
final class FieldWalker {
    static let maxFields = 64
    static let maxDepth = 4
    private static let maxName = 256

    private(set) var count = 0
    let fields: UnsafeMutablePointer<WalkedField>
    /// Path bytes of the fields found (`nameStart`/`nameCount`).
    private(set) var names: UnsafeMutablePointer<UInt8>
    private var namesCapacity = 4096
    private var namesUsed = 0
    /// The current path prefix (`a.b.`) while inside nested objects.
    private let path: UnsafeMutablePointer<UInt8>

    init() {
        fields = .allocate(capacity: Self.maxFields)
        names = .allocate(capacity: namesCapacity)
        path = .allocate(capacity: Self.maxName * (Self.maxDepth + 1) + 8)
    }

    deinit {
        fields.deallocate()
        names.deallocate()
        path.deallocate()
    }

    /// The name of field `i` as a String (allocates: only for fields new to their event).
    func name(_ i: Int) -> String {
        let f = fields[i]
        return String(decoding: UnsafeBufferPointer(start: names + Int(f.nameStart), count: Int(f.nameCount)), as: UTF8.self)
    }

    /// Forgets the fields found (the next walks add to an empty list).
    func reset() {
        count = 0
        namesUsed = 0
    }

    @inline(__always)
    private func emit(pathCount: Int, value: UnsafePointer<UInt8>, valueCount: Int, kind: WalkedField.Kind, escaped: Bool) {
        guard count < Self.maxFields, pathCount > 0 else { return }
        let h = ValueHash.hash(path, pathCount)
        for k in 0..<count where fields[k].nameHash == h { return }  // duplicate key: first wins
        if namesUsed + pathCount > namesCapacity {
            var c = namesCapacity * 2
            while c < namesUsed + pathCount { c *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            bigger.update(from: names, count: namesUsed)
            names.deallocate()
            names = bigger
            namesCapacity = c
        }
        assert(count < Self.maxFields && namesUsed + pathCount <= namesCapacity && pathCount <= Self.maxName * (Self.maxDepth + 1) + 8)
        (names + namesUsed).update(from: path, count: pathCount)
        fields[count] = WalkedField(nameHash: h, nameStart: Int32(namesUsed), nameCount: Int32(pathCount),
                                    value: value, valueCount: Int32(valueCount), kind: kind, escaped: escaped)
        namesUsed += pathCount
        count += 1
    }

    /// Adds one field found elsewhere (a `FormatDecoder`'s table), unless one of that name is
    /// already there.
    func add(nameHash: UInt64, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        guard count < Self.maxFields, let nb = name.baseAddress else { return }
        for k in 0..<count where fields[k].nameHash == nameHash { return }
        let valuePointer = value.baseAddress.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? UnsafePointer(names)
        let n = min(name.count, Self.maxName)
        if namesUsed + n > namesCapacity {
            var c = namesCapacity * 2
            while c < namesUsed + n { c *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            bigger.update(from: names, count: namesUsed)
            names.deallocate()
            names = bigger
            namesCapacity = c
        }
        assert(count < Self.maxFields && namesUsed + n <= namesCapacity)
        (names + namesUsed).update(from: nb.assumingMemoryBound(to: UInt8.self), count: n)
        fields[count] = WalkedField(nameHash: nameHash, nameStart: Int32(namesUsed), nameCount: Int32(n),
                                    value: valuePointer, valueCount: Int32(value.count), kind: .string, escaped: false)
        namesUsed += n
        count += 1
    }

    // MARK: JSON

    /// Walks a JSON object line, adding its fields to those found (`reset` first for a new
    /// record). Returns the number of fields found in all.
    @discardableResult
    func walkJSON(_ line: UnsafeRawBufferPointer) -> Int {
        guard let base = line.baseAddress, line.count > 1 else { return 0 }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var i = 0
        skipSpace(p, line.count, &i)
        guard i < line.count, p[i] == UInt8(ascii: "{") else { return 0 }
        i += 1
        object(p, line.count, &i, prefix: 0, depth: 1)
        return count
    }

    @inline(__always)
    private func skipSpace(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) {
        while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
    }

    /// The members of an object whose `{` was consumed; false when the line ended or broke.
    @discardableResult
    private func object(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, prefix: Int, depth: Int) -> Bool {
        while true {
            skipSpace(p, n, &i)
            guard i < n else { return false }
            if p[i] == UInt8(ascii: "}") { i += 1; return true }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            guard p[i] == UInt8(ascii: "\"") else { return false }
            // Key.
            let ks = i + 1
            var escaped = false
            guard let ke = stringEnd(p, n, from: ks, escaped: &escaped) else { return false }
            var pathCount = prefix
            let keyLength = ke - ks
            if keyLength <= Self.maxName {
                if escaped {
                    pathCount += EscapedText.decode(p + ks, count: keyLength, into: path + prefix)
                } else {
                    (path + prefix).update(from: p + ks, count: keyLength)
                    pathCount += keyLength
                }
            } else {
                pathCount = 0  // a key this long is no field name anyone would key on
            }
            i = ke + 1
            skipSpace(p, n, &i)
            guard i < n, p[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace(p, n, &i)
            guard i < n else { return false }
            let c = p[i]
            switch c {
            case UInt8(ascii: "\""):
                let vs = i + 1
                var vEscaped = false
                guard let ve = stringEnd(p, n, from: vs, escaped: &vEscaped) else { return false }
                emit(pathCount: pathCount, value: p + vs, valueCount: ve - vs, kind: .string, escaped: vEscaped)
                i = ve + 1
            case UInt8(ascii: "{"):
                if depth < Self.maxDepth && pathCount > 0 {
                    path[pathCount] = UInt8(ascii: ".")
                    i += 1
                    guard object(p, n, &i, prefix: pathCount + 1, depth: depth + 1) else { return false }
                } else {
                    let s = i
                    guard skipComposite(p, n, &i) else { return false }
                    emit(pathCount: pathCount, value: p + s, valueCount: i - s, kind: .composite, escaped: false)
                }
            case UInt8(ascii: "["):
                let s = i
                guard skipComposite(p, n, &i) else { return false }
                emit(pathCount: pathCount, value: p + s, valueCount: i - s, kind: .composite, escaped: false)
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                let s = i
                while i < n, p[i] >= UInt8(ascii: "a"), p[i] <= UInt8(ascii: "z") { i += 1 }
                emit(pathCount: pathCount, value: p + s, valueCount: i - s, kind: .bool, escaped: false)
            case UInt8(ascii: "n"):
                i += 4  // null: absent
            default:
                let s = i
                while i < n {
                    let b = p[i]
                    if (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                        || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                        i += 1
                    } else {
                        break
                    }
                }
                guard i > s else { return false }
                emit(pathCount: pathCount, value: p + s, valueCount: i - s, kind: .number, escaped: false)
            }
        }
    }

    /// Index of the closing quote of a string starting at `from` (after its opening quote).
    @inline(__always)
    private func stringEnd(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int, escaped: inout Bool) -> Int? {
        var i = from
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") { return i }
            if b == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            i += 1
        }
        return nil
    }

    /// Skips an object or array (strings inside included), leaving `i` after its end.
    private func skipComposite(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Bool {
        var depth = 0
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                var e = false
                guard let end = stringEnd(p, n, from: i + 1, escaped: &e) else { return false }
                i = end + 1
                continue
            }
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
            if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { i += 1; return true }
            }
            i += 1
        }
        return false
    }

    // MARK: logfmt

    /// Walks a logfmt line (`k=v k="q v" bare`; bare keys are `true`), adding its fields.
    @discardableResult
    func walkLogfmt(_ line: UnsafeRawBufferPointer) -> Int {
        guard let base = line.baseAddress else { return 0 }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = line.count
        var i = 0
        while true {
            while i < n, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
            if i >= n { break }
            let ks = i
            while i < n, p[i] > 0x20, p[i] != UInt8(ascii: "=") { i += 1 }
            let keyLength = min(i - ks, Self.maxName)
            (path).update(from: p + ks, count: keyLength)
            if i < n, p[i] == UInt8(ascii: "=") {
                i += 1
                if i < n, p[i] == UInt8(ascii: "\"") {
                    var escaped = false
                    guard let end = stringEnd(p, n, from: i + 1, escaped: &escaped) else { break }
                    emit(pathCount: keyLength, value: p + i + 1, valueCount: end - i - 1, kind: .string, escaped: escaped)
                    i = end + 1
                } else {
                    let vs = i
                    while i < n, p[i] != 0x20, p[i] != 0x09 { i += 1 }
                    emit(pathCount: keyLength, value: p + vs, valueCount: i - vs, kind: .string, escaped: false)
                }
            } else {
                emit(pathCount: keyLength, value: p + ks, valueCount: 0, kind: .bool, escaped: false)
            }
        }
        return count
    }
}

