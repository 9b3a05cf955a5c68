@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamCorrelation
import SeamDiagnosis

/// Rejected lines near findings, in words: on an unconfirmed send or orphan receive, the other
/// side's rejected lines in its window; on a handoff, when many of its gaps have them.
extension Summary {
    /// Each source's rejection runs, in source order.
    var rejectionRuns: [[RejectionRun]] { sources.map(\.stats.rejectionRuns) }

    /// The other side's rejected lines in `f`'s window (`RejectedNearby`); empty for other kinds.
    /// Uses `rejectionIndex` (a run's summary has it), else indexes the runs for this call.
    package func rejectedNearby(_ f: Finding) -> [RejectedNearby] {
        guard f.verdict == .orphan || f.verdict == .unconfirmed, let rule = rule(of: f) else { return [] }
        let index = rejectionIndex ?? RejectionIndex(runs: rejectionRuns)
        guard !index.isEmpty else { return [] }
        return RejectedNearby.find(for: f, rule: rule, index: index)
    }

    /// Kinds of `h`'s gaps (orphans, unconfirmed sends) many of which have the other side's
    /// rejected lines in their window (`RejectedNeighbourhood`).
    package func rejectedNeighbourhoods(_ h: HandoffTally) -> [RejectedNeighbourhood] {
        guard gapIndex.count > 0, h.gaps > 0, let i = handoffs.firstIndex(where: { $0.rule.name == h.rule.name }) else { return [] }
        return RejectedNeighbourhood.find(rule: h.rule, ruleIndex: Int32(i), gaps: gapIndex, runs: rejectionRuns)
    }

    /// `9 gateway lines rejected no-time (gateway.jsonl:2-18, between ... and ...)`.
    func rejectedText(_ r: RejectedNearby) -> String {
        let lines = r.firstLine == r.lastLine ? "\(r.firstLine)" : "\(r.firstLine)-\(r.lastLine)"
        let who = r.services.isEmpty ? "" : r.services.joined(separator: " or ") + " "
        let capped = Int(r.source) < sources.count && sources[Int(r.source)].stats.rejectionRunsCapped
        return "\(ReportText.grouped(r.count)) \(who)line\(r.count == 1 ? "" : "s") rejected `\(r.reason.rawValue)` "
            + "(\(sourceName(r.source)):\(lines), \(TimeText.span(r.earliest, r.latest))"
            + (capped ? "; spans widened: more than \(RejectionTracker.cap) runs in that source" : "") + ")"
    }

    /// `; in its window: 1 gateway line rejected ... , which may be its send`, or empty.
    package func rejectedClause(_ f: Finding) -> String {
        let near = rejectedNearby(f)
        guard !near.isEmpty else { return "" }
        let total = near.reduce(0) { $0 + $1.count }
        let side = f.verdict == .orphan ? "send" : "receive"
        return "; in its window: " + near.map(rejectedText).joined(separator: ", ")
            + (total == 1 ? ", which may be its \(side)" : ", which may hold its \(side)")
    }

    /// The caution sentence for one kind of `rule`'s gaps.
    func rejectedSentence(_ n: RejectedNeighbourhood) -> String {
        let kind = n.verdict == .orphan ? (n.gaps == 1 ? "orphan" : "orphans")
            : (n.gaps == 1 ? "unconfirmed send" : "unconfirmed sends")
        let kept = gapIndex.dropped > 0 ? " kept (the first \(ReportText.grouped(gapIndex.count)) gaps of the run)" : ""
        let what = n.verdict == .orphan
            ? "these orphans may be their sends, which could not be read"
            : "these sends may have been received in those lines, which could not be read"
        return "\(n.touched) of \(n.gaps) \(kind)\(kept) \(n.touched == 1 && n.gaps == 1 ? "has" : "have") \(n.service) "
            + "lines rejected in \(n.gaps == 1 ? "its" : "their") window: "
            + n.rejected.map(rejectedText).joined(separator: ", ") + "; " + what
    }
}

extension TimeText {
    /// `at T`, or `between T1 and T2` with the date left out of T2 when it is T1's.
    static func span(_ a: Int64, _ b: Int64) -> String {
        let first = rfc3339(a)
        guard b != a else { return "at \(first)" }
        let second = rfc3339(b)
        let sameDay = first.prefix(11) == second.prefix(11)
        return "between \(first) and \(sameDay ? String(second.dropFirst(11)) : second)"
    }
}
