@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
/// Picks out the records that hold one key in any handoff's key field (either side), with the
/// line itself and the handoff sides each is, for `KeyJourney`. Makes no observations.
///
/// It reads every key field of every record (no early stop: `fieldNeeds` is nil), and the
/// handoff sides through the run's own `HandoffSelector`, so a record is a send or receive here
/// exactly when it is one in `check`.
final class JourneySelector: ObservationSelector {
    let fieldPaths: [FieldPath]
    var fieldNeeds: FieldNeeds? { nil }
    /// The inner matcher's plan, so that its slots are the decoders'.
    func plan(for config: FieldConfig) -> FieldPlan { inner.plan(for: config) }
    private let inner: HandoffSelector
    private let keySlots: [Int]
    private let key: [UInt8]
    private let services: ServiceTable
    private var scratch: [Observation] = []
    /// Records found so far (in the order read), the earliest `maxRecords` by time kept.
    private(set) var records: [KeyJourney.Record] = []
    private(set) var capped = false

    init(key: String, spec: HandoffSpec, services: ServiceTable) {
        self.inner = HandoffSelector(rules: spec.rules, config: spec.fields, services: services)
        self.fieldPaths = inner.fieldPaths
        self.key = Array(key.utf8)
        self.services = services
        // The inner selector's plan is the one every source's decoder gets (`plan(for:)`).
        let plan = inner.plan(for: spec.fields)
        var slots: [Int] = []
        for r in spec.rules {
            for p in [r.sendKey, r.receiveKey] {
                if let s = plan.slot(for: p), !slots.contains(s) { slots.append(s) }
            }
        }
        self.keySlots = slots
    }

    func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {
        let key = self.key
        guard keySlots.contains(where: { record.withScalarBytes($0) { $0.elementsEqual(key) } ?? false }) else { return }
        scratch.removeAll(keepingCapacity: true)
        inner.observations(in: record, position: position, into: &scratch)
        var roles: [KeyJourney.Role] = []
        for o in scratch where o.values.withKey({ $0?.elementsEqual(key) ?? false }) {
            let role = KeyJourney.Role(rule: o.rule, side: o.side)
            if !roles.contains(role) { roles.append(role) }
        }
        scratch.releaseClaims()  // only looked at
        let event = record.eventSlot.flatMap { record.withScalarBytes($0) { String(decoding: $0, as: UTF8.self) } }
        let (raw, cut) = Self.cut(record.line, to: KeyJourney.rawLimit)
        records.append(KeyJourney.Record(position: position, time: record.time, service: services.name(record.service),
                                         event: event, raw: raw, rawCut: cut, roles: roles))
        if records.count >= 2 * KeyJourney.maxRecords { trim() }
    }

    /// Keeps the earliest `maxRecords` by (time, input order).
    private func trim() {
        records.sort(by: Self.before)
        if records.count > KeyJourney.maxRecords {
            records.removeLast(records.count - KeyJourney.maxRecords)
            capped = true
        }
    }

    static func before(_ a: KeyJourney.Record, _ b: KeyJourney.Record) -> Bool {
        (a.time, a.position.source, a.position.line) < (b.time, b.position.source, b.position.line)
    }

    /// The line's first `limit` bytes as text, cut back to a character boundary, and how many
    /// bytes were left out.
    static func cut(_ line: UnsafeRawBufferPointer, to limit: Int) -> (String, Int) {
        guard line.count > limit else { return (String(decoding: line, as: UTF8.self), 0) }
        var end = limit
        // Not inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
        while end > 0 && line[end] & 0xC0 == 0x80 { end -= 1 }
        return (String(decoding: UnsafeRawBufferPointer(rebasing: line[..<end]), as: UTF8.self), line.count - end)
    }

    /// Reads every source to its end and returns the records of `key`, by time, and whether
    /// more than `maxRecords` held it.
    static func records(of key: String, spec: HandoffSpec, sources: [SourceDescriptor], options: RunOptions)
        -> ([KeyJourney.Record], Bool) {
        let services = ServiceTable()
        let selector = JourneySelector(key: key, spec: spec, services: services)
        var none: [Observation] = []
        for d in sources {
            let cursor = SourceCursor(descriptor: d, config: spec.fields, selector: selector, services: services,
                                      maxLineLength: options.maxLineLength, reorderBound: options.reorderBound,
                                      format: spec.format(for: d.displayName), strictJSON: options.strictJSON)
            while cursor.step(maxLines: 4096, into: &none) { none.removeAll(keepingCapacity: true) }
            cursor.close()
        }
        selector.trim()
        return (selector.records, selector.capped)
    }
}
