@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// A brute-force reading of SEMANTICS.md "Pairing", in plain loops over the whole input.
///
/// Shares nothing with the correlator: no heaps, no watermark, no coverage tracker. Slow on
/// purpose (coverage is checked point by point), so scenarios keep windows small.
enum Oracle {
    /// One event of the input, any kind: coverage is made of all of them.
    struct Event {
        var service: Int32
        var source: Int32
        var time: Int64
    }

    /// One side of one rule in one record.
    struct ID: Hashable, CustomStringConvertible {
        var rule: Int32
        var side: Observation.Side
        var position: InputPosition
        var description: String { "rule \(rule) \(side) @\(position.source):\(position.line)" }
    }

    /// A pair and what was checked on it.
    struct Pair: Hashable, CustomStringConvertible {
        var rule: Int32
        var send: InputPosition
        var receive: InputPosition
        var latency: Int64
        var unverified: [String]
        var differing: [String]
        var values: [[String]]
        var description: String {
            "rule \(rule) send @\(send.source):\(send.line) receive @\(receive.source):\(receive.line) L=\(latency) unverified=\(unverified) differing=\(differing) \(values)"
        }
    }

    /// An actual (from, to) pair of service ids; -1 is unknown (`?`).
    struct Services: Hashable, CustomStringConvertible {
        var from: Int32
        var to: Int32
        var description: String { "\(from < 0 ? "?" : "s\(from)")->\(to < 0 ? "?" : "s\(to)")" }
    }

    struct Result {
        var verdicts: [ID: Verdict] = [:]
        var pairs: Set<Pair> = []
        var counts: [[Verdict: UInt64]] = []
        /// Per rule, per actual pair of services (SEMANTICS.md "Wildcard sides").
        var pairCounts: [[Services: [Verdict: UInt64]]] = []
    }

    /// - Parameters:
    ///   - from, to: each rule's A and B service ids; -1 for a wildcard side (`*` or
    ///     `{field: F}`), whose actual service each observation carries (`service`), with the
    ///     other side's named service in `peer` (-1: not named).
    ///   - agree: SEMANTICS agreement of two values, supplied by the test.
    static func run(
        rules: [HandoffRule], from: [Int32], to: [Int32], observations: [Observation], events: [Event],
        agree: (FieldValue, FieldValue) -> Bool
    ) -> Result {
        var result = Result()
        result.counts = Array(repeating: [:], count: rules.count)
        result.pairCounts = Array(repeating: [:], count: rules.count)

        // Coverage(S): per source holding S, [min, max] of S's times in that source.
        func intervals(_ service: Int32) -> [(Int64, Int64)] {
            var byService: [Int32: (Int64, Int64)] = [:]
            for e in events where e.service == service {
                if let (a, b) = byService[e.source] {
                    byService[e.source] = (min(a, e.time), max(b, e.time))
                } else {
                    byService[e.source] = (e.time, e.time)
                }
            }
            return Array(byService.values)
        }
        // [lo, hi] inside the union of closed intervals with integer ends: every integer point is
        // in one, and every unit step (t, t+1) lies inside a single one.
        func covered(_ service: Int32, _ lo: Int64, _ hi: Int64) -> Bool {
            let ivs = intervals(service)
            var t = lo
            while t <= hi {
                if !ivs.contains(where: { $0.0 <= t && t <= $0.1 }) { return false }
                if t < hi, !ivs.contains(where: { $0.0 <= t && t + 1 <= $0.1 }) { return false }
                t += 1
            }
            return true
        }
        func count(_ rule: Int, _ v: Verdict, _ pair: Services) {
            result.counts[rule][v, default: 0] += 1
            result.pairCounts[rule][pair, default: [:]][v, default: 0] += 1
        }
        func before(_ a: Observation, _ b: Observation) -> Bool {
            a.time != b.time ? a.time < b.time : a.position < b.position
        }

        for (ri, rule) in rules.enumerated() {
            let mine = observations.filter { Int($0.rule) == ri }
            // A side's actual service: the rule's when fixed, else the record's; the other side as
            // named: the rule's when fixed, else the record's field (-1: not named).
            func own(_ o: Observation) -> Int32 { o.side == .send ? (from[ri] >= 0 ? from[ri] : o.service) : (to[ri] >= 0 ? to[ri] : o.service) }
            func named(_ o: Observation) -> Int32 { o.side == .send ? (to[ri] >= 0 ? to[ri] : o.peer) : (from[ri] >= 0 ? from[ri] : o.peer) }
            func services(_ o: Observation) -> Services {
                o.side == .send ? Services(from: own(o), to: named(o)) : Services(from: named(o), to: own(o))
            }
            // Every service that took each side under this rule in the run (keyed or not).
            let senders = Set(mine.filter { $0.side == .send }.map(own))
            let receivers = Set(mine.filter { $0.side == .receive }.map(own))
            // [lo, hi] judged for an unpaired side: against the named service, else inside the
            // coverage of every service of the other side (none: uncovered).
            func judged(_ named: Int32, _ others: Set<Int32>, _ lo: Int64, _ hi: Int64) -> Bool {
                if named >= 0 { return covered(named, lo, hi) }
                return !others.isEmpty && others.allSatisfy { covered($0, lo, hi) }
            }
            var keys: [[UInt8]] = []
            for o in mine {
                guard let k = o.key else {
                    let v: Verdict = o.side == .send ? .unkeyedSend : .unkeyedReceive
                    result.verdicts[ID(rule: o.rule, side: o.side, position: o.position)] = v
                    count(ri, v, services(o))
                    continue
                }
                if !keys.contains(Array(k.utf8)) { keys.append(Array(k.utf8)) }
            }
            let W = rule.within, G = rule.grace, T = rule.tolerance
            for key in keys {
                let sends = mine.filter { $0.side == .send && $0.key.map { Array($0.utf8) } == key }.sorted(by: before)
                let receives = mine.filter { $0.side == .receive && $0.key.map { Array($0.utf8) } == key }.sorted(by: before)
                var pairedWith: [Int?] = Array(repeating: nil, count: sends.count)
                for (ri2, r) in receives.enumerated() {
                    let lo = r.time - W - G, hi = r.time + T
                    var best: Int? = nil
                    for (i, s) in sends.enumerated() where pairedWith[i] == nil && lo <= s.time && s.time <= hi {
                        if best == nil || !before(s, sends[best!]) { best = i }
                    }
                    let id = ID(rule: r.rule, side: .receive, position: r.position)
                    if let b = best {
                        pairedWith[b] = ri2
                        continue
                    }
                    // The latest paired send in the window (Seam's choice of a duplicate's evidence).
                    let paired = sends.indices.filter { pairedWith[$0] != nil && lo <= sends[$0].time && sends[$0].time <= hi }
                        .max { before(sends[$0], sends[$1]) }
                    let v: Verdict
                    var pair = services(r)
                    if let p = paired {
                        v = rule.once ? .duplicate : .repeat
                        pair.from = own(sends[p])
                    } else {
                        v = judged(named(r), senders, lo, hi) ? .orphan : .uncoveredReceive
                    }
                    result.verdicts[id] = v
                    count(ri, v, pair)
                }
                for (i, s) in sends.enumerated() {
                    let sid = ID(rule: s.rule, side: .send, position: s.position)
                    guard let rIndex = pairedWith[i] else {
                        let v: Verdict = judged(named(s), receivers, s.time - T, s.time + W + G) ? .unconfirmed : .uncoveredSend
                        result.verdicts[sid] = v
                        count(ri, v, services(s))
                        continue
                    }
                    let r = receives[rIndex]
                    let L = r.time - s.time
                    let v: Verdict = L <= W ? .confirmed : .late
                    result.verdicts[sid] = v
                    result.verdicts[ID(rule: r.rule, side: .receive, position: r.position)] = v
                    let pair = Services(from: own(s), to: own(r))
                    count(ri, v, pair)
                    var unverified: [String] = [], differing: [String] = [], values: [[String]] = []
                    for (f, field) in rule.agree.enumerated() {
                        let a = f < s.agree.count ? s.agree[f] : nil
                        let b = f < r.agree.count ? r.agree[f] : nil
                        if let a, let b {
                            if !agree(a, b) {
                                differing.append(field.label)
                                values.append([a.text, b.text])
                            }
                        } else {
                            unverified.append(field.label)
                        }
                    }
                    if !differing.isEmpty { count(ri, .disagree, pair) }
                    result.pairs.insert(Pair(
                        rule: Int32(ri), send: s.position, receive: r.position, latency: L, unverified: unverified,
                        differing: differing, values: values))
                }
            }
        }
        return result
    }
}
