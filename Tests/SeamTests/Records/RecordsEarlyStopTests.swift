import XCTest
@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// `RecordDecoder`'s early stop (`RecordStop`) against full validation (`strictJSON`): on every
/// valid line the outcome, time, service, event and every field a matching handoff side reads
/// are the same; only damage in the unread rest of a line may go unnoticed, and a line that does
/// not end in `}` is malformed either way.
final class RecordsEarlyStopTests: XCTestCase {
    /// What one decode gave, for comparison.
    struct Decoded: Equatable, CustomStringConvertible {
        var reason: RejectReason?
        var time: Int64 = 0
        var service = ""
        var eventSlot: Int?
        var event: FieldSpan?
        var observations: [Observation] = []
        /// Spans of the slots compared (by slot).
        var spans: [Int: FieldSpan] = [:]

        var description: String {
            guard reason == nil else { return "rejected \(reason!)" }
            return "time \(time) service \(service) event \(String(describing: eventSlot)):\(String(describing: event)) "
                + "obs \(observations.count) spans \(spans.sorted { $0.key < $1.key })"
        }
    }

    /// One random field config and rule set, with the decoders under test. A class, so that a
    /// decoder can be passed `inout` to its own `decode`.
    final class Setup {
        let config: FieldConfig
        let rules: [HandoffRule]
        let services: ServiceTable
        let selector: HandoffSelector
        var early: RecordDecoder
        var strict: RecordDecoder
        /// Without needs: every extra path in every record.
        var everything: RecordDecoder
        let defaultService: Int32?

        init(config: FieldConfig, rules: [HandoffRule], defaultService: String?) {
            self.config = config
            self.rules = rules
            let services = ServiceTable()
            let selector = HandoffSelector(rules: rules, config: config, services: services)
            self.services = services
            self.selector = selector
            early = RecordDecoder(config: config, extraPaths: selector.fieldPaths, services: services,
                                  needs: selector.fieldNeeds)
            strict = RecordDecoder(config: config, extraPaths: selector.fieldPaths, services: services,
                                   needs: selector.fieldNeeds)
            strict.strictJSON = true
            everything = RecordDecoder(config: config, extraPaths: selector.fieldPaths, services: services)
            self.defaultService = defaultService.map { services.intern($0) }
        }

        /// The slots the sides that could match a record read (key, agree, predicate fields),
        /// found from the rules themselves, not from `FieldNeeds`.
        func sideSlots(_ view: RecordView, _ decoder: RecordDecoder) -> Set<Int> {
            let service = services.name(view.service)
            var slots = Set<Int>()
            for r in rules {
                for (party, predicate, key, agree, peer) in [
                    (r.fromParty, r.send, r.sendKey, r.agree.map(\.send), r.toParty),
                    (r.toParty, r.receive, r.receiveKey, r.agree.map(\.receive), r.fromParty),
                ] where party.service == nil || party.service == service {
                    var paths = [key] + agree
                    if case .named(let f) = peer { paths.append(f) }
                    switch predicate {
                    case .event(let e): if !view.eventEquals(Array(e.utf8)) { continue }
                    default: paths += predicate.fieldPaths  // fields, any, not: read whatever the event
                    }
                    for p in paths { slots.insert(decoder.slot(for: p)!) }
                }
            }
            return slots
        }

        /// Decodes `line` with `decoder`, reading the spans of `slots` (nil: the sides' slots).
        func decode(_ line: [UInt8], _ decoder: inout RecordDecoder, slots: Set<Int>?, number: UInt64) -> Decoded {
            var out = Decoded()
            let snapshot = decoder
            let reason = line.withUnsafeBytes { raw in
                decoder.decode(raw, defaultService: defaultService) { view in
                    out.time = view.time
                    out.service = services.name(view.service)
                    out.eventSlot = view.eventSlot
                    out.event = view.eventSlot.map { view.span($0) }
                    selector.observations(in: view, position: InputPosition(source: 0, line: number),
                                          into: &out.observations)
                    for s in slots ?? sideSlots(view, snapshot) { out.spans[s] = view.span(s) }
                }
            }
            out.reason = reason
            return out
        }
    }

    func testEarlyStopEqualsFullValidationOnRandomLines() {
        var rng = SeededRandom(seed: 0x5EA7_E5)
        var lines = 0, events = 0, observations = 0, damagedAccepted = 0, damagedRejected = 0, truncated = 0
        var failures = 0
        for setupIndex in 0..<300 {
            let setup = makeSetup(&rng)
            let extraSlots = Set(setup.selector.fieldPaths.map { setup.strict.slot(for: $0)! })
            let gen = LineGenerator(config: setup.config, rules: setup.rules)
            for k in 0..<20 {
                let members = gen.members(&rng)
                let text = gen.ws(&rng) + "{" + members.joined(separator: ",") + gen.ws(&rng) + "}" + gen.ws(&rng)
                let line = Array(text.utf8)
                let number = UInt64(k + 1)
                let full = setup.decode(line, &setup.strict, slots: nil, number: number)
                let early = setup.decode(line, &setup.early, slots: Set(full.spans.keys), number: number)
                lines += 1
                if full.reason == .malformed {
                    XCTFail("generator made an invalid line: \(text)")
                    continue
                }
                if full.reason == nil { events += 1 }
                observations += full.observations.count
                if early != full {
                    failures += 1
                    if failures <= 10 {
                        XCTFail("setup \(setupIndex) \(setup.config) \(setup.rules.map(describe))\nline \(text)\nfull  \(full)\nearly \(early)")
                    }
                }
                // Without needs, every extra path must come out as in the full scan.
                let all = setup.decode(line, &setup.everything, slots: extraSlots, number: number)
                var fullAll = setup.decode(line, &setup.strict, slots: extraSlots, number: number)
                fullAll.observations = all.observations  // only the slots matter here
                if all != fullAll {
                    failures += 1
                    if failures <= 10 { XCTFail("without needs, line \(text)\nfull  \(fullAll)\nearly \(all)") }
                }

                // Damage after every member: strict rejects it; the default rejects it or, having
                // stopped before it, gives the undamaged line's result.
                let damaged = Array(("{" + (members + [#""zz":tru"#]).joined(separator: ",") + "}").utf8)
                let damagedFull = setup.decode(damaged, &setup.strict, slots: nil, number: number)
                XCTAssertEqual(damagedFull.reason, .malformed)
                let damagedEarly = setup.decode(damaged, &setup.early, slots: Set(full.spans.keys), number: number)
                if damagedEarly.reason == .malformed {
                    damagedRejected += 1
                } else {
                    damagedAccepted += 1
                    let shifted = setup.decode(Array(("{" + members.joined(separator: ",") + "}").utf8), &setup.strict,
                                               slots: Set(full.spans.keys), number: number)
                    XCTAssertEqual(damagedEarly, shifted, "damaged \(String(decoding: damaged, as: UTF8.self))")
                }

                // Truncated (not ending in `}`): malformed either way.
                let cut = rng.int(line.count)
                let prefix = Array(line[..<cut])
                if !prefix.withUnsafeBytes({ JSONFieldScanner.endsWithClosingBrace($0) }) {
                    truncated += 1
                    XCTAssertEqual(setup.decode(prefix, &setup.early, slots: [], number: number).reason, .malformed,
                                   String(decoding: prefix, as: UTF8.self))
                    XCTAssertEqual(setup.decode(prefix, &setup.strict, slots: [], number: number).reason, .malformed)
                }
            }
        }
        XCTAssertEqual(lines, 6000)
        // The generator must exercise both outcomes and real matches, and the stop must happen.
        XCTAssertGreaterThan(events, 3000)
        XCTAssertGreaterThan(lines - events, 1500)
        XCTAssertGreaterThan(observations, 400)
        XCTAssertGreaterThan(damagedAccepted, 1200, "early stop rarely happens")
        XCTAssertGreaterThan(damagedRejected, 1200)
        XCTAssertGreaterThan(truncated, 5000)
    }

    // MARK: - Examples

    private let orders = FieldConfig()

    private func rule(send: Seam.Predicate = .event("sent"), agree: [FieldPath] = ["amount"]) -> HandoffRule {
        HandoffRule(name: "r", from: "orders", to: "pay", sendKey: "id", receiveKey: "id", send: send,
                    receive: .event("got"), within: 1_000_000_000, grace: 0, tolerance: 0,
                    agree: agree.map { .init(send: $0, receive: $0) }, once: true)
    }

    /// (default, strict) rejections of `line` under `rules`.
    private func reasons(_ line: String, _ rules: [HandoffRule], config: FieldConfig = FieldConfig())
        -> (RejectReason?, RejectReason?) {
        let setup = Setup(config: config, rules: rules, defaultService: nil)
        let bytes = Array(line.utf8)
        return (setup.decode(bytes, &setup.early, slots: [], number: 1).reason,
                setup.decode(bytes, &setup.strict, slots: [], number: 1).reason)
    }

    func testDamageAfterTheNeededFieldsIsAcceptedByDefaultOnly() {
        let r = [rule()]
        // A send: needs id and amount; the damage lies after them.
        let send = #"{"ts":1,"service":"orders","event":"sent","id":"r1","amount":5,"msg":"x" oops, "trace":{]}"#
        XCTAssertEqual(reasons(send, r).0, nil)
        XCTAssertEqual(reasons(send, r).1, .malformed)
        // Noise: nothing needed after time, service and event.
        let noise = #"{"ts":1,"service":"orders","event":"cache.miss",,"id":tru}"#
        XCTAssertEqual(reasons(noise, r).0, nil)
        XCTAssertEqual(reasons(noise, r).1, .malformed)
        // A service no rule names needs nothing either.
        XCTAssertEqual(reasons(#"{"ts":1,"service":"web","event":"sent","id":}"#, r).0, nil)
    }

    func testDamageBeforeANeededFieldIsMalformedEitherWay() {
        let r = [rule()]
        // `amount` is needed by the send and comes after the damage.
        let line = #"{"ts":1,"service":"orders","event":"sent","id":"r1","x":tru,"amount":5}"#
        XCTAssertEqual(reasons(line, r).0, .malformed)
        XCTAssertEqual(reasons(line, r).1, .malformed)
        // `time` seen first leaves time undecided until `ts` (first in list order) is known.
        let late = #"{"time":5,"service":"orders","event":"noise","x":tru,"ts":6}"#
        XCTAssertEqual(reasons(late, r).0, .malformed)
        // A null `ts` does not decide: `time` still might.
        XCTAssertEqual(reasons(#"{"ts":null,"service":"orders","event":"noise","x":tru,"time":6}"#, r).0, .malformed)
        // Nested `service.name` seen before the literal key: the literal still wins if it comes.
        let dotted = FieldConfig(service: ["service.name"])
        XCTAssertEqual(reasons(#"{"ts":1,"service":{"name":"a"},"event":"e","x":tru,"service.name":"b"}"#, [], config: dotted).0,
                       .malformed)
        // A predicate on fields reads its fields in every record of the service.
        let byField = [rule(send: .fields([FieldCondition(path: "kind", test: .equals("s"))]), agree: [])]
        XCTAssertEqual(reasons(#"{"ts":1,"service":"orders","event":"e","id":"1","x":tru,"kind":"s"}"#, byField).0,
                       .malformed)
    }

    func testTruncatedLinesAreMalformedEitherWay() {
        let r = [rule()]
        for line in [#"{"ts":1,"service":"orders","event":"cache.miss","msg":"cut he"#,
                     #"{"ts":1,"service":"orders","event":"cache.miss","msg":"x","#,
                     #"{"ts":1,"service":"orders","event":"cache.miss"   "#,
                     #"{"ts":1,"service":"orders","event":"sent","id":"r1","amount":5,"t":{"a":[1,"#] {
            XCTAssertEqual(reasons(line, r).0, .malformed, line)
            XCTAssertEqual(reasons(line, r).1, .malformed, line)
        }
    }

    func testStopsRightAfterTheOutcomeIsDecided() {
        let r = [rule()]
        // A scalar time that will not parse is `bad-time` whatever the unread rest holds.
        XCTAssertEqual(reasons(#"{"ts":"soon","service":"orders","event":"sent","id":"r1","amount":5,}"#, r).0, .badTime)
        // Every service field final and none a scalar, no default: `no-service` at once.
        let svc = FieldConfig(service: ["svc"])
        XCTAssertEqual(reasons(#"{"ts":1,"svc":null,"event":"sent",]}"#, r, config: svc).0, .noService)
        XCTAssertEqual(reasons(#"{"ts":1,"svc":null,"event":"sent",]}"#, r, config: svc).1, .malformed)
        // But with the default lists, `service.name` and `app` might still come.
        XCTAssertEqual(reasons(#"{"ts":1,"event":"sent","service":null,"id":"r1","amount":5,"msg":"x",}"#, r).0, .malformed)
        // A null literal `service.name` leaves the nested one to decide, and it does at once.
        let dotted = FieldConfig(service: ["service.name"])
        XCTAssertEqual(reasons(#"{"ts":1,"service.name":null,"service":{"name":"web"},"event":"x",]}"#, r, config: dotted).0, nil)
        XCTAssertEqual(reasons(#"{"ts":1,"service.name":null,"service":{"name":"web"},"event":"x",]}"#, r, config: dotted).1,
                       .malformed)
        // The default service stands in for a missing service field.
        let setup = Setup(config: svc, rules: r, defaultService: "orders")
        let line = Array(#"{"ts":1,"event":"sent","svc":null,"id":"r1","amount":5,"zz":}"#.utf8)
        let d = setup.decode(line, &setup.early, slots: [], number: 1)
        XCTAssertNil(d.reason)
        XCTAssertEqual(d.service, "orders")
        XCTAssertEqual(d.observations.first?.key, "r1")
        XCTAssertEqual(d.observations.first?.agree, [FieldValue.number(Array("5".utf8))])
    }

    // MARK: - Setup generator

    private func describe(_ r: HandoffRule) -> String {
        "\(r.from)->\(r.to) key \(r.sendKey)/\(r.receiveKey) send \(r.send) receive \(r.receive) agree \(r.agree.map(\.label))"
    }

    private func subset(_ pool: [FieldPath], _ rng: inout SeededRandom) -> [FieldPath] {
        var left = pool, out: [FieldPath] = []
        for _ in 0...rng.int(min(3, pool.count)) where !left.isEmpty { out.append(left.remove(at: rng.int(left.count))) }
        return out
    }

    private func makeSetup(_ rng: inout SeededRandom) -> Setup {
        let config = FieldConfig(time: subset(["ts", "time", "meta.ts", "t"], &rng),
                                 service: subset(["service", "service.name", "app", "svc"], &rng),
                                 event: subset(["event", "msg", "ev.type", "kind"], &rng))
        func predicate(depth: Int = 0) -> Seam.Predicate {
            // Combinations (issue 16): `any`, `not`, and fields beside them.
            if depth < 2, rng.chance(15) {
                switch rng.int(3) {
                case 0: return .any((0...rng.int(2)).map { _ in predicate(depth: depth + 1) })
                case 1: return .not(predicate(depth: depth + 1))
                default: return .all([predicate(depth: depth + 1), predicate(depth: depth + 1)])
                }
            }
            if rng.chance(70) { return .event(rng.pick(LineGenerator.eventNames)) }
            var conds: [FieldCondition] = []
            for _ in 0...rng.int(2) {
                let path: FieldPath = rng.pick(["lvl", "kind", "p.q", "amount", "event"])
                let test: FieldCondition.Test
                switch rng.int(4) {
                case 0: test = .equals(rng.pick(LineGenerator.leaves))
                case 1: test = .exists(rng.chance(50))
                case 2: test = .oneOf([rng.pick(LineGenerator.leaves), rng.pick(LineGenerator.leaves)])
                default: test = .contains(rng.pick(["r", "1", "in", ""]))
                }
                conds.append(FieldCondition(path: path, test: test))
            }
            return .fields(conds)
        }
        var rules: [HandoffRule] = []
        for i in 0...rng.int(3) {
            var ends = LineGenerator.serviceNames.shuffled(using: &rng)
            if rng.chance(10) { ends[1] = ends[0] }  // a service handing off to itself
            let agree: [HandoffRule.AgreeField] = (0..<rng.int(3)).map { _ in
                let s: FieldPath = rng.pick(["amount", "cur", "p.q", "ctx.cur"])
                return .init(send: s, receive: rng.chance(70) ? s : rng.pick(["amount", "cur", "ctx.cur"]))
            }
            // Wildcard sides (issue 16): any service, or named by a field of the other side.
            func party(_ name: String) -> HandoffRule.Party {
                switch rng.int(10) {
                case 0: return .any
                case 1: return .named(by: rng.pick(["peer", "ctx.peer"]))
                default: return .service(name)
                }
            }
            rules.append(HandoffRule(
                name: "r\(i)", fromParty: party(ends[0]), toParty: party(ends[1]),
                sendKey: rng.pick(["id", "ctx.id", "rid", "k.v"]),
                receiveKey: rng.pick(["id", "ctx.id", "rid"]), send: predicate(), receive: predicate(),
                within: 1_000_000_000, grace: 0, tolerance: 0, agree: agree, once: true))
        }
        return Setup(config: config, rules: rules, defaultService: rng.chance(30) ? rng.pick(["orders", "web"]) : nil)
    }
}

/// Random valid JSON lines over the names a config and rule set read: random key order,
/// duplicates, nested objects and dotted literal keys for the same path, null/object/array
/// values where scalars are wanted, escapes in keys and values, random whitespace.
struct LineGenerator {
    static let serviceNames = ["orders", "pay", "ship"]
    static let eventNames = ["sent", "got", "1", "1.0", "e\"q", "noise"]
    static let leaves = ["info", "warn", "r1", "r-2", "1", "1.00", "x", "in\\n"]
    static let noiseKeys = ["level", "host", "trace", "zz", "a.b", "msg2"]

    /// For each nesting prefix ("" = top level), the keys that lead to a wanted path.
    private var children: [String: [String]] = [:]
    private var topKeys: [String] = []
    /// Paths a line usually carries, as real logs do: the first of each config list, the
    /// rules' keys and agree fields.
    private var usual: [FieldPath] = []
    /// Event names, the rules' ones weighted up so that records often match a side.
    private var eventPool = LineGenerator.eventNames

    init(config: FieldConfig, rules: [HandoffRule]) {
        var paths = config.time + config.service + config.event
        for r in rules {
            paths += [r.sendKey, r.receiveKey] + r.agree.flatMap { [$0.send, $0.receive] }
            for p in [r.send, r.receive] { paths += p.fieldPaths }
            for party in [r.fromParty, r.toParty] { if case .named(let f) = party { paths.append(f) } }
        }
        var top = Set<String>()
        for p in paths {
            top.insert(p.text)
            var prefix = ""
            for c in p.components {
                if !(children[prefix]?.contains(c) ?? false) { children[prefix, default: []].append(c) }
                prefix += "." + c
            }
        }
        topKeys = Array(top.union(children[""] ?? [])).sorted() + Self.noiseKeys
        usual = [config.time.first, config.service.first, config.event.first].compactMap { $0 }
        for r in rules {
            usual += [r.sendKey, r.receiveKey] + r.agree.map(\.send)
            for p in [r.send, r.receive] { if case .event(let e) = p { eventPool += [e, e] } }
        }
    }

    func ws(_ rng: inout SeededRandom) -> String {
        rng.chance(75) ? "" : rng.pick([" ", "  ", "\t", "\n", " \r\n "])
    }

    /// The top-level members of one object: most usual paths (literal or nested), then 1 to 10
    /// members with keys drawn with replacement, in random order.
    func members(_ rng: inout SeededRandom) -> [String] {
        var out: [String] = []
        for p in usual where rng.chance(75) {
            if p.components.count > 1 && rng.chance(50) {
                // Nested: {"a":{"b":leaf}}, with noise beside it at each level.
                var v = leaf(p.components.last!, &rng, depth: 4)
                for c in p.components.dropFirst().reversed() {
                    var inner = [ws(&rng) + quote(c, &rng) + ":" + v]
                    if rng.chance(30) { inner.append(member(rng.pick(Self.noiseKeys), prefix: "-", &rng, depth: 4)) }
                    v = "{" + inner.shuffled(using: &rng).joined(separator: ",") + "}"
                }
                out.append(quote(p.components[0], &rng) + ":" + v)
            } else {
                out.append(ws(&rng) + quote(p.text, &rng) + ":" + ws(&rng) + leaf(p.components.last!, &rng, depth: 0))
            }
        }
        for _ in 0..<(1 + rng.int(10)) { out.append(member(rng.pick(topKeys), prefix: "", &rng, depth: 0)) }
        return out.shuffled(using: &rng)
    }

    private func member(_ key: String, prefix: String, _ rng: inout SeededRandom, depth: Int) -> String {
        ws(&rng) + quote(key, &rng) + ws(&rng) + ":" + ws(&rng) + value(key, prefix: prefix + "." + key, &rng, depth: depth)
            + ws(&rng)
    }

    private func value(_ key: String, prefix: String, _ rng: inout SeededRandom, depth: Int) -> String {
        if let next = children[prefix], depth < 4, rng.chance(60) {
            var inner = (0..<rng.int(4)).map { _ in member(rng.pick(next), prefix: prefix, &rng, depth: depth + 1) }
            if rng.chance(30) { inner.append(member(rng.pick(Self.noiseKeys), prefix: "-", &rng, depth: depth + 1)) }
            inner.shuffle(using: &rng)
            return "{" + inner.joined(separator: ",") + ws(&rng) + "}"
        }
        return leaf(key.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? key, &rng,
                    depth: depth)
    }

    /// A value for a field named `name` (last path component): mostly a scalar of its role
    /// (time, service, event, other), sometimes null, an object or an array.
    private func leaf(_ name: String, _ rng: inout SeededRandom, depth: Int) -> String {
        let r = rng.int(100)
        if r < 6 { return "null" }
        if r < 10 { return depth < 4 ? "{" + member(rng.pick(topKeys), prefix: "-", &rng, depth: depth + 1) + "}" : "{}" }
        if r < 13 { return "[" + scalar(rng.pick(Self.leaves), &rng) + "," + ws(&rng) + "{}]" }
        switch name {
        case "ts", "time", "t":
            switch rng.int(10) {
            case 0: return quote("soon", &rng)
            case 1, 2: return quote("2026-11-29T10:00:0\(rng.int(10))Z", &rng)
            default: return "\(1_700_000_000 + rng.int(1000))" + (rng.chance(30) ? ".5" : "")
            }
        case "service", "name", "app", "svc", "peer":
            return rng.chance(85) ? quote(rng.pick(Self.serviceNames + ["web"]), &rng) : scalar(rng.pick(Self.leaves), &rng)
        case "event", "msg", "type", "kind":
            return rng.chance(80) ? scalar(rng.pick(eventPool), &rng) : scalar(rng.pick(Self.leaves), &rng)
        default:
            return rng.chance(90) ? scalar(rng.pick(Self.leaves), &rng) : rng.pick(["true", "false", "-0.5e1"])
        }
    }

    /// `text` as a number when it is one and the dice say so, else as a string.
    private func scalar(_ text: String, _ rng: inout SeededRandom) -> String {
        if Double(text) != nil && rng.chance(50) { return text }
        return quote(text, &rng)
    }

    /// A JSON string literal, each character raw or `\u`-escaped at random (quotes and
    /// backslashes always escaped).
    func quote(_ value: String, _ rng: inout SeededRandom) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" {
                out += rng.chance(50) ? "\\" + String(scalar) : hex(scalar.value, &rng)
            } else if rng.chance(8) && scalar.value < 0x10000 {
                out += hex(scalar.value, &rng)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func hex(_ v: UInt32, _ rng: inout SeededRandom) -> String {
        let h = String(v, radix: 16)
        let padded = String(repeating: "0", count: 4 - h.count) + h
        return "\\u" + (rng.chance(50) ? padded.uppercased() : padded)
    }
}
