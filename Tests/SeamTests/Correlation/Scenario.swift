@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// A random input: rules, sources holding services (replicas, gaps), and events, some of which
/// are sends or receives. Times are small integers above a base so the oracle can walk them.
struct Scenario {
    struct Event {
        var service: Int32
        var source: Int32
        var line: UInt64
        var time: Int64
        var observations: [Observation]
    }

    var rules: [HandoffRule] = []
    var from: [Int32] = []
    var to: [Int32] = []
    var sourceCount = 0
    var events: [Event] = []

    var observations: [Observation] { events.flatMap(\.observations) }

    var oracleEvents: [Oracle.Event] { events.map { Oracle.Event(service: $0.service, source: $0.source, time: $0.time) } }

    /// Agree values that test the decimal rule: equal texts, equal numbers, near misses.
    static let agreeValues: [FieldValue] = [
        .number(Array("5".utf8)), .string(Array("5".utf8)), .number(Array("5.0".utf8)), .string(Array("5.00".utf8)),
        .number(Array("6".utf8)), .number(Array("5e0".utf8)), .string(Array("0.5e1".utf8)), .string(Array("+5".utf8)),
        .string(Array("5.".utf8)), .string(Array("5 ".utf8)), .number(Array("1250".utf8)), .string(Array("1.25e3".utf8)),
        .number(Array("1250.0".utf8)), .number(Array("2000.80".utf8)), .string(Array("2000.8".utf8)),
        .number(Array("0".utf8)), .number(Array("-0".utf8)), .string(Array("0.0".utf8)), .number(Array("-5".utf8)),
        .string(Array("abc".utf8)), .bool(true), .string(Array("true".utf8)), .composite(Array("[1]".utf8)),
        .string(Array("[1]".utf8)), .string(Array("05".utf8)),
        // Longer than a claim holds inline: the claim lives in `LongClaims`.
        .string(Array(Scenario.longText.utf8)), .number(Array(Scenario.longNumber.utf8)),
    ]

    /// A value of 75 bytes, and a decimal of 65 (1250 with 60 zeros after the point).
    static let longText = "long-" + String(repeating: "abcdefghij", count: 7)
    static let longNumber = "1250." + String(repeating: "0", count: 60)

    /// A key of `n`'s text, longer than a claim holds inline for a quarter of the rules.
    static func key(_ n: Int, long: Bool) -> String {
        long ? "k\(n)-" + String(repeating: "0123456789", count: 6) : "k\(n)"
    }

    /// The value of each decimal text above, by hand; texts not listed are not decimal numbers.
    static let decimalValue: [String: String] = [
        "5": "5", "5.0": "5", "5.00": "5", "5e0": "5", "0.5e1": "5", "+5": "5", "05": "5",
        "6": "6", "1250": "1250", "1.25e3": "1250", "1250.0": "1250", "2000.80": "2000.8", "2000.8": "2000.8",
        "0": "0", "-0": "0", "0.0": "0", "-5": "-5", Scenario.longNumber: "1250",
    ]

    /// The oracle's agreement, straight from the page, over the values above.
    static func oracleAgree(_ a: FieldValue, _ b: FieldValue) -> Bool {
        switch (a, b) {
        case (.composite(let x), .composite(let y)): return x == y
        case (.composite, _), (_, .composite): return false
        default:
            if a.text == b.text { return true }
            guard let x = decimalValue[a.text], let y = decimalValue[b.text] else { return false }
            return x == y
        }
    }

    /// - Parameter wildcards: rules may have wildcard sides (`*`, `{field: peer}`): their sends
    ///   and receives then come from random services, a named peer is mostly right, sometimes
    ///   absent, another service, or a service that logs nothing (issue 16).
    static func random(seed: UInt64, wildcards: Bool = false) -> Scenario {
        var g = SeededRandom(seed: seed)
        var s = Scenario()
        let base: Int64 = Bool.random(using: &g) ? 0 : 1_700_000_000_000_000_000
        let horizon: Int64 = Int64.random(in: 40...250, using: &g)
        let serviceCount = Int32.random(in: 2...4, using: &g)
        s.sourceCount = Int.random(in: 1...4, using: &g)

        // Replicas: each service lives in 1-3 sources, each over its own stretch of time.
        var replicas: [Int32: [(source: Int32, a: Int64, b: Int64)]] = [:]
        for service in 0..<serviceCount {
            let sources = (0..<Int32(s.sourceCount)).shuffled(using: &g).prefix(Int.random(in: 1...min(3, s.sourceCount), using: &g))
            for source in sources {
                let a = Int64.random(in: 0...horizon, using: &g), b = Int64.random(in: 0...horizon, using: &g)
                replicas[service, default: []].append((source, min(a, b), max(a, b)))
            }
        }
        var raw: [(service: Int32, source: Int32, time: Int64, obs: [Observation])] = []
        func place(_ service: Int32, _ t: Int64, _ obs: [Observation]) {
            let reps = replicas[service]!
            let holding = reps.filter { $0.a <= t && t <= $0.b }
            let pick = holding.isEmpty || Int.random(in: 0..<10, using: &g) == 0 ? reps.randomElement(using: &g)! : holding.randomElement(using: &g)!
            raw.append((service, pick.source, base + t, obs))  // the record's time is its observations' time
        }
        // Fillers: events that are no handoff but make coverage.
        for (service, reps) in replicas.sorted(by: { $0.key < $1.key }) {
            for r in reps {
                if Int.random(in: 0..<10, using: &g) < 8 { raw.append((service, r.source, base + r.a, [])) }
                if Int.random(in: 0..<10, using: &g) < 8 { raw.append((service, r.source, base + r.b, [])) }
                for _ in 0..<Int.random(in: 0...3, using: &g) {
                    raw.append((service, r.source, base + Int64.random(in: r.a...r.b, using: &g), []))
                }
            }
        }

        let ruleCount = Int.random(in: 1...3, using: &g)
        let labels = ["amount", "currency"]
        for ri in 0..<ruleCount {
            let a = Int32.random(in: 0..<serviceCount, using: &g)
            var b = Int32.random(in: 0..<serviceCount, using: &g)
            if a == b, Int.random(in: 0..<10, using: &g) < 8 { b = (a + 1) % serviceCount }
            let W = Int64.random(in: 1...15, using: &g)
            let G: Int64 = [0, W, Int64.random(in: 0...10, using: &g)].randomElement(using: &g)!
            let T: Int64 = [0, 0, Int64.random(in: 1...4, using: &g)].randomElement(using: &g)!
            let agree = labels.prefix(Int.random(in: 0...2, using: &g)).map {
                HandoffRule.AgreeField(send: FieldPath($0), receive: FieldPath($0))
            }
            func party(_ service: Int32) -> HandoffRule.Party {
                guard wildcards else { return .service("s\(service)") }
                switch Int.random(in: 0..<3, using: &g) {
                case 0: return .any
                case 1: return .named(by: "peer")
                default: return .service("s\(service)")
                }
            }
            let fromParty = party(a), toParty = party(b)
            let rule = HandoffRule(
                name: "r\(ri)", fromParty: fromParty, toParty: toParty, sendKey: "id", receiveKey: "id", send: .event("send"),
                receive: .event("receive"), within: W, grace: G, tolerance: T, agree: agree, once: Bool.random(using: &g))
            s.rules.append(rule)
            s.from.append(fromParty.isWildcard ? -1 : a)
            s.to.append(toParty.isWildcard ? -1 : b)
            // Per handoff: the actual sender and receiver (random under a wildcard), and what a
            // record names of the other side (mostly right; absent, wrong, or silent sometimes).
            func sender() -> Int32 { fromParty.isWildcard ? Int32.random(in: 0..<serviceCount, using: &g) : a }
            func receiver() -> Int32 { toParty.isWildcard ? Int32.random(in: 0..<serviceCount, using: &g) : b }
            func name(_ actual: Int32, _ party: HandoffRule.Party) -> Int32 {
                guard case .named = party else { return -1 }
                switch Int.random(in: 0..<10, using: &g) {
                case 0: return -1
                case 1: return Int32.random(in: 0..<serviceCount, using: &g)
                case 2: return serviceCount  // a service that logs nothing
                default: return actual
                }
            }

            let keyPool = Int.random(in: 1...4, using: &g)
            let longKeys = Int.random(in: 0..<4, using: &g) == 0
            func key() -> String? {
                Int.random(in: 0..<12, using: &g) == 0 ? nil : Scenario.key(Int.random(in: 0..<keyPool, using: &g), long: longKeys)
            }
            func values() -> [FieldValue?] {
                agree.map { _ in Int.random(in: 0..<5, using: &g) == 0 ? nil : agreeValues.randomElement(using: &g)! }
            }
            func receiveValues(_ sent: [FieldValue?]) -> [FieldValue?] {
                sent.map { v in
                    switch Int.random(in: 0..<6, using: &g) {
                    case 0: return nil
                    case 1, 2: return agreeValues.randomElement(using: &g)!
                    default: return v ?? agreeValues.randomElement(using: &g)!
                    }
                }
            }
            func obs(_ t: Int64, _ side: Observation.Side, _ key: String?, _ agree: [FieldValue?], service: Int32 = -1,
                     peer: Int32 = -1) -> Observation {
                // Position is filled in once lines are numbered.
                Observation(time: base + t, position: InputPosition(source: 0, line: 0), rule: Int32(ri), side: side,
                            service: service, peer: peer, key: key, agree: agree)
            }
            let latencies: [Int64] = [-T - 1, -T, 0, 1, W - 1, W, W + 1, W + G, W + G + 1]
            for _ in 0..<Int.random(in: 0...8, using: &g) {
                let ts = Int64.random(in: 0...horizon, using: &g)
                let k = key()
                let v = values()
                let (sa, sb) = (sender(), receiver())
                let named = name(sb, toParty)
                place(sa, ts, [obs(ts, .send, k, v, service: sa, peer: named)])
                if Int.random(in: 0..<5, using: &g) == 0 {  // a retry
                    let t2 = ts + Int64.random(in: 0...(W + 2), using: &g)
                    place(sa, t2, [obs(t2, .send, k, v, service: sa, peer: named)])
                }
                if Int.random(in: 0..<10, using: &g) < 7 {
                    let l = Bool.random(using: &g) ? latencies.randomElement(using: &g)! : Int64.random(in: (-T - 3)...(W + G + 3), using: &g)
                    let tr = ts + l
                    let rk = Int.random(in: 0..<10, using: &g) == 0 ? key() : k
                    let back = name(sa, fromParty)
                    place(sb, tr, [obs(tr, .receive, rk, receiveValues(v), service: sb, peer: back)])
                    if Int.random(in: 0..<5, using: &g) == 0 {  // a second receive
                        let t3 = tr + Int64.random(in: 0...5, using: &g)
                        place(sb, t3, [obs(t3, .receive, rk, receiveValues(v), service: sb, peer: back)])
                    }
                }
            }
            for _ in 0..<Int.random(in: 0...3, using: &g) {  // receives nobody sent
                let tr = Int64.random(in: 0...horizon, using: &g)
                let sb = receiver()
                place(sb, tr, [obs(tr, .receive, key(), values(), service: sb, peer: name(sender(), fromParty))])
            }
        }
        // Sometimes one record is a send of one rule and a receive of another (shared service).
        for i in raw.indices where !raw[i].obs.isEmpty && Int.random(in: 0..<8, using: &g) == 0 {
            let service = raw[i].service
            for (ri, rule) in s.rules.enumerated() where ri != Int(raw[i].obs[0].rule) {
                let side: Observation.Side? = s.from[ri] == service || (wildcards && s.from[ri] < 0) ? .send
                    : s.to[ri] == service || (wildcards && s.to[ri] < 0) ? .receive : nil
                guard let side else { continue }
                let agree: [FieldValue?] = rule.agree.map { _ in agreeValues.randomElement(using: &g)! }
                raw[i].obs.append(Observation(
                    time: raw[i].time, position: InputPosition(source: 0, line: 0), rule: Int32(ri), side: side,
                    service: service, key: "k0", agree: agree))
                break
            }
        }
        // Lines: each source in a random order (verdicts must not depend on it).
        raw.shuffle(using: &g)
        var nextLine = Array(repeating: UInt64(1), count: s.sourceCount)
        for r in raw {
            let pos = InputPosition(source: r.source, line: nextLine[Int(r.source)])
            nextLine[Int(r.source)] += 1
            let obs = r.obs.map { o -> Observation in
                var o = o
                o.position = pos
                return o
            }
            s.events.append(Event(service: r.service, source: r.source, line: pos.line, time: r.time, observations: obs))
        }
        return s
    }
}
