@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamCorrelation

/// Rejected lines of the other side that fall in a gap's window: for an orphan receive, lines of
/// the sender's service rejected where its send would be; for an unconfirmed send, lines of the
/// receiver's. Such a line may be the missing side, unread (`no-time`, `malformed`, ...).
///
/// Placed by `RejectionRun`s (each source's rejected lines between the events around them), so
/// "falls in" means the run's span overlaps the window. Summed per source and reason. Changes no
/// verdict. O(runs of the sources).
package struct RejectedNearby: Sendable, Equatable {
    /// Index of the source (`InputPosition.source`).
    package var source: Int32
    package var reason: RejectReason
    /// Rejected lines of the runs that overlap.
    package var count: UInt64
    package var firstLine: UInt64
    package var lastLine: UInt64
    /// The span of those runs (ns).
    package var earliest: Int64
    package var latest: Int64
    /// Their likely services (the neighbours').
    package var services: [String]

    /// Where the other side of a gap of `verdict` at `time` would be: its service and window
    /// (SEMANTICS.md: a receive looks back `within + grace` and ahead `tolerance`; a send waits
    /// `within + grace` and allows a receive `tolerance` before it). The service is `other`
    /// (a finding's own `from`/`to`) or the one the rule names; nil for other verdicts, and for
    /// a wildcard side that names none (nothing is guessed).
    package static func window(of verdict: Verdict, at time: Int64, rule: HandoffRule, other: String? = nil)
        -> (service: String, from: Int64, to: Int64)? {
        let wg = rule.within.addingSaturating(rule.grace)
        switch verdict {
        case .orphan:
            guard let s = other ?? rule.fromParty.service else { return nil }
            return (s, time.subtractingSaturating(wg), time.addingSaturating(rule.tolerance))
        case .unconfirmed:
            guard let s = other ?? rule.toParty.service else { return nil }
            return (s, time.subtractingSaturating(rule.tolerance), time.addingSaturating(wg))
        default: return nil
        }
    }

    /// The rejected lines of the other side in `finding`'s window, per source and reason, in
    /// source order; empty for findings other than unconfirmed and orphan.
    package static func find(for finding: Finding, rule: HandoffRule, index: RejectionIndex) -> [RejectedNearby] {
        guard let e = finding.verdict == .orphan ? finding.receive : finding.send,
              let w = window(of: finding.verdict, at: e.time, rule: rule,
                             other: finding.verdict == .orphan ? finding.from : finding.to) else { return [] }
        var out: [RejectedNearby] = []
        for (source, run) in index.overlapping(service: w.service, from: w.from, to: w.to) {
            add(run, source: source, to: &out)
        }
        return out
    }

    /// Adds `r` to the entry of its source and reason in `list`, or as a new one.
    static func add(_ r: RejectionRun, source: Int32, to list: inout [RejectedNearby]) {
        let lo = r.earliest ?? .max, hi = r.latest ?? .min
        if let k = list.firstIndex(where: { $0.source == source && $0.reason == r.reason }) {
            list[k].count += r.count
            list[k].firstLine = min(list[k].firstLine, r.firstLine)
            list[k].lastLine = max(list[k].lastLine, r.lastLine)
            list[k].earliest = min(list[k].earliest, lo)
            list[k].latest = max(list[k].latest, hi)
            for s in r.services where !list[k].services.contains(s) { list[k].services.append(s) }
        } else {
            list.append(RejectedNearby(source: source, reason: r.reason, count: r.count, firstLine: r.firstLine,
                                       lastLine: r.lastLine, earliest: lo, latest: hi, services: r.services))
        }
    }
}

/// Every source's placed rejection runs by service, for "which runs of service S overlap
/// [from, to]" in O(log runs + runs that overlap) when runs do not overlap much (a sorted
/// source's never do): runs sorted by start, with the largest end so far, scanned back from the
/// last run that starts by `to` until no earlier run can reach `from`.
package struct RejectionIndex: Sendable {
    private struct Entry: Sendable {
        var source: Int32
        var run: RejectionRun
        var lo: Int64
        var hi: Int64
    }

    private var byService: [String: (entries: [Entry], maxHi: [Int64])] = [:]

    package init(runs: [[RejectionRun]]) {
        var lists: [String: [Entry]] = [:]
        for (i, list) in runs.enumerated() {
            for r in list {
                guard let lo = r.earliest, let hi = r.latest else { continue }
                for s in r.services { lists[s, default: []].append(Entry(source: Int32(i), run: r, lo: lo, hi: hi)) }
            }
        }
        for (s, list) in lists {
            let sorted = list.sorted { ($0.lo, $0.source, $0.run.firstLine) < ($1.lo, $1.source, $1.run.firstLine) }
            var maxHi: [Int64] = []
            maxHi.reserveCapacity(sorted.count)
            for e in sorted { maxHi.append(max(maxHi.last ?? .min, e.hi)) }
            byService[s] = (sorted, maxHi)
        }
    }

    /// True when no run was placed.
    package var isEmpty: Bool { byService.isEmpty }

    /// The runs of `service` whose span meets [from, to], by (source, first line).
    package func overlapping(service: String, from: Int64, to: Int64) -> [(source: Int32, run: RejectionRun)] {
        guard let (entries, maxHi) = byService[service] else { return [] }
        var lo = 0, hi = entries.count
        while lo < hi {
            let m = (lo + hi) / 2
            if entries[m].lo <= to { lo = m + 1 } else { hi = m }
        }
        var out: [(source: Int32, run: RejectionRun)] = []
        var i = lo - 1
        while i >= 0 && maxHi[i] >= from {
            if entries[i].hi >= from { out.append((entries[i].source, entries[i].run)) }
            i -= 1
        }
        return out.sorted { ($0.source, $0.run.firstLine) < ($1.source, $1.run.firstLine) }
    }
}

/// Rejected lines of the other side in the windows of many gaps of one handoff: "9 gateway lines
/// rejected `no-time` fall in the windows of 7 of 7 orphans; these orphans may be their sends".
///
/// Over the gaps the `GapIndex` kept: O((gaps + runs) log) per handoff and kind.
package struct RejectedNeighbourhood: Sendable, Equatable {
    /// `.orphan` or `.unconfirmed`.
    package var verdict: Verdict
    /// The other side's service.
    package var service: String
    /// Gaps of that kind kept, and how many of them have rejected lines in their window.
    package var gaps: Int
    package var touched: Int
    /// The rejected lines in those windows, per source and reason.
    package var rejected: [RejectedNearby]

    /// For `rule`, per kind (orphans, then unconfirmed sends), when at least a fifth of its gaps
    /// kept have rejected lines of the other side in their window.
    package static func find(rule: HandoffRule, ruleIndex: Int32, gaps: GapIndex, runs: [[RejectionRun]]) -> [RejectedNeighbourhood] {
        guard runs.contains(where: { !$0.isEmpty }) else { return [] }
        var out: [RejectedNeighbourhood] = []
        for verdict in [Verdict.orphan, .unconfirmed] {
            var times: [Int64] = []
            for (_, entries) in gaps.keys(of: ruleIndex) {
                for e in entries where e.verdict == verdict { times.append(e.time) }
            }
            guard !times.isEmpty, let probe = RejectedNearby.window(of: verdict, at: 0, rule: rule) else { continue }
            times.sort()
            // The window of a gap at t is [t - before, t + after].
            let before = Int64(0).subtractingSaturating(probe.from), after = probe.to
            var placed: [(source: Int32, run: RejectionRun, lo: Int64, hi: Int64)] = []
            for (i, list) in runs.enumerated() {
                for r in list where r.services.contains(probe.service) {
                    if let lo = r.earliest, let hi = r.latest { placed.append((Int32(i), r, lo, hi)) }
                }
            }
            guard !placed.isEmpty else { continue }
            // Runs whose span meets some gap's window: t in [lo - after, hi + before].
            var rejected: [RejectedNearby] = []
            for p in placed {
                let a = lowerBound(times, p.lo.subtractingSaturating(after))
                if a < times.count && times[a] <= p.hi.addingSaturating(before) {
                    RejectedNearby.add(p.run, source: p.source, to: &rejected)
                }
            }
            guard !rejected.isEmpty else { continue }
            // Gaps whose window meets some run: among runs with lo <= t + after, the largest hi >= t - before.
            placed.sort { $0.lo < $1.lo }
            var maxHi: [Int64] = []
            for p in placed { maxHi.append(max(maxHi.last ?? .min, p.hi)) }
            let los = placed.map(\.lo)
            var touched = 0
            for t in times {
                let n = upperBound(los, t.addingSaturating(after))
                if n > 0 && maxHi[n - 1] >= t.subtractingSaturating(before) { touched += 1 }
            }
            guard touched > 0, touched * 5 >= times.count else { continue }
            out.append(RejectedNeighbourhood(verdict: verdict, service: probe.service, gaps: times.count,
                                             touched: touched, rejected: rejected))
        }
        return out
    }

    /// First index whose value is >= x.
    private static func lowerBound(_ a: [Int64], _ x: Int64) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let m = (lo + hi) / 2
            if a[m] < x { lo = m + 1 } else { hi = m }
        }
        return lo
    }

    /// First index whose value is > x.
    private static func upperBound(_ a: [Int64], _ x: Int64) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let m = (lo + hi) / 2
            if a[m] <= x { lo = m + 1 } else { hi = m }
        }
        return lo
    }
}
