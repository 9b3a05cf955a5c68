@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamAlignment
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns one decoded record into the handoff observations it makes: for each rule whose
/// `from` is the record's service (or a wildcard) and whose `send` predicate holds, a send;
/// likewise receives.
///
/// Most records match nothing and cost one array lookup by service id. A wildcard side (`*`,
/// `{field: F}`) is compiled into every service's list and into one list for services the
/// spec never names (ids interned after the matcher was made), so that lookup stays one too.
/// A match packs its key and agree values into the observation (`ClaimValues`): no allocation
/// unless they outgrow it; a side named by a field interns the field's value (one hash lookup).
@_spi(SeamStages) public struct HandoffMatcher {
    /// One side of one rule, compiled against the decoder's field slots: plain values only, so
    /// reading one retains nothing (an array or enum payload per side cost about four retains
    /// and releases per matching record).
    struct Side {
        var rule: Int32
        var side: Observation.Side
        var keySlot: Int32
        /// The slot of the field naming the other side's service (`{field: F}`), or -1.
        var peerSlot: Int32
        /// `eventText`: the event name is `names[name]` and no number (byte equality decides);
        /// otherwise `predicates[predicate]` decides.
        var eventText: Bool
        var predicate: Int32
        var name: PoolRange
        /// The agree fields' slots: `slots[agree]`.
        var agree: PoolRange
    }

    /// `count` entries at `offset` of one of `SideTable`'s pools (named apart from the
    /// time-span `Extent`s of coverage and `Summary`).
    struct PoolRange {
        var offset: Int32
        var count: Int32
    }

    /// The compiled sides in flat memory, freed with it; immutable after init.
    final class SideTable {
        /// The sides of service id `s`: `sides[byService[s]]` (its own, then the wildcard sides).
        let byService: UnsafeMutablePointer<PoolRange>
        let serviceCount: Int
        /// The wildcard sides alone: for ids at or past `serviceCount` (services the spec never
        /// names, interned later). Empty without wildcard sides.
        let anyService: PoolRange
        let sides: UnsafeMutablePointer<Side>
        let slots: UnsafeMutablePointer<Int32>
        let names: UnsafeMutablePointer<UInt8>
        /// Predicates other than a plain event name (field tests, decimal event names).
        let predicates: [CompiledPredicate]

        init(byService: [PoolRange], anyService: PoolRange, sides: [Side], slots: [Int32], names: [UInt8],
             predicates: [CompiledPredicate]) {
            self.byService = .copying(byService)
            serviceCount = byService.count
            self.anyService = anyService
            self.sides = .copying(sides)
            self.slots = .copying(slots)
            self.names = .copying(names)
            self.predicates = predicates
        }

        deinit {
            byService.deallocate()
            sides.deallocate()
            slots.deallocate()
            names.deallocate()
        }
    }

    indirect enum CompiledPredicate {
        /// The event name's text, and whether it is a decimal number (only then can a record's
        /// event agree with it without the same text).
        case event([UInt8], decimal: Bool)
        case fields([(slot: Int, test: CompiledTest)])
        case any([CompiledPredicate])
        case not(CompiledPredicate)
        case all([CompiledPredicate])
    }

    enum CompiledTest {
        case equals([UInt8])
        case matches(TextPattern)
        case contains([UInt8])
        case oneOf([[UInt8]])
        case exists(Bool)
    }

    @_spi(SeamStages) public let rules: [HandoffRule]
    private let table: SideTable
    private let services: ServiceTable

    /// Every field path the rules need, for the decoder's plan.
    @_spi(SeamStages) public static func fieldPaths(for rules: [HandoffRule]) -> [FieldPath] {
        var paths: [FieldPath] = []
        for r in rules {
            paths.append(r.sendKey)
            paths.append(r.receiveKey)
            for p in [r.send, r.receive] { paths += p.fieldPaths }
            if case .named(let f) = r.toParty { paths.append(f) }
            if case .named(let f) = r.fromParty { paths.append(f) }
            for a in r.agree {
                paths.append(a.send)
                paths.append(a.receive)
            }
        }
        return paths
    }

    /// Compiles `rules` against `decoder`'s plan (which must include `fieldPaths(for: rules)`).
    @_spi(SeamStages) public init(rules: [HandoffRule], decoder: RecordDecoder, services: ServiceTable) {
        self.init(rules: rules, plan: decoder.plan, services: services)
    }

    /// Compiles `rules` against `plan` (which must include `fieldPaths(for: rules)`).
    @_spi(SeamStages) public init(rules: [HandoffRule], plan: FieldPlan, services: ServiceTable) {
        self.rules = rules
        self.services = services
        func slot(_ p: FieldPath) -> Int {
            guard let s = plan.slot(for: p) else { preconditionFailure("field \(p) missing from the plan") }
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
            case .any(let ps): return .any(ps.map(compile))
            case .all(let ps): return .all(ps.map(compile))
            case .not(let p): return .not(compile(p))
            }
        }
        var byService: [[Side]] = []
        var wild: [Side] = []
        var slots: [Int32] = [], names: [UInt8] = [], predicates: [CompiledPredicate] = []
        /// `service` nil: a wildcard side (every service).
        func add(_ service: Int?, _ rule: Int, _ side: Observation.Side, _ key: FieldPath, _ p: Predicate,
                 _ agree: [FieldPath], peer: FieldPath?) {
            if let service, byService.count <= service {
                byService += Array(repeating: [], count: service + 1 - byService.count)
            }
            let compiled = compile(p)
            var eventText = false
            var name = PoolRange(offset: Int32(names.count), count: 0)
            if case .event(let text, decimal: false) = compiled {
                eventText = true
                name.count = Int32(text.count)
                names += text
            }
            let agreeRange = PoolRange(offset: Int32(slots.count), count: Int32(agree.count))
            slots += agree.map { Int32(slot($0)) }
            let compiledSide = Side(
                rule: Int32(rule), side: side, keySlot: Int32(slot(key)), peerSlot: peer.map { Int32(slot($0)) } ?? -1,
                eventText: eventText, predicate: Int32(predicates.count), name: name, agree: agreeRange)
            if let service { byService[service].append(compiledSide) } else { wild.append(compiledSide) }
            predicates.append(compiled)
        }
        func peerField(_ p: HandoffRule.Party) -> FieldPath? {
            if case .named(let f) = p { return f }
            return nil
        }
        for (i, r) in rules.enumerated() {
            add(r.fromParty.service.map { Int(services.intern($0)) }, i, .send, r.sendKey, r.send, r.agree.map(\.send),
                peer: peerField(r.toParty))
            add(r.toParty.service.map { Int(services.intern($0)) }, i, .receive, r.receiveKey, r.receive,
                r.agree.map(\.receive), peer: peerField(r.fromParty))
        }
        // Every id interned so far gets the wildcard sides too (a service interned before the
        // matcher, e.g. by another rule's fixed side, is no less "any service").
        if !wild.isEmpty, byService.count < services.count {
            byService += Array(repeating: [], count: services.count - byService.count)
        }
        var ranges: [PoolRange] = [], flat: [Side] = []
        for sides in byService {
            // Within a service, sides keep rule order: named and wildcard sides of one record are
            // appended in the order of their rules (then send before receive).
            let all = (sides + wild).sorted { ($0.rule, $0.side.rawValue) < ($1.rule, $1.side.rawValue) }
            ranges.append(PoolRange(offset: Int32(flat.count), count: Int32(all.count)))
            flat += all
        }
        let anyService = PoolRange(offset: Int32(flat.count), count: Int32(wild.count))
        flat += wild
        table = SideTable(byService: ranges, anyService: anyService, sides: flat, slots: slots, names: names,
                          predicates: predicates)
    }

    /// Appends the observations `record` makes to `out`. O(sides of its service).
    @inlinable
    @_spi(SeamStages) public func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {
        let sid = Int(record.service)
        // The decoder read only what `fieldNeeds(for:)` asks, and found this record's service and
        // event need nothing: no side can match it.
        guard sid < sidesCount || hasWildcard, !record.needsNothingMore else { return }
        appendMatches(record, position, &out)
    }

    @usableFromInline var sidesCount: Int { table.serviceCount }
    @usableFromInline var hasWildcard: Bool { table.anyService.count > 0 }

    @usableFromInline
    func appendMatches(_ record: RecordView, _ position: InputPosition, _ out: inout [Observation]) {
        let t = table
        let sid = Int(record.service)
        let range = sid < t.serviceCount ? t.byService[sid] : t.anyService
        for k in Int(range.offset)..<Int(range.offset + range.count) {
            let side = t.sides[k]
            if side.eventText {
                guard let slot = record.eventSlot else { continue }
                let name = UnsafeRawBufferPointer(start: t.names + Int(side.name.offset), count: Int(side.name.count))
                guard record.withScalarBytes(slot, { ShortBytes.equal($0, name) }) ?? false else { continue }
            } else if !matches(t.predicates[Int(side.predicate)], record) {
                continue
            }
            // Packed here, then copied into `out` (a plain copy: `ClaimValues` is trivial); a
            // long claim is `out`'s holder's from here on.
            var values = ClaimValues()
            values.appendKey(record, slot: Int(side.keySlot))
            for j in Int(side.agree.offset)..<Int(side.agree.offset + side.agree.count) {
                values.appendValue(record, slot: Int(t.slots[j]))
            }
            var peer: Int32 = -1
            if side.peerSlot >= 0 {
                peer = record.withScalarBytes(Int(side.peerSlot)) { services.intern(bytes: $0) } ?? -1
            }
            out.append(Observation(time: record.time, position: position, rule: side.rule, side: side.side,
                                   service: record.service, peer: peer, values: values))
        }
    }

    private func matches(_ p: CompiledPredicate, _ record: RecordView) -> Bool {
        switch p {
        case .event(let name, _):
            // Decimal names at the top come here (`appendMatches` compares the others' bytes
            // itself), and names inside `any`/`not`: a number agrees with texts of its value.
            return record.eventEquals(name)
        case .fields(let conds):
            for c in conds where !holds(c.test, record, c.slot) { return false }
            return true
        case .any(let ps):
            for p in ps where matches(p, record) { return true }
            return false
        case .all(let ps):
            for p in ps where !matches(p, record) { return false }
            return true
        case .not(let p):
            return !matches(p, record)
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
