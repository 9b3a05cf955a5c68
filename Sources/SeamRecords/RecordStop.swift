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
/// Cost: asked only when a wanted target is found (a few times per line), and then O(1) unless
/// it is a target the rule waits for; the lists (time, service, event, then the needed slots)
/// are walked once per line in all, since finality never goes back. No allocation, no
/// reference counting. One per decoder; `begin` before each line.
struct RecordStop: ScanStop {
    /// The decoder's `NeedsTable` as plain pointers (the decoder keeps the table alive as long
    /// as this value): no class reference, so no retain or release on any call.
    private let table: NeedsTable.Lookup
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
    /// Position in the current stage's list (in `ints`): every slot before it is final (and,
    /// while deciding, not a present scalar). Finality never goes back, so calls resume here.
    private var cursor = 0
    private var listEnd = 0
    /// The targets (literal, nested alternate or -1) of the slot at `cursor`: only finding one
    /// of them can move the cursor, so other calls return at once. -1 (literal): not known yet.
    private var waitLiteral = -1
    private var waitNested = -1
    private var serviceIndex = -1
    /// The needs index of the line's service field when this line's service was decided from
    /// a field whose name has needs, else -1: lets the decoder skip hashing that name.
    private(set) var serviceMatch = -1
    /// True once the line's service and event are decided and nothing is needed of such a
    /// record (no `FieldNeeds` entry for its service, or none for its event): its consumer has
    /// nothing to do with it.
    private(set) var needsNothing = false

    init(table: NeedsTable) {
        self.table = table.lookup
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
        cursor = Int(time.offset)
        listEnd = cursor + Int(time.count)
        waitLiteral = -1
        serviceMatch = -1
        needsNothing = false
    }

    @inline(__always)
    mutating func found(_ target: Int, _ spans: UnsafeMutablePointer<FieldSpan>) -> Bool {
        if waitLiteral >= 0 && target != waitLiteral && target != waitNested { return false }
        return advance(spans)
    }

    /// Moves through the stages as far as the spans allow; true once the outcome is decided.
    /// The walk over the current list is all most calls do; leaving the service and event
    /// stages (with their name lookups) is out of line in `nextStage`, which keeps this small.
    @inline(__always)
    private mutating func advance(_ spans: UnsafeMutablePointer<FieldSpan>) -> Bool {
        while true {
            // Deciding: the first final present scalar of the list; waiting: every slot final.
            var decided = -1
            while cursor < listEnd {
                let s = Int(ints[cursor])
                guard let v = final(s, spans) else {
                    waitLiteral = s
                    waitNested = Int(alternate[s])
                    return false
                }
                if stage < 3 && v.isScalar {
                    decided = s
                    break
                }
                cursor += 1
            }
            if stage >= 3 { return true }
            if stage == 0 {
                // Time decided (the commonest change, with no name to look up): inline.
                if decided < 0 { return true }  // no-time, whatever follows
                enter(1, service)
                continue
            }
            if nextStage(decided, spans) { return true }
        }
    }

    /// Leaves the service or event stage (`advance` leaves the time stage itself), `decided`
    /// being the slot that decided it (-1: none): true when that decides the outcome, else
    /// enters the next stage's list.
    @inline(never)
    private mutating func nextStage(_ decided: Int, _ spans: UnsafeMutablePointer<FieldSpan>) -> Bool {
        switch stage {
        case 1:
            if decided < 0 {
                if defaultIndex == -2 { return true }  // no-service, whatever follows
                serviceIndex = defaultIndex
            } else {
                serviceIndex = table.serviceIndex(bytes(final(decided, spans)!))
                serviceMatch = serviceIndex
            }
            enter(2, event)
        default:
            if serviceIndex < 0 { serviceIndex = table.anyService }
            if let everyone {
                enter(3, everyone)
            } else if serviceIndex < 0 {
                needsNothing = true
                return true  // no consumer reads this service's records
            } else {
                let needs = table.needs(service: serviceIndex, event: decided < 0 ? nil : bytes(final(decided, spans)!))
                needsNothing = needs.count == 0
                enter(3, needs)
            }
        }
        return false
    }

    @inline(__always)
    private mutating func enter(_ stage: Int, _ list: NeedsTable.List) {
        self.stage = stage
        cursor = Int(list.offset)
        listEnd = cursor + Int(list.count)
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
