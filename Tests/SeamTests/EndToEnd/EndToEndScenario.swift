import Foundation

@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// A random world of services logging records, some of them sends and receives of several
/// rules, for end-to-end runs: the records are rendered as real lines (see `EndToEndLayout`)
/// and the oracle is computed from this model and the layout's positions, never from Seam's
/// decoder.
///
/// Time unit: one second above `base` (epoch seconds), so windows are a few units and the
/// oracle's point-by-point coverage walk stays cheap.
struct EndToEndScenario {
    /// A rule as the generator knows it; `spec` renders it as YAML, `oracleRule` in units.
    struct Rule {
        /// Who a side is: the fixed service, any (`*`), or named by the other side's `peer`.
        enum Party { case fixed, any, field }
        var from: Int
        var to: Int
        var fromParty: Party = .fixed
        var toParty: Party = .fixed
        var sendEvent: String
        var receiveEvent: String
        var within: Int64
        var grace: Int64
        var tolerance: Int64
        var agree: [String]
        var once: Bool
    }

    /// One record: which service and replica (file stream) logged it, when, and its fields.
    struct Record {
        var service: Int
        var replica: Int
        var time: Int64
        var event: String
        /// `nil`: no `id` field (or `"id": null` when `nullKey`).
        var key: String?
        var nullKey = false
        var agree: [String: FieldValue] = [:]
        /// The `peer` field: the service the record names for the other side (a wildcard's
        /// `{field: peer}`); may be a service that logs nothing (`serviceCount`).
        var peer: Int?
    }

    static let base: Int64 = 1_700_000_000
    static let labels = ["amount", "currency"]

    let seed: UInt64
    var serviceCount = 0
    /// Per service, the time stretch of each replica.
    var replicas: [[(a: Int64, b: Int64)]] = []
    /// Services whose own files are written as logfmt (when a layout gives them their own file).
    var logfmt: Set<Int> = []
    var rules: [Rule] = []
    var records: [Record] = []

    static func serviceName(_ s: Int) -> String { "s\(s)" }

    /// The spec text: durations in whole seconds, one handoff per rule.
    var spec: String {
        var out = "version: 1\nhandoffs:\n"
        for (i, r) in rules.enumerated() {
            func party(_ p: Rule.Party, _ service: Int) -> String {
                switch p {
                case .fixed: return Self.serviceName(service)
                case .any: return "\"*\""
                case .field: return "{field: peer}"
                }
            }
            out += """
                  - name: r\(i)
                    from: \(party(r.fromParty, r.from))
                    to: \(party(r.toParty, r.to))
                    key: id
                    send: \(r.sendEvent)
                    receive: \(r.receiveEvent)
                    within: \(r.within)s
                    grace: \(r.grace)s
                    tolerance: \(r.tolerance)s
                    once: \(r.once)

                """
            if !r.agree.isEmpty { out += "    agree: [\(r.agree.joined(separator: ", "))]\n" }
        }
        return out
    }

    /// The rules in time units, for `Oracle.run`.
    var oracleRules: [HandoffRule] {
        rules.enumerated().map { i, r in
            func party(_ p: Rule.Party, _ service: Int) -> HandoffRule.Party {
                switch p {
                case .fixed: return .service(Self.serviceName(service))
                case .any: return .any
                case .field: return .named(by: "peer")
                }
            }
            return HandoffRule(
                name: "r\(i)", fromParty: party(r.fromParty, r.from), toParty: party(r.toParty, r.to), sendKey: "id", receiveKey: "id",
                send: .event(r.sendEvent), receive: .event(r.receiveEvent), within: r.within, grace: r.grace,
                tolerance: r.tolerance, agree: r.agree.map { HandoffRule.AgreeField(send: FieldPath($0), receive: FieldPath($0)) },
                once: r.once)
        }
    }

    /// The rules' A and B for `Oracle.run`: service indices, -1 for a wildcard side.
    var oracleFrom: [Int32] { rules.map { $0.fromParty == .fixed ? Int32($0.from) : -1 } }
    var oracleTo: [Int32] { rules.map { $0.toParty == .fixed ? Int32($0.to) : -1 } }

    /// What the spec says a record is, straight from SEMANTICS "Rules" and "Wildcard sides": for
    /// each rule whose `from` service (any service for a wildcard) and send event (or `to` and
    /// receive event) it matches, one observation, carrying the record's service and, where the
    /// other side is `{field: peer}`, the service its `peer` names.
    func observations(of r: Record, at position: InputPosition) -> [Observation] {
        var out: [Observation] = []
        for (i, rule) in rules.enumerated() {
            for side in [Observation.Side.send, .receive] {
                let (service, party, event, other) = side == .send
                    ? (rule.from, rule.fromParty, rule.sendEvent, rule.toParty)
                    : (rule.to, rule.toParty, rule.receiveEvent, rule.fromParty)
                guard party != .fixed || r.service == service, r.event == event else { continue }
                out.append(Observation(
                    time: r.time, position: position, rule: Int32(i), side: side, service: Int32(r.service),
                    peer: other == .field ? r.peer.map(Int32.init) ?? -1 : -1, key: r.key,
                    agree: rule.agree.map { r.agree[$0] }))
            }
        }
        return out
    }

    /// Sends and receives of all rules: the most that can ever be open at once, so a max-open
    /// of this is never below need.
    var observationCount: Int { records.reduce(0) { $0 + observations(of: $1, at: InputPosition(source: 0, line: 0)).count } }

    /// Values safe to write unquoted in logfmt (no space, no composite).
    static let logfmtValues: [FieldValue] = Scenario.agreeValues.filter {
        if case .composite = $0 { return false }
        return !$0.text.contains(" ")
    }

    /// - Parameter padding: filler records added to each replica in the last third of its
    ///   stretch (for files longer than the merger's 4,096-line probe), or over all of it when
    ///   `spread` (so a reader's 4,096-line steps cut through the handoffs).
    /// - Parameter wildcards: rules may have wildcard sides (`*`, `{field: peer}`), whose sends
    ///   and receives come from random services (issue 16); false keeps the old scenarios.
    static func random(seed: UInt64, padding: Int = 0, spread: Bool = false, wildcards: Bool = false) -> EndToEndScenario {
        var g = SeededRandom(seed: seed &* 0x9E37_79B9 &+ 17)
        var s = EndToEndScenario(seed: seed)
        let horizon = Int64.random(in: 40...250, using: &g)
        s.serviceCount = Int.random(in: 2...4, using: &g)
        for service in 0..<s.serviceCount {
            var reps: [(Int64, Int64)] = []
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let a = Int64.random(in: 0...horizon, using: &g), b = Int64.random(in: 0...horizon, using: &g)
                reps.append((min(a, b), max(a, b)))
            }
            s.replicas.append(reps)
            if Int.random(in: 0..<4, using: &g) == 0 { s.logfmt.insert(service) }
        }
        func add(_ service: Int, _ replica: Int, _ t: Int64, _ event: String) {
            s.records.append(Record(service: service, replica: replica, time: t, event: event))
        }
        // A record at t lands in a replica whose stretch holds t, sometimes in another one
        // (which then stretches: coverage follows the records, not the plan).
        func place(_ service: Int, _ t: Int64) -> Int {
            let reps = s.replicas[service]
            let holding = reps.indices.filter { reps[$0].a <= t && t <= reps[$0].b }
            if holding.isEmpty || Int.random(in: 0..<10, using: &g) == 0 { return Int.random(in: 0..<reps.count, using: &g) }
            return holding.randomElement(using: &g)!
        }
        for service in 0..<s.serviceCount {
            for (ri, r) in s.replicas[service].enumerated() {
                if Int.random(in: 0..<10, using: &g) < 8 { add(service, ri, r.a, "tick") }
                if Int.random(in: 0..<10, using: &g) < 8 { add(service, ri, r.b, "tick") }
                for _ in 0..<Int.random(in: 0...3, using: &g) { add(service, ri, Int64.random(in: r.a...r.b, using: &g), "tick") }
                if padding > 0 {
                    let lo = spread ? r.a : r.a + (r.b - r.a) * 2 / 3
                    for _ in 0..<padding { add(service, ri, Int64.random(in: lo...r.b, using: &g), "tick") }
                }
            }
        }

        for _ in 0..<Int.random(in: 1...3, using: &g) {
            let a = Int.random(in: 0..<s.serviceCount, using: &g)
            var b = Int.random(in: 0..<s.serviceCount, using: &g)
            if a == b, Int.random(in: 0..<10, using: &g) < 8 { b = (a + 1) % s.serviceCount }
            let W = Int64.random(in: 1...15, using: &g)
            let G: Int64 = [0, W, Int64.random(in: 0...10, using: &g)].randomElement(using: &g)!
            let T: Int64 = [0, 0, Int64.random(in: 1...4, using: &g)].randomElement(using: &g)!
            func party() -> Rule.Party { wildcards ? [.fixed, .any, .field].randomElement(using: &g)! : .fixed }
            let fromParty = party(), toParty = party()
            let rule = Rule(
                from: a, to: b, fromParty: fromParty, toParty: toParty, sendEvent: ["send", "submit"].randomElement(using: &g)!,
                receiveEvent: ["recv", "ack"].randomElement(using: &g)!, within: W, grace: G, tolerance: T,
                agree: Array(labels.prefix(Int.random(in: 0...2, using: &g))), once: Bool.random(using: &g))
            s.rules.append(rule)

            let keyPool = Int.random(in: 1...4, using: &g)
            let longKeys = Int.random(in: 0..<4, using: &g) == 0
            func key() -> String? {
                Int.random(in: 0..<12, using: &g) == 0 ? nil : Scenario.key(Int.random(in: 0..<keyPool, using: &g), long: longKeys)
            }
            func value(for service: Int) -> FieldValue {
                (s.logfmt.contains(service) ? logfmtValues : Scenario.agreeValues).randomElement(using: &g)!
            }
            func values(_ service: Int) -> [String: FieldValue] {
                var v: [String: FieldValue] = [:]
                for l in labels where Int.random(in: 0..<5, using: &g) != 0 { v[l] = value(for: service) }
                return v
            }
            func receiveValues(_ sent: [String: FieldValue], _ b: Int) -> [String: FieldValue] {
                var v: [String: FieldValue] = [:]
                for l in labels {
                    switch Int.random(in: 0..<6, using: &g) {
                    case 0: continue
                    case 1, 2: v[l] = value(for: b)
                    default:
                        let x = sent[l] ?? value(for: b)
                        v[l] = s.logfmt.contains(b) && !logfmtValues.contains(x) ? value(for: b) : x
                    }
                }
                return v
            }
            func record(_ service: Int, _ t: Int64, _ event: String, _ k: String?, _ v: [String: FieldValue], peer: Int? = nil) {
                var r = Record(service: service, replica: place(service, t), time: t, event: event, key: k, agree: v)
                r.nullKey = k == nil && Bool.random(using: &g)
                r.peer = peer
                s.records.append(r)
            }
            // Under a wildcard the actual services vary per handoff; a `peer` field names the
            // other side: mostly right, sometimes absent, another service, or one that logs nothing.
            func sender() -> Int { fromParty == .fixed ? a : Int.random(in: 0..<s.serviceCount, using: &g) }
            func receiver() -> Int { toParty == .fixed ? b : Int.random(in: 0..<s.serviceCount, using: &g) }
            func name(_ actual: Int, _ party: Rule.Party) -> Int? {
                guard party == .field else { return nil }
                switch Int.random(in: 0..<10, using: &g) {
                case 0: return nil
                case 1: return Int.random(in: 0..<s.serviceCount, using: &g)
                case 2: return s.serviceCount
                default: return actual
                }
            }
            let latencies: [Int64] = [-T - 1, -T, 0, 1, W - 1, W, W + 1, W + G, W + G + 1]
            for _ in 0..<Int.random(in: 0...8, using: &g) {
                let ts = Int64.random(in: 0...horizon, using: &g)
                let k = key()
                let (sa, sb) = (sender(), receiver())
                let v = values(sa)
                let named = name(sb, toParty)
                record(sa, ts, rule.sendEvent, k, v, peer: named)
                if Int.random(in: 0..<5, using: &g) == 0 {  // a retry, sometimes at the same time
                    record(sa, ts + Int64.random(in: 0...(W + 2), using: &g), rule.sendEvent, k, v, peer: named)
                }
                if Int.random(in: 0..<10, using: &g) < 7 {  // else lost
                    let l = Bool.random(using: &g) ? latencies.randomElement(using: &g)! : Int64.random(in: (-T - 3)...(W + G + 3), using: &g)
                    let rk = Int.random(in: 0..<10, using: &g) == 0 ? key() : k
                    let back = name(sa, fromParty)
                    record(sb, ts + l, rule.receiveEvent, rk, receiveValues(v, sb), peer: back)
                    if Int.random(in: 0..<5, using: &g) == 0 {  // a second receive
                        record(sb, ts + l + Int64.random(in: 0...5, using: &g), rule.receiveEvent, rk, receiveValues(v, sb), peer: back)
                    }
                }
            }
            for _ in 0..<Int.random(in: 0...3, using: &g) {  // receives nobody sent
                let sb = receiver()
                record(sb, Int64.random(in: 0...horizon, using: &g), rule.receiveEvent, key(), values(sb), peer: name(sender(), fromParty))
            }
        }
        return s
    }
}
