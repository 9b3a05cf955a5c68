@_spi(SeamStages) import SeamCorrelation

/// Whether a run is complete, and if not, why (SEMANTICS.md "Gaps, defects, exit codes").
extension Summary {
    /// Every reason the run is incomplete, in cause order; empty when complete. O(sources +
    /// errors + handoffs).
    public var incompleteReasons: [IncompleteReason] {
        var reasons: [IncompleteReason] = []
        // 1. A symlink loop is reported among the errors but loses nothing (every file behind it
        // is read once), so it does not make a run incomplete.
        let lost = total.errors.filter { !$0.code.isNote }
        if !lost.isEmpty {
            var names: [String] = []
            for e in lost where !names.contains(e.source) { names.append(e.source) }
            let what = lost.map { "\($0.source) (\($0.message))" }.joined(separator: ", ")
            reasons.append(IncompleteReason(
                cause: .inputNotReadWhole,
                message: "\(ReportText.count(UInt64(names.count), "input")) not read whole: \(what)",
                count: UInt64(names.count), names: names))
        }
        // 2. Per handoff, how many were evicted and where.
        for h in handoffs {
            let n = h[.evictedSend] + h[.evictedReceive]
            guard n > 0 else { continue }
            let span = h.evictedSpan.map {
                $0.first == $0.last ? " at \(TimeText.rfc3339($0.first))"
                    : " from \(TimeText.rfc3339($0.first)) to \(TimeText.rfc3339($0.last))"
            } ?? ""
            reasons.append(IncompleteReason(
                cause: .evicted,
                message: "\(h.rule.name): \(ReportText.count(n, "observation")) evicted past max-open\(span) "
                    + "(\(ReportText.count(h[.evictedSend], "send")), \(ReportText.count(h[.evictedReceive], "receive"))); "
                    + "verdicts near them are partial",
                handoff: h.rule.name, count: n, first: h.evictedSpan?.first, last: h.evictedSpan?.last))
        }
        // 3. Nothing judged. Only input that was read counts: with every input lost, cause 1 says it.
        let t = total
        if t.events == 0 && (t.lines > 0 || lost.isEmpty) {
            reasons.append(IncompleteReason(
                cause: .nothingJudged,
                message: t.lines == 0 ? "no line was read" : "no line became an event (\(ReportText.count(t.lines, "line")) read, all rejected)"))
        } else if t.events > 0 && !handoffs.contains(where: { $0.sent + $0.received > 0 }) {
            let unkeyed = handoffs.reduce(0) { $0 + $1[.unkeyedSend] + $1[.unkeyedReceive] }
            reasons.append(IncompleteReason(
                cause: .nothingJudged,
                message: "no handoff saw any keyed send or receive in \(ReportText.count(t.events, "event"))"
                    + (unkeyed > 0 ? " (\(ReportText.count(unkeyed, "match", "matches")) had no key)" : ""),
                count: unkeyed))
        }
        // 4. A handoff that could not be judged, with what the input held instead.
        if !allowUnjudged {
            for h in handoffs {
                guard let d = diagnoses[h.rule.name], d.couldNotBeJudged else { continue }
                reasons.append(IncompleteReason(
                    cause: .handoffNotJudged,
                    message: "\(h.rule.name) could not be judged: " + d.reasons.map(\.message).joined(separator: "; "),
                    handoff: h.rule.name, names: d.reasons.compactMap(\.nearest)))
            }
        }
        return reasons
    }

    /// Why `h`'s findings may say little: the diagnosis of a side never seen (a misspelt
    /// event, say, makes every receive an orphan), then the tally's own caution, then near
    /// misses that a wider window or tolerance would pair (`NearMissAdvice`), then rejected
    /// lines of the other side in many gaps' windows (`RejectedNeighbourhood`).
    package func caution(_ h: HandoffTally) -> String? {
        var parts: [String] = []
        if let d = diagnoses[h.rule.name], !d.couldNotBeJudged {
            parts.append("no \(d.reasons.map(\.side).joined(separator: " or ")) was ever seen, so these findings "
                + "most likely come from the spec: " + d.reasons.map(\.message).joined(separator: "; "))
        }
        if let c = h.caution { parts.append(c) }
        let advice = nearMissAdvice(h).map { nearMissSentence($0, rule: h.rule) }
            + rejectedNeighbourhoods(h).map(rejectedSentence)
        if !advice.isEmpty {
            parts = parts.map { $0.hasSuffix(".") ? $0 : $0 + "." }
            for a in advice { parts.append(a + ".") }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
