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

/// Collects what a correlator decides.
final class RecordingSink: FindingSink {
    var findings: [Finding] = []
    var silences: [(service: String, since: Int64, pending: Int)] = []
    func found(_ finding: Finding) { findings.append(finding) }
    func discardFindings() { findings.removeAll() }
    func silent(service: String, since: Int64, pendingSends: Int) { silences.append((service, since, pendingSends)) }
}

/// The correlator against the oracle on thousands of random scenarios: batch (shuffled),
/// streaming (disorder inside the reorder bound), and a tiny max-open.
final class CorrelatorPropertyTests: XCTestCase {
    /// Findings turned into per-observation verdicts and pairs, failing on an observation judged
    /// twice.
    struct Decided {
        var verdicts: [Oracle.ID: Verdict] = [:]
        var pairs: Set<Oracle.Pair> = []
        var problems: [String] = []

        init(_ findings: [Finding], rules: [HandoffRule]) {
            var disagreements: [String: Finding] = [:]
            func tag(_ f: Finding) -> String { "\(f.rule) \(f.send!.position) \(f.receive!.position)" }
            for f in findings where f.verdict == .disagree { disagreements[tag(f)] = f }
            for f in findings {
                func set(_ side: Observation.Side, _ e: Finding.Evidence?) {
                    guard let e else { return problems.append("\(f.verdict) without its \(side)") }
                    let id = Oracle.ID(rule: f.rule, side: side, position: e.position)
                    if let old = verdicts[id] { problems.append("\(id) judged twice: \(old), \(f.verdict)") }
                    verdicts[id] = f.verdict
                }
                switch f.verdict {
                case .confirmed, .late:
                    set(.send, f.send)
                    set(.receive, f.receive)
                    let d = disagreements[tag(f)]
                    pairs.insert(Oracle.Pair(
                        rule: f.rule, send: f.send!.position, receive: f.receive!.position, latency: f.latency ?? .min,
                        unverified: f.fields, differing: d?.fields ?? [], values: d?.values.map { [$0.send, $0.receive] } ?? []))
                case .disagree: break
                case .unconfirmed, .uncoveredSend, .evictedSend, .unkeyedSend: set(.send, f.send)
                case .orphan, .duplicate, .repeat, .uncoveredReceive, .evictedReceive, .unkeyedReceive: set(.receive, f.receive)
                }
            }
        }
    }

    enum Mode: String { case batch, streaming }

    /// Runs one scenario through a correlator; returns the sink and the correlator.
    func run(
        _ s: Scenario, mode: Mode, maxOpen: Int, seed: UInt64, checkOpen: (Correlator) -> Void = { _ in },
        afterAdvance: (CoverageTracker, RecordingSink, Int64) -> Void = { _, _, _ in }
    ) -> (RecordingSink, Correlator) {
        var g = SeededRandom(seed: seed ^ 0x5EED)
        let claimsBefore = LongClaims.live
        let coverage = CoverageTracker()
        let sink = RecordingSink()
        var options = CorrelatorOptions(maxOpen: maxOpen, examplesPerKind: 3)
        // As `check` does: wildcard coverage against every service of the run (the oracle's).
        options.wildcardsAtEnd = true
        let c = Correlator(
            rules: s.rules, fromService: s.from, toService: s.to, coverage: coverage,
            options: options, sink: sink, services: Self.names)
        switch mode {
        case .batch:
            for e in s.events.shuffled(using: &g) { coverage.note(service: e.service, source: e.source, time: e.time) }
            for o in s.observations.shuffled(using: &g) {
                c.observe(o.handedOn)
                checkOpen(c)
            }
        case .streaming:
            // Deliver by time + jitter in [0, bound): an undelivered event is never at or below
            // latest - bound, so the watermark promise holds.
            let bound = Int64.random(in: 1...12, using: &g)
            let order = s.events.map { ($0, $0.time + Int64.random(in: 0..<bound, using: &g)) }.sorted { $0.1 < $1.1 }.map(\.0)
            var lastOfSource: [Int32: Int] = [:]
            for (i, e) in order.enumerated() { lastOfSource[e.source] = i }
            var latest = Int64.min
            for (i, e) in order.enumerated() {
                coverage.note(service: e.service, source: e.source, time: e.time)
                if lastOfSource[e.source] == i { coverage.end(source: e.source) }
                for o in e.observations {
                    c.observe(o.handedOn)
                    checkOpen(c)
                }
                latest = max(latest, e.time)
                c.advance(to: latest - bound)
                checkOpen(c)
                afterAdvance(coverage, sink, latest - bound)
            }
        }
        c.finish()
        // Everything decided: every long claim it was given is released (evicted ones too).
        XCTAssertEqual(LongClaims.live, claimsBefore, "seed \(seed) \(mode): long claims still held after finish")
        return (sink, c)
    }

    /// Service names s0, s1, ... interned in id order, as the scenarios number services.
    static var names: ServiceTable {
        let t = ServiceTable()
        for i in 0..<8 { t.intern("s\(i)") }
        return t
    }

    /// The SEMANTICS invariants plus sent/received identities against the keyed observations;
    /// per actual pair of services too (each pair's counts add up to the rule's).
    func checkTallies(_ c: Correlator, _ s: Scenario, _ context: String) {
        for (ri, t) in c.tallies.enumerated() {
            XCTAssertEqual(t.checkInvariants(), [], context)
            let pairs = t.servicePairs
            for p in pairs { XCTAssertEqual(p.tally.checkInvariants(), [], "pair \(p.from ?? "?")->\(p.to ?? "?"), \(context)") }
            for v in Verdict.allCases {
                XCTAssertEqual(pairs.reduce(0) { $0 + $1.tally[v] }, t[v], "pairs add up to the rule: \(v), \(context)")
            }
            XCTAssertEqual(pairs.reduce(0) { $0 + $1.tally.sent }, t.sent, context)
            XCTAssertEqual(pairs.reduce(0) { $0 + $1.tally.received }, t.received, context)
            XCTAssertEqual(pairs.reduce(0) { $0 + $1.tally.latency.count }, t.latency.count, context)
            let mine = s.observations.filter { Int($0.rule) == ri }
            XCTAssertEqual(t.sent, UInt64(mine.filter { $0.side == .send && $0.key != nil }.count), "sent, \(context)")
            XCTAssertEqual(t.received, UInt64(mine.filter { $0.side == .receive && $0.key != nil }.count), "received, \(context)")
            XCTAssertEqual(t[.unkeyedSend], UInt64(mine.filter { $0.side == .send && $0.key == nil }.count), context)
            XCTAssertEqual(t[.unkeyedReceive], UInt64(mine.filter { $0.side == .receive && $0.key == nil }.count), context)
        }
        XCTAssertEqual(c.openCount, 0, "open after finish, \(context)")
        XCTAssertTrue(c.held.isEmpty && c.claims.count == 0 && c.waiting.isEmpty, "state left after finish, \(context)")
        XCTAssertEqual(c.receivers.map(\.pending).filter { $0 != 0 }, [], "pending sends after finish, \(context)")
    }

    /// Streaming timeliness: once the watermark passes an observation's window its verdict is out,
    /// unless it is unpaired and its coverage is still undetermined (and then it is not out).
    func undecidedPastDue(_ s: Scenario, _ oracle: Oracle.Result, _ coverage: CoverageTracker, _ sink: RecordingSink, _ w: Int64)
        -> [String]
    {
        let decided = Decided(sink.findings, rules: s.rules).verdicts
        var problems: [String] = []
        for o in s.observations where o.key != nil {
            let rule = s.rules[Int(o.rule)]
            let id = Oracle.ID(rule: o.rule, side: o.side, position: o.position)
            let due: Int64, service: Int32, lo: Int64, hi: Int64
            switch o.side {
            case .receive:
                due = o.time + rule.tolerance
                (service, lo, hi) = (s.from[Int(o.rule)] >= 0 ? s.from[Int(o.rule)] : o.peer, o.time - rule.within - rule.grace, due)
            case .send:
                due = o.time + rule.within + rule.grace + rule.tolerance
                (service, lo, hi) = (s.to[Int(o.rule)] >= 0 ? s.to[Int(o.rule)] : o.peer, o.time - rule.tolerance, o.time + rule.within + rule.grace)
            }
            guard due <= w else { continue }
            // Judged against every service of a wildcard other side: decided only at the end of
            // a batch run when unpaired (the set of services is known only then).
            if service < 0 {
                let unpaired: Set<Verdict> = [.orphan, .uncoveredReceive, .unconfirmed, .uncoveredSend]
                if !unpaired.contains(oracle.verdicts[id]!), decided[id] == nil { problems.append("\(id) not decided at w=\(w)") }
                continue
            }
            let unpaired: Set<Verdict> = [.orphan, .uncoveredReceive, .unconfirmed, .uncoveredSend]
            let waits = unpaired.contains(oracle.verdicts[id]!) && coverage.status(service: service, from: lo, to: hi) == .undetermined
            if waits, decided[id] != nil { problems.append("\(id) decided while its coverage is undetermined at w=\(w)") }
            if !waits, decided[id] == nil { problems.append("\(id) not decided at w=\(w)") }
        }
        return problems
    }

    /// Verdict kinds seen across the scenarios of one test, to show the generator reaches them all.
    var seen: [Verdict: Int] = [:]

    func compare(_ s: Scenario, mode: Mode, seed: UInt64) -> Bool {
        let oracle = Oracle.run(
            rules: s.rules, from: s.from, to: s.to, observations: s.observations, events: s.oracleEvents,
            agree: Scenario.oracleAgree)
        let context = "seed \(seed) \(mode)"
        var late: [String] = []
        let (sink, c) = run(s, mode: mode, maxOpen: 1_000_000, seed: seed, afterAdvance: { coverage, sink, w in
            late += self.undecidedPastDue(s, oracle, coverage, sink, w)
        })
        XCTAssertEqual(late, [], context)
        var ok = late.isEmpty
        let got = Decided(sink.findings, rules: s.rules)
        XCTAssertEqual(got.problems, [], context)
        ok = ok && got.problems.isEmpty
        for (id, v) in oracle.verdicts where got.verdicts[id] != v {
            XCTFail("\(context): \(id) oracle \(v), correlator \(got.verdicts[id].map { "\($0)" } ?? "none")")
            ok = false
        }
        for (id, v) in got.verdicts where oracle.verdicts[id] == nil {
            XCTFail("\(context): \(id) judged \(v) but is no observation")
            ok = false
        }
        if got.pairs != oracle.pairs {
            XCTFail("\(context): pairs differ\n only oracle: \(oracle.pairs.subtracting(got.pairs))\n only correlator: \(got.pairs.subtracting(oracle.pairs))")
            ok = false
        }
        for (ri, t) in c.tallies.enumerated() {
            let counts = t.counts.filter { $0.value > 0 }
            if counts != oracle.counts[ri] {
                XCTFail("\(context): rule \(ri) counts \(counts) oracle \(oracle.counts[ri])")
                ok = false
            }
            let got = Self.pairCounts(t)
            let want = Self.named(oracle.pairCounts[ri])
            if got != want {
                XCTFail("\(context): rule \(ri) per pair \(got.sorted { $0.key < $1.key }) oracle \(want.sorted { $0.key < $1.key })")
                ok = false
            }
        }
        checkTallies(c, s, context)
        for t in c.tallies { for (v, n) in t.counts { seen[v, default: 0] += Int(n) } }
        return ok
    }

    static let scenarios: UInt64 = 2500

    /// A tally's counts per actual pair, as "from->to" ("?" unknown).
    static func pairCounts(_ t: HandoffTally) -> [String: [Verdict: UInt64]] {
        var out: [String: [Verdict: UInt64]] = [:]
        for p in t.servicePairs {
            let counts = p.tally.counts.filter { $0.value > 0 }
            if !counts.isEmpty { out["\(p.from ?? "?")->\(p.to ?? "?")"] = counts }
        }
        return out
    }

    /// The oracle's pair counts with services named as the scenarios name them.
    static func named(_ counts: [Oracle.Services: [Verdict: UInt64]]) -> [String: [Verdict: UInt64]] {
        var out: [String: [Verdict: UInt64]] = [:]
        for (k, v) in counts where !v.isEmpty { out[k.description] = v }
        return out
    }

    /// Wildcard sides (issue 16): the correlator equals the oracle, per verdict and per pair.
    func testWildcardSidesMatchOracle() {
        defer { checkReach("wildcards") }
        var failures = 0, wild = 0
        for seed in 1...Self.scenarios {
            let s = Scenario.random(seed: seed, wildcards: true)
            if s.rules.contains(where: \.hasWildcard) { wild += 1 }
            for mode in [Mode.batch, .streaming] where !compare(s, mode: mode, seed: seed) {
                failures += 1
                if failures >= 3 { return }
            }
        }
        XCTAssertGreaterThan(wild, Int(Self.scenarios) / 2)
    }

    /// Every verdict but eviction must come up, or the scenarios test less than they claim.
    func checkReach(_ name: String) {
        print("\(name) verdicts:", seen.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))
        for v in Verdict.allCases where v != .evictedSend && v != .evictedReceive {
            XCTAssertGreaterThan(seen[v] ?? 0, 10, "\(name): scenarios never reach \(v)")
        }
    }

    func testBatchShuffledMatchesOracle() {
        defer { checkReach("batch") }
        var failures = 0
        for seed in 1...Self.scenarios where !compare(Scenario.random(seed: seed), mode: .batch, seed: seed) {
            failures += 1
            if failures >= 3 { return }
        }
    }

    func testStreamingWithinReorderBoundMatchesOracle() {
        defer { checkReach("streaming") }
        var failures = 0
        for seed in 1...Self.scenarios where !compare(Scenario.random(seed: seed), mode: .streaming, seed: seed) {
            failures += 1
            if failures >= 3 { return }
        }
    }

    /// With max-open tiny everything is still accounted for exactly once, memory stays bounded,
    /// and eviction is counted.
    func testTinyMaxOpenKeepsInvariantsAndCountsEvictions() {
        var evicted: UInt64 = 0
        for seed in UInt64(1)...1000 {
            let s = Scenario.random(seed: seed)
            let maxOpen = Int(seed % 4)
            for mode in [Mode.batch, .streaming] {
                let context = "seed \(seed) \(mode) maxOpen \(maxOpen)"
                var overflow = false
                let (sink, c) = run(s, mode: mode, maxOpen: maxOpen, seed: seed) { c in
                    if c.openCount > maxOpen { overflow = true }
                }
                XCTAssertFalse(overflow, "openCount above maxOpen, \(context)")
                let got = Decided(sink.findings, rules: s.rules)
                XCTAssertEqual(got.problems, [], context)
                let keyed = Set(s.observations.map { Oracle.ID(rule: $0.rule, side: $0.side, position: $0.position) })
                XCTAssertEqual(Set(got.verdicts.keys), keyed, "every observation judged once, \(context)")
                checkTallies(c, s, context)
                evicted += c.tallies.reduce(0) { $0 + $1[.evictedSend] + $1[.evictedReceive] }
            }
        }
        XCTAssertGreaterThan(evicted, 0, "a tiny max-open must evict")
    }

    /// SEMANTICS.md "Eviction never makes a finding": at a small max-open, every verdict that is
    /// not `evicted` is the full run's verdict for that observation (the oracle's), every pair is
    /// the full run's pair with the same agreement, so counts can only move into evicted.
    func testEvictionNeverMakesAFindingTheFullRunLacks() {
        var evicted: UInt64 = 0, judged = 0, failures = 0
        for seed in UInt64(1)...1500 {
            let s = Scenario.random(seed: seed)
            let oracle = Oracle.run(
                rules: s.rules, from: s.from, to: s.to, observations: s.observations, events: s.oracleEvents,
                agree: Scenario.oracleAgree)
            let maxOpen = 1 + Int(seed % 6)
            for mode in [Mode.batch, .streaming] {
                let context = "seed \(seed) \(mode) maxOpen \(maxOpen)"
                let (sink, c) = run(s, mode: mode, maxOpen: maxOpen, seed: seed)
                let got = Decided(sink.findings, rules: s.rules)
                var problems = got.problems
                for (id, v) in got.verdicts where v != .evictedSend && v != .evictedReceive {
                    judged += 1
                    if oracle.verdicts[id] != v { problems.append("\(id): \(v), full run \(oracle.verdicts[id].map { "\($0)" } ?? "none")") }
                }
                for p in got.pairs.subtracting(oracle.pairs) { problems.append("pair not in the full run: \(p)") }
                XCTAssertEqual(problems, [], context)
                checkTallies(c, s, context)
                evicted += c.tallies.reduce(0) { $0 + $1[.evictedSend] + $1[.evictedReceive] }
                if !problems.isEmpty { failures += 1 }
                if failures >= 3 { return }
            }
        }
        // The check must bite: many evictions, and many verdicts still judged next to them.
        XCTAssertGreaterThan(evicted, 1000)
        XCTAssertGreaterThan(judged, 1000)
        print("eviction property: \(evicted) evicted, \(judged) judged and equal to the full run")
    }

    /// Issue 13 item 4: fed in time order as a perfect merge would (the watermark just below each
    /// new time, then at it), the correlator holds no more than the definition's open items, so
    /// `maxOpen` = that count never evicts. Open at time t by the definition: a keyed send with
    /// ts <= t <= ts + W + G + T, a keyed receive with tr <= t <= tr + T (closed: an item whose
    /// window ends at t is decided only once every observation at t is seen; that is the only
    /// slack), and an item the full run leaves unpaired, past its window end, while its coverage
    /// is still undetermined at t (SEMANTICS: it waits for an open source of the service).
    func testTimeOrderedFeedHoldsOnlyTheDefinitionsOpenItems() {
        var worst = 0, failures = 0
        for seed in UInt64(1)...800 {
            let s = Scenario.random(seed: seed)
            let oracle = Oracle.run(
                rules: s.rules, from: s.from, to: s.to, observations: s.observations, events: s.oracleEvents,
                agree: Scenario.oracleAgree)
            let unpaired: Set<Verdict> = [.orphan, .uncoveredReceive, .unconfirmed, .uncoveredSend]
            struct Item { var start, due, lo, hi: Int64; var service: Int32; var unpaired: Bool }
            let items: [Item] = s.observations.filter { $0.key != nil }.map { o in
                let r = s.rules[Int(o.rule)]
                let v = oracle.verdicts[Oracle.ID(rule: o.rule, side: o.side, position: o.position)]!
                switch o.side {
                case .send:
                    return Item(start: o.time, due: o.time + r.within + r.grace + r.tolerance, lo: o.time - r.tolerance,
                                hi: o.time + r.within + r.grace, service: s.to[Int(o.rule)], unpaired: unpaired.contains(v))
                case .receive:
                    return Item(start: o.time, due: o.time + r.tolerance, lo: o.time - r.within - r.grace,
                                hi: o.time + r.tolerance, service: s.from[Int(o.rule)], unpaired: unpaired.contains(v))
                }
            }
            func definitionOpen(at t: Int64, _ coverage: CoverageTracker) -> Int {
                items.reduce(0) { n, x in
                    if x.start <= t && t <= x.due { return n + 1 }
                    if x.unpaired && x.due < t && coverage.status(service: x.service, from: x.lo, to: x.hi) == .undetermined {
                        return n + 1
                    }
                    return n
                }
            }
            func feed(maxOpen: Int) -> (peak: Int, definition: Int, correlator: Correlator, sink: RecordingSink) {
                let coverage = CoverageTracker(), sink = RecordingSink()
                let c = Correlator(
                    rules: s.rules, fromService: s.from, toService: s.to, coverage: coverage,
                    options: CorrelatorOptions(maxOpen: maxOpen, examplesPerKind: 3), sink: sink)
                let events = s.events.sorted { ($0.time, $0.source, $0.line) < ($1.time, $1.source, $1.line) }
                var last: [Int32: Int] = [:]
                for (i, e) in events.enumerated() { last[e.source] = i }
                var peak = 0, definition = 0, i = 0
                while i < events.count {
                    let t = events[i].time
                    // Coverage first, as a merge that has read time t from every source knows it;
                    // nothing lies between the last time and t.
                    var j = i
                    while j < events.count, events[j].time == t {
                        coverage.note(service: events[j].service, source: events[j].source, time: t)
                        if last[events[j].source] == j { coverage.end(source: events[j].source) }
                        j += 1
                    }
                    c.advance(to: t - 1)
                    for e in events[i..<j] {
                        for o in e.observations {
                            c.observe(o.handedOn)
                            peak = max(peak, c.openCount)
                        }
                    }
                    i = j
                    definition = max(definition, definitionOpen(at: t, coverage))
                    c.advance(to: t)
                    peak = max(peak, c.openCount)
                }
                c.finish()
                return (peak, definition, c, sink)
            }
            let context = "seed \(seed)"
            let full = feed(maxOpen: 1_000_000)
            XCTAssertLessThanOrEqual(full.peak, full.definition, context)
            let bounded = feed(maxOpen: full.definition)
            let evictions = bounded.correlator.tallies.reduce(0) { $0 + $1[.evictedSend] + $1[.evictedReceive] }
            XCTAssertEqual(evictions, 0, "maxOpen = definition's open \(full.definition), \(context)")
            let got = Decided(bounded.sink.findings, rules: s.rules)
            XCTAssertEqual(got.verdicts, oracle.verdicts, context)
            worst = max(worst, full.peak)
            if full.peak > full.definition || evictions > 0 { failures += 1 }
            if failures >= 3 { return }
        }
        XCTAssertGreaterThan(worst, 5, "scenarios hold several items at once")
    }
}
