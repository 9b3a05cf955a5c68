#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one decoded record into the handoff observations it makes: for each rule whose
/// `from` is the record's service and whose `send` predicate holds, a send; likewise receives.
///
/// Most records match nothing and cost one array lookup by service id. A match packs its key and
/// agree values into the observation (`ClaimValues`): no allocation unless they outgrow it.
public struct HandoffMatcher {
    /// One side of one rule, compiled against the decoder's field slots.
    struct Side {
        var rule: Int32
        var side: Observation.Side
        var keySlot: Int
        var predicate: CompiledPredicate
        var agreeSlots: [Int]
    }

    enum CompiledPredicate {
        /// The event name's text, and whether it is a decimal number (only then can a record's
        /// event agree with it without the same text).
        case event([UInt8], decimal: Bool)
        case fields([(slot: Int, test: CompiledTest)])
    }

    enum CompiledTest {
        case equals([UInt8])
        case matches(TextPattern)
        case contains([UInt8])
        case oneOf([[UInt8]])
        case exists(Bool)
    }

    public let rules: [HandoffRule]
    /// Sides to test, indexed by service id.
    private var sidesByService: [[Side]] = []
    private let services: ServiceTable

    /// Every field path the rules need, for the decoder's plan.
    public static func fieldPaths(for rules: [HandoffRule]) -> [FieldPath] {
        var paths: [FieldPath] = []
        for r in rules {
            paths.append(r.sendKey)
            paths.append(r.receiveKey)
            for p in [r.send, r.receive] {
                if case .fields(let conds) = p { paths += conds.map(\.path) }
            }
            for a in r.agree {
                paths.append(a.send)
                paths.append(a.receive)
            }
        }
        return paths
    }

    /// Compiles `rules` against `decoder`'s plan (which must include `fieldPaths(for: rules)`).
    public init(rules: [HandoffRule], decoder: RecordDecoder, services: ServiceTable) {
        self.rules = rules
        self.services = services
        func slot(_ p: FieldPath) -> Int {
            guard let s = decoder.slot(for: p) else { preconditionFailure("field \(p) missing from the plan") }
            return s
        }
        func compile(_ p: Predicate) -> CompiledPredicate {
            switch p {
            case .event(let name):
                let text = Array(name.utf8)
                return .event(text, decimal: text.withUnsafeBytes { DecimalText.Parsed($0) } != nil)
            case .fields(let conds):
                return .fields(conds.map { c in
                    switch c.test {
                    case .equals(let text): return (slot(c.path), .equals(Array(text.utf8)))
                    case .matches(let p): return (slot(c.path), .matches(p))
                    case .contains(let text): return (slot(c.path), .contains(Array(text.utf8)))
                    case .oneOf(let texts): return (slot(c.path), .oneOf(texts.map { Array($0.utf8) }))
                    case .exists(let e): return (slot(c.path), .exists(e))
                    }
                })
            }
        }
        for (i, r) in rules.enumerated() {
            let from = Int(services.intern(r.from)), to = Int(services.intern(r.to))
            let needed = max(from, to) + 1
            if sidesByService.count < needed { sidesByService += Array(repeating: [], count: needed - sidesByService.count) }
            sidesByService[from].append(Side(
                rule: Int32(i), side: .send, keySlot: slot(r.sendKey), predicate: compile(r.send),
                agreeSlots: r.agree.map { slot($0.send) }))
            sidesByService[to].append(Side(
                rule: Int32(i), side: .receive, keySlot: slot(r.receiveKey), predicate: compile(r.receive),
                agreeSlots: r.agree.map { slot($0.receive) }))
        }
    }

    /// Appends the observations `record` makes to `out`. O(sides of its service).
    @inlinable
    public func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {
        let sid = Int(record.service)
        // The decoder read only what `fieldNeeds(for:)` asks, and found this record's service and
        // event need nothing: no side can match it.
        guard sid < sidesCount, !record.needsNothingMore else { return }
        appendMatches(record, position, &out)
    }

    @usableFromInline var sidesCount: Int { sidesByService.count }

    @usableFromInline
    func appendMatches(_ record: RecordView, _ position: InputPosition, _ out: inout [Observation]) {
        sidesByService[Int(record.service)].withUnsafeBufferPointer { sides in
            for i in sides.indices where matches(sides[i].predicate, record) {
                // Packed in place in the output: the key and values are copied once.
                out.append(Observation(time: record.time, position: position, rule: sides[i].rule, side: sides[i].side,
                                       values: ClaimValues()))
                let last = out.count - 1
                out[last].values.appendKey(record, slot: sides[i].keySlot)
                sides[i].agreeSlots.withUnsafeBufferPointer { for slot in $0 { out[last].values.appendValue(record, slot: slot) } }
            }
        }
    }

    private func matches(_ p: CompiledPredicate, _ record: RecordView) -> Bool {
        switch p {
        case .event(let name, let decimal):
            guard !decimal else { return record.eventEquals(name) }
            // Text equality only: a name that is not a number agrees with nothing else.
            guard let slot = record.eventSlot else { return false }
            return name.withUnsafeBytes { n in
                record.withScalarBytes(slot) { v in
                    v.count == n.count && (n.count == 0 || memcmp(v.baseAddress!, n.baseAddress!, n.count) == 0)
                } ?? false
            }
        case .fields(let conds):
            for c in conds where !holds(c.test, record, c.slot) { return false }
            return true
        }
    }

    /// One field test; only `matches` allocates (a String of the value).
    private func holds(_ test: CompiledTest, _ record: RecordView, _ slot: Int) -> Bool {
        switch test {
        case .equals(let text): return record.equals(slot, text)
        case .oneOf(let texts): return texts.contains { record.equals(slot, $0) }
        case .exists(let wanted): return record.isPresent(slot) == wanted
        case .contains(let text):
            return record.withScalarBytes(slot) { v in
                guard text.count <= v.count else { return false }
                if text.isEmpty { return true }
                return text.withUnsafeBytes { t in
                    var i = 0
                    while i + t.count <= v.count {
                        if v[i] == t[0], memcmp(v.baseAddress! + i, t.baseAddress!, t.count) == 0 { return true }
                        i += 1
                    }
                    return false
                }
            } ?? false
        case .matches(let pattern):
            return record.withScalarBytes(slot) { v in
                pattern.occurs(in: String(decoding: v, as: UTF8.self))
            } ?? false
        }
    }
}
