/// The named fields of one record being decoded by `FormatDecoder`: a work buffer holding the
/// record's text and the decoded values the `FieldLayer`s wrote after it, and per field name a
/// (start, count) in that buffer or absent.
///
/// Invariants (asserted in debug builds): `used <= capacity`; every present field lies inside
/// `work[0..<used]`; names and their indices never change for the table's life (`index(of:)`
/// only appends), so an index resolved once stays valid. Buffer ownership: `work` is owned here
/// and moves when it grows (`ensure`), so a layer holds offsets, never pointers, across calls
/// that may grow it. Per record: no allocation unless a record outgrows the buffer.
final class FieldTable {
    private(set) var names: [String] = []
    private var indexByName: [String: Int] = [:]
    private var starts: [Int32] = []
    /// -1: absent in this record.
    private var counts: [Int32] = []
    private(set) var work: UnsafeMutablePointer<UInt8>
    private var capacity = 4096
    /// Bytes of `work` in use (the record, then decoded values).
    private(set) var used = 0

    init() { work = .allocate(capacity: capacity) }

    deinit { work.deallocate() }

    /// The index of field `name`, added (absent) when new.
    func index(of name: String) -> Int {
        if let i = indexByName[name] { return i }
        indexByName[name] = names.count
        names.append(name)
        starts.append(0)
        counts.append(-1)
        return names.count - 1
    }

    /// The index of `name` if the table knows it.
    func existingIndex(of name: String) -> Int? { indexByName[name] }

    /// Starts a record: every field absent, the buffer empty.
    func reset() {
        for i in counts.indices { counts[i] = -1 }
        used = 0
    }

    /// Copies `bytes` to the start of the (empty) buffer: the record the layers decode.
    func load(_ bytes: UnsafeRawBufferPointer) {
        assert(used == 0, "load after reset only")
        ensure(bytes.count)
        if let b = bytes.baseAddress { work.update(from: b.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        used = bytes.count
    }

    /// Makes room for `extra` more bytes after `used` (the buffer may move).
    func ensure(_ extra: Int) {
        guard used + extra > capacity else { return }
        var c = capacity
        while c < used + extra { c *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        bigger.update(from: work, count: used)
        work.deallocate()
        work = bigger
        capacity = c
        assert(used + extra <= capacity, "work buffer smaller than asked")
    }

    /// Marks `count` bytes written after `used` (by a layer that called `ensure` first) as used.
    func advance(to end: Int) {
        assert(end <= capacity, "wrote past the work buffer")
        used = max(used, end)
    }

    /// Sets `field` to work[start..<start+count] unless it is already present: the first
    /// (outer) value wins.
    func set(_ field: Int, _ start: Int, _ count: Int) {
        assert(start >= 0 && count >= 0 && start + count <= used, "field outside the used buffer")
        guard counts[field] < 0 else { return }
        starts[field] = Int32(start)
        counts[field] = Int32(count)
    }

    /// Shortens a present field by one byte (Docker's final newline).
    func dropLast(_ field: Int) {
        assert(counts[field] > 0)
        counts[field] -= 1
    }

    func isPresent(_ field: Int) -> Bool { counts[field] >= 0 }
    func start(_ field: Int) -> Int { Int(starts[field]) }
    func count(_ field: Int) -> Int { Int(counts[field]) }

    /// The value of `field`, valid until the buffer grows; nil when absent.
    func bytes(_ field: Int) -> UnsafeRawBufferPointer? {
        guard counts[field] >= 0 else { return nil }
        // Safe: a present field lies inside work[0..<used] (`set` asserts it).
        return UnsafeRawBufferPointer(start: work + Int(starts[field]), count: Int(counts[field]))
    }

    /// Copies a scanned scalar at work[base + span.start] (unescaping a string) to the end of the
    /// buffer as `field`. The caller called `ensure` for the scanned text's size, which bounds
    /// the decoded size (decoded text never outgrows its escaped form; `true`/`false` need 5).
    func copyScalar(_ span: FieldSpan, base: Int, to field: Int) {
        let at = used
        switch span.kind {
        case .true, .false:
            let t: StaticString = span.kind == .true ? "true" : "false"
            ensure(t.utf8CodeUnitCount)
            (work + at).update(from: t.utf8Start, count: t.utf8CodeUnitCount)
            used += t.utf8CodeUnitCount
        default:
            assert(used + Int(span.count) <= capacity, "copyScalar without ensure")
            // Safe: the source is inside the scanned text, the destination inside `capacity`
            // (asserted above); they do not overlap since the destination starts at `used`.
            let src = work + base + Int(span.start)
            let n = span.escaped ? EscapedText.decode(src, count: Int(span.count), into: work + at)
                                 : { (work + at).update(from: src, count: Int(span.count)); return Int(span.count) }()
            used += n
        }
        set(field, at, used - at)
    }

    /// Every present field: index, name, value (for `seam discover`).
    func forEachPresent(_ body: (_ index: Int, _ name: String, _ value: UnsafeRawBufferPointer) -> Void) {
        for i in names.indices where counts[i] >= 0 {
            body(i, names[i], UnsafeRawBufferPointer(start: work + Int(starts[i]), count: Int(counts[i])))
        }
    }
}
