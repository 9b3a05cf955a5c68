/// What discovery knows of one field of one event (service, event): how often it was present,
/// the shape of its values and, while it could be a key, a `KeySketch` of them.
final class FieldStats {
    let name: String
    /// Time, service or event field of the records: never a key or an agree field.
    let structural: Bool
    /// Position in the event's digest (`KeySketch.digestWidth` first fields), or -1.
    let digestSlot: Int
    private(set) var present: UInt64 = 0
    private(set) var shape = ValueShape()
    /// Nil once the values showed they are no key (or the sketch budget was spent).
    var sketch: KeySketch?
    /// Why the sketch was dropped, for the evidence.
    private(set) var retired: String?

    /// Values classified exactly before sampling every `shapeStride`-th.
    static let shapeExact = 4096
    static let shapeStride = 64  // a power of two
    /// Values seen before a field may be retired for its shape or its few distinct values.
    static let retireAfter = 1024

    init(name: String, structural: Bool, digestSlot: Int, sketched: Bool) {
        self.name = name
        self.structural = structural
        self.digestSlot = digestSlot
        sketch = sketched && !structural ? KeySketch() : nil
        if structural { retired = "time, service or event field" } else if !sketched { retired = "sketch budget spent" }
    }

    /// Counts one value; classifies it on the sampled records. Returns whether the sketch
    /// still wants it.
    @inline(__always)
    func note(_ p: UnsafePointer<UInt8>, _ n: Int, isNumber: Bool) -> Bool {
        present += 1
        if present <= UInt64(Self.shapeExact) || present & UInt64(Self.shapeStride - 1) == 0 {
            shape.note(p, n, isNumber: isNumber)
            if present == UInt64(Self.retireAfter), sketch != nil { maybeRetire() }
        }
        return sketch != nil
    }

    private func maybeRetire() {
        if let why = shape.notIdentifier {
            retire(why)
        } else if let s = sketch, s.hashes.count <= 4 {
            retire("\(s.hashes.count) distinct values")
        }
    }

    func retire(_ why: String) {
        sketch = nil
        retired = why
    }

    /// Why this field is no key candidate at the end, or nil when it is one.
    var notKey: String? {
        if let retired { return retired }
        guard let s = sketch else { return "no sketch" }
        if let why = shape.notIdentifier { return why }
        let d = s.distinctEstimate
        if d < 8 { return "\(Int(d)) distinct values" }
        if d / Double(max(present, 1)) < 0.01 { return "few distinct values (\(Int(d)) in \(present))" }
        return nil
    }
}
