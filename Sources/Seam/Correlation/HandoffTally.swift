/// Everything decided about one handoff rule: counts of every verdict, latency of pairs,
/// unverified agree fields, and the earliest examples of each kind.
///
/// Invariants (SEMANTICS.md), which `checkInvariants()` verifies:
/// sent = confirmed + late + unconfirmed + uncovered_sends + evicted_sends;
/// received = confirmed + late + duplicate + repeat + orphan + uncovered_receives + evicted_receives;
/// disagree <= confirmed + late.
public struct HandoffTally: Sendable {
    public let rule: HandoffRule
    /// Count per verdict (absent = 0).
    public private(set) var counts: [Verdict: UInt64] = [:]
    /// Latency of confirmed and late pairs.
    public private(set) var latency: LatencyDistribution
    /// Per agree label: pairs where the field was absent on at least one side.
    public private(set) var unverified: [String: UInt64] = [:]
    /// Up to `examplesPerKind` findings per verdict, the earliest by (time, input order).
    public private(set) var examples: [Verdict: [Finding]] = [:]
    /// How many examples to keep per verdict.
    public let examplesPerKind: Int

    public init(rule: HandoffRule, examplesPerKind: Int) {
        self.rule = rule
        self.examplesPerKind = examplesPerKind
        self.latency = LatencyDistribution(offset: rule.tolerance)
    }

    public subscript(verdict: Verdict) -> UInt64 { counts[verdict] ?? 0 }

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
    public mutating func record(_ finding: Finding) {
        counts[finding.verdict, default: 0] += 1
        if finding.verdict == .confirmed || finding.verdict == .late {
            if let l = finding.latency { latency.record(l) }
            for f in finding.fields { unverified[f, default: 0] += 1 }
        }
        keepExample(finding)
    }

    private mutating func keepExample(_ finding: Finding) {
        guard examplesPerKind > 0 else { return }
        var list = examples[finding.verdict] ?? []
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
        examples[finding.verdict] = list
    }

    /// Adds another tally of the same rule (e.g. from another shard of the input).
    public mutating func merge(_ other: HandoffTally) {
        for (v, n) in other.counts { counts[v, default: 0] += n }
        latency.merge(other.latency)
        for (f, n) in other.unverified { unverified[f, default: 0] += n }
        for list in other.examples.values { for f in list { keepExample(f) } }
    }

    /// The invariants of SEMANTICS.md that do not hold by construction; empty when all hold.
    public func checkInvariants() -> [String] {
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
