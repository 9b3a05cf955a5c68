/// `RecordDecoder`'s stop rule: ends a JSON scan as soon as nothing still unread can change the
/// record's outcome, i.e. once time, service and event are decided and every slot the record
/// needs (`FieldNeeds`, by its service and event) is final.
///
/// Final means the full scan would give the same value: a slot's first occurrence was seen
/// (duplicates never overwrite it); for a dotted path, its literal key with a non-null value, or
/// a null literal and the nested alternate. Time, service and event are each decided when their
/// list (`FieldConfig`, list order) shows a final present scalar before any slot not yet final,
/// or when every slot of the list is final without one (none: `no-time`, the default service,
/// no event name). A record decided to be `no-time` or `no-service` needs nothing more.
///
/// Cost: called only when a wanted target is found (a few times per line); each call resumes
/// where the last one stopped (time, then service, then event, then the needed slots). No
/// allocation. One per decoder; `begin` before each line.
struct RecordStop: ScanStop {
    /// Owned by the decoder, which keeps it alive as long as this value: unowned(unsafe) spares
    /// a retain and release on each call from the scanner. Used once per line (service and
    /// event lookups); the per-call checks read the copies below, never the class.
    private unowned(unsafe) let table: NeedsTable
    private let alternate: UnsafePointer<Int32>
    private let ints: UnsafePointer<Int32>
    private let time: NeedsTable.List
    private let service: NeedsTable.List
    private let event: NeedsTable.List
    private let everyone: NeedsTable.List?

    private var line: UnsafePointer<UInt8>?
    private var scratch: UnsafeMutablePointer<UInt8>?
    /// Needs index of the line's default service: -1 none needed, -2 no default service.
    private var defaultIndex = -2
    /// 0: deciding time, 1: service, 2: event, 3: waiting for the needed slots.
    private var stage = 0
    private var serviceIndex = -1
    private var needed = NeedsTable.List(offset: 0, count: 0)
    /// The needs index of the line's service field when this line's service was decided from
    /// a field whose name has needs, else -1: lets the decoder skip hashing that name.
    private(set) var serviceMatch = -1

    init(table: NeedsTable) {
        self.table = table
        alternate = UnsafePointer(table.alternate)
        ints = UnsafePointer(table.ints)
        time = table.time
        service = table.service
        event = table.event
        everyone = table.everyone
    }

    /// Starts a line. `scratch` holds at least the line's length (escaped names are decoded
    /// into it); `defaultIndex` is the default service's needs index (-1: none, -2: no default).
    @inline(__always)
    mutating func begin(line: UnsafeRawBufferPointer, scratch: UnsafeMutablePointer<UInt8>, defaultIndex: Int) {
        self.line = line.baseAddress?.assumingMemoryBound(to: UInt8.self)
        self.scratch = scratch
        self.defaultIndex = defaultIndex
        stage = 0
        serviceMatch = -1
    }

    mutating func found(_ target: Int, _ spans: UnsafeMutablePointer<FieldSpan>) -> Bool {
        if stage == 0 {
            let t = decide(time, spans)
            if t == Self.pending { return false }
            if t == Self.none { return true }  // no-time, whatever follows
            stage = 1
        }
        if stage == 1 {
            let s = decide(service, spans)
            if s == Self.pending { return false }
            if s == Self.none {
                if defaultIndex == -2 { return true }  // no-service, whatever follows
                serviceIndex = defaultIndex
            } else {
                serviceIndex = table.serviceIndex(bytes(final(s, spans)!))
                serviceMatch = serviceIndex
            }
            stage = 2
        }
        if stage == 2 {
            let e = decide(event, spans)
            if e == Self.pending { return false }
            if let everyone {
                needed = everyone
            } else if serviceIndex < 0 {
                return true  // no consumer reads this service's records
            } else if e == Self.none {
                needed = table.needs(service: serviceIndex, event: nil)
            } else {
                needed = table.needs(service: serviceIndex, event: bytes(final(e, spans)!))
            }
            stage = 3
        }
        var k = Int(needed.offset)
        let end = k + Int(needed.count)
        while k < end {
            if final(Int(ints[k]), spans) == nil { return false }
            k += 1
        }
        return true
    }

    private static let pending = -2
    private static let none = -1

    /// The slot of the first present scalar of `list` (list order), `none`, or `pending` when a
    /// slot before it is not final yet.
    @inline(__always)
    private func decide(_ list: NeedsTable.List, _ spans: UnsafeMutablePointer<FieldSpan>) -> Int {
        var k = Int(list.offset)
        let end = k + Int(list.count)
        while k < end {
            let s = Int(ints[k])
            guard let v = final(s, spans) else { return Self.pending }
            if v.isScalar { return s }
            k += 1
        }
        return Self.none
    }

    /// The value `slot` will have after the full scan, or nil while unread bytes may change it.
    @inline(__always)
    private func final(_ slot: Int, _ spans: UnsafeMutablePointer<FieldSpan>) -> FieldSpan? {
        let literal = spans[slot]
        if literal.kind == .absent { return nil }  // may still come (a dotted path's literal too)
        let alt = Int(alternate[slot])
        if alt < 0 || literal.kind != .null { return literal }
        // A dotted path whose literal key is null: the nested lookup decides.
        let nested = spans[alt]
        return nested.kind == .absent ? nil : nested
    }

    /// The decoded text of a scalar span (as `RecordView.withScalarBytes`), valid until the
    /// next call (escaped text is decoded into the scratch buffer).
    @inline(__always)
    private func bytes(_ span: FieldSpan) -> UnsafeRawBufferPointer {
        switch span.kind {
        case .true:
            let t: StaticString = "true"
            return UnsafeRawBufferPointer(start: t.utf8Start, count: t.utf8CodeUnitCount)
        case .false:
            let f: StaticString = "false"
            return UnsafeRawBufferPointer(start: f.utf8Start, count: f.utf8CodeUnitCount)
        default:
            let start = line! + Int(span.start)
            guard span.escaped else { return UnsafeRawBufferPointer(start: start, count: Int(span.count)) }
            return UnsafeRawBufferPointer(start: scratch!, count: EscapedText.decode(start, count: Int(span.count), into: scratch!))
        }
    }
}
