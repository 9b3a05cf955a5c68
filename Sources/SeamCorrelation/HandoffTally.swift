@_spi(SeamStages) import SeamAlignment

/// Everything decided about one handoff rule: counts of every verdict, latency of pairs,
/// unverified agree fields, and the earliest examples of each kind.
///
/// Invariants (SEMANTICS.md), which `checkInvariants()` verifies:
/// sent = confirmed + late + unconfirmed + uncovered_sends + evicted_sends;
/// received = confirmed + late + duplicate + repeat + orphan + uncovered_receives + evicted_receives;
/// disagree <= confirmed + late.
public struct HandoffTally: Sendable {
    @_spi(SeamStages) public let rule: HandoffRule
    /// The handoff's name in the spec (`from->to` unless named).
    public var name: String { rule.name }
    /// Count per verdict, indexed by `Verdict.ordinal` (an array: hashing a verdict hashes its
    /// raw string, and every pair is counted).
    var countByVerdict = [UInt64](repeating: 0, count: Verdict.allCases.count)
    /// Count per verdict (verdicts never seen are absent).
    public var counts: [Verdict: UInt64] {
        var d: [Verdict: UInt64] = [:]
        for v in Verdict.allCases where countByVerdict[v.ordinal] > 0 { d[v] = countByVerdict[v.ordinal] }
        return d
    }
    /// Latency of confirmed and late pairs.
    public internal(set) var latency: LatencyDistribution
    /// Per agree label: pairs where the field was absent on at least one side.
    public internal(set) var unverified: [String: UInt64] = [:]
    /// Examples per verdict, indexed by `Verdict.ordinal`.
    var examplesByVerdict = [[Finding]](repeating: [], count: Verdict.allCases.count)
    /// Up to `examplesPerKind` findings per verdict, the earliest by (time, input order)
    /// (verdicts without examples are absent).
    public var examples: [Verdict: [Finding]] {
        var d: [Verdict: [Finding]] = [:]
        for v in Verdict.allCases where !examplesByVerdict[v.ordinal].isEmpty { d[v] = examplesByVerdict[v.ordinal] }
        return d
    }
    /// How many examples to keep per verdict.
    public let examplesPerKind: Int
    /// Earliest and latest event time of the observations counted evicted (`nil`: none), so
    /// a summary can say where its verdicts are partial.
    public internal(set) var evictedSpan: (first: Int64, last: Int64)?

    /// The tally of one actual (from, to) pair of services of a rule (nil: unknown, `?`).
    public struct ServicePair: Sendable {
        public var from: String?
        public var to: String?
        /// Counts and latency of the pair's findings (no examples).
        public var tally: HandoffTally
    }

    /// Per actual pair, for a rule with a wildcard side, in first-seen order; empty for a rule
    /// with fixed sides, whose one pair is the rule itself (`servicePairs` gives it).
    public internal(set) var pairs: [ServicePair] = []
    /// Index in `pairs` by (from id, to id) of the run's `ServiceTable` (-1: unknown).
    private var pairIndex: [Int64: Int] = [:]

    @_spi(SeamStages) public init(rule: HandoffRule, examplesPerKind: Int) {
        self.rule = rule
        self.examplesPerKind = examplesPerKind
        self.latency = LatencyDistribution(offset: rule.tolerance)
    }

    public subscript(verdict: Verdict) -> UInt64 { countByVerdict[verdict.ordinal] }

    /// Sends that matched with a key.
    public var sent: UInt64 {
        self[.confirmed] + self[.late] + self[.unconfirmed] + self[.uncoveredSend] + self[.evictedSend]
    }

    /// Receives that matched with a key.
    public var received: UInt64 {
        self[.confirmed] + self[.late] + self[.duplicate] + self[.repeat] + self[.orphan]
            + self[.uncoveredReceive] + self[.evictedReceive]
    }

    /// unconfirmed + orphan.
    public var gaps: UInt64 { self[.unconfirmed] + self[.orphan] }
    /// late + duplicate + disagree.
    public var defects: UInt64 { self[.late] + self[.duplicate] + self[.disagree] }

    /// Counts one finding; records latency for pairs, unverified fields, and keeps it as an
    /// example when it is among the earliest of its kind. O(examplesPerKind).
    @_spi(SeamStages) public mutating func record(_ finding: Finding) {
        if finding.verdict == .confirmed || finding.verdict == .late, let l = finding.latency {
            countPair(finding.verdict, latency: l, unverified: finding.fields)
        } else {
            countByVerdict[finding.verdict.ordinal] += 1
            if finding.verdict == .evictedSend || finding.verdict == .evictedReceive,
               let t = (finding.send ?? finding.receive)?.time {
                evictedSpan = (min(evictedSpan?.first ?? t, t), max(evictedSpan?.last ?? t, t))
            }
        }
        keepExample(finding)
    }

    /// Counts a pair (confirmed or late) without keeping it as an example: what `record` does
    /// for a pair, minus the `Finding`. O(unverified labels).
    @_spi(SeamStages) public mutating func countPair(_ verdict: Verdict, latency l: Int64, unverified labels: [String]) {
        countByVerdict[verdict.ordinal] += 1
        latency.record(l)
        for f in labels { unverified[f, default: 0] += 1 }
    }

    /// Counts a pair like `countPair`, unless a finding of it would be kept as an example: then
    /// returns false and counts nothing (the caller records the `Finding`). Mutating, so it
    /// works in place where a tally lives in an array. O(1).
    @_spi(SeamStages) public mutating func countPairUnlessExample(_ verdict: Verdict, latency l: Int64, unverified labels: [String],
                                                time: Int64, position: InputPosition) -> Bool {
        if keepsExample(verdict, time: time, position: position) { return false }
        countPair(verdict, latency: l, unverified: labels)
        return true
    }

    /// Whether a finding of `verdict` whose order is (time, position) would be kept as an
    /// example (among the earliest `examplesPerKind`). O(1).
    @_spi(SeamStages) public func keepsExample(_ verdict: Verdict, time: Int64, position: InputPosition) -> Bool {
        guard examplesPerKind > 0 else { return false }
        let list = examplesByVerdict[verdict.ordinal]
        guard list.count == examplesPerKind, let last = list.last else { return true }
        let lp = last.send?.position ?? last.receive!.position
        return (time, position.source, position.line) < (last.time, lp.source, lp.line)
    }

    private mutating func keepExample(_ finding: Finding) {
        guard examplesPerKind > 0 else { return }
        var list = examplesByVerdict[finding.verdict.ordinal]
        let order = { (f: Finding) in (f.time, f.send?.position ?? f.receive!.position) }
        let (t, p) = order(finding)
        if list.count == examplesPerKind, let last = list.last {
            let (lt, lp) = order(last)
            if (t, p.source, p.line) >= (lt, lp.source, lp.line) { return }
            list.removeLast()
        }
        let at = list.firstIndex { f in
            let (ft, fp) = order(f)
            return (t, p.source, p.line) < (ft, fp.source, fp.line)
        } ?? list.count
        list.insert(finding, at: at)
        examplesByVerdict[finding.verdict.ordinal] = list
    }

    /// The index in `pairs` of the pair of service ids (`from`, `to`) (-1: unknown), made with
    /// `names()` when new. O(1) expected.
    mutating func pairSlot(from: Int32, to: Int32, names: () -> (String?, String?)) -> Int {
        let id = Int64(from) << 32 | Int64(UInt32(bitPattern: to))
        if let i = pairIndex[id] { return i }
        let (a, b) = names()
        pairs.append(ServicePair(from: a, to: b, tally: HandoffTally(rule: rule, examplesPerKind: 0)))
        pairIndex[id] = pairs.count - 1
        return pairs.count - 1
    }

    /// Every actual pair of services with its tally, sorted by names (unknown `?` last): the
    /// recorded pairs of a rule with a wildcard side, or the rule itself for fixed sides.
    /// Per pair the invariants hold as for the rule, and the pairs' counts add up to the rule's.
    public var servicePairs: [ServicePair] {
        guard rule.hasWildcard else {
            var me = self
            me.pairs = []
            return [ServicePair(from: rule.from, to: rule.to, tally: me)]
        }
        func order(_ p: ServicePair) -> (Int, String, Int, String) {
            (p.from == nil ? 1 : 0, p.from ?? "", p.to == nil ? 1 : 0, p.to ?? "")
        }
        return pairs.sorted { order($0) < order($1) }
    }

    /// Adds another tally of the same rule (e.g. from another shard of the input); pairs by name.
    @_spi(SeamStages) public mutating func merge(_ other: HandoffTally) {
        for p in other.pairs {
            if let i = pairs.firstIndex(where: { $0.from == p.from && $0.to == p.to }) {
                pairs[i].tally.merge(p.tally)
            } else {
                pairs.append(p)
            }
        }
        for i in countByVerdict.indices { countByVerdict[i] += other.countByVerdict[i] }
        latency.merge(other.latency)
        for (f, n) in other.unverified { unverified[f, default: 0] += n }
        for list in other.examplesByVerdict { for f in list { keepExample(f) } }
    }

    /// The invariants of SEMANTICS.md that do not hold by construction; empty when all hold.
    @_spi(SeamStages) public func checkInvariants() -> [String] {
        var broken: [String] = []
        if self[.disagree] > self[.confirmed] + self[.late] {
            broken.append("\(rule.name): disagree \(self[.disagree]) > confirmed + late")
        }
        if latency.count != self[.confirmed] + self[.late] {
            broken.append("\(rule.name): \(latency.count) latencies for \(self[.confirmed] + self[.late]) pairs")
        }
        return broken
    }
}
