/// One (service, event) seen in the logs: its count, time span and fields.
///
/// The event is the record's event field (`fields.event`), or, when there is none, the first
/// of `EventNode.textFields`; a value holding whitespace is free text and named by its
/// `MessageTemplate`. Past `maxFields` fields, more are counted and not kept.
final class EventNode {
    enum Name: Equatable {
        /// The event field's value as it is: `send: payment.requested`.
        case literal(String)
        /// Free text: its template's words (`MessageTemplate.words`), and whether it was cut.
        case template([String], cut: Bool)
        /// No event field: every record of the service.
        case none
        /// Past `maxEventsPerService`: all further events of the service together.
        case overflow
    }

    /// Fields read as the event when the records have none of `fields.event`.
    static let textFields = ["log", "message", "msg", "text", "body", "line", "content"]
    static let maxFields = 48

    let service: String
    let name: Name
    /// The field the event was read from (`event`, `msg`, `log`), nil for `.none`/`.overflow`.
    let eventField: String?
    private(set) var count: UInt64 = 0
    private(set) var firstTime: Int64 = .max
    private(set) var lastTime: Int64 = .min
    private(set) var fields: [FieldStats] = []
    private var fieldIndex: [UInt64: Int] = [:]
    /// Fields seen beyond `maxFields`.
    private(set) var droppedFields = 0
    /// The last record's field name hashes and indices: most records of an event repeat it.
    var layoutHashes: [UInt64] = []
    var layoutIndices: [Int] = []

    init(service: String, name: Name, eventField: String?) {
        self.service = service
        self.name = name
        self.eventField = eventField
    }

    @inline(__always)
    func noteRecord(time: Int64) {
        count += 1
        if time < firstTime { firstTime = time }
        if time > lastTime { lastTime = time }
    }

    /// The index of the field with this name hash, or nil (not yet seen).
    @inline(__always)
    func field(hash: UInt64) -> Int? { fieldIndex[hash] }

    /// Adds a field; nil when the event already holds `maxFields`.
    func addField(hash: UInt64, name: String, structural: Bool, sketched: Bool) -> Int? {
        guard fields.count < Self.maxFields else {
            droppedFields += 1
            return nil
        }
        let slot = fields.count < KeySketch.digestWidth ? fields.count : -1
        fields.append(FieldStats(name: name, structural: structural, digestSlot: slot,
                                 sketched: sketched && name != eventField))
        fieldIndex[hash] = fields.count - 1
        return fields.count - 1
    }

    /// How the draft spec selects this event's records: the event name, or a predicate.
    var displayName: String {
        switch name {
        case .literal(let s): return s
        case .template(let words, let cut): return MessageTemplate.display(words, cut: cut)
        case .none: return "(no event field)"
        case .overflow: return "(other events)"
        }
    }

    /// Whether a handoff side can be written for it in a spec.
    var isSelectable: Bool {
        switch name {
        case .literal, .template: return true
        case .none, .overflow: return false
        }
    }
}
