@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation

/// The other side of a gap that missed its window: for an unconfirmed send, the nearest orphan
/// (or uncovered) receive of the same handoff and key; for an orphan receive, the nearest
/// unconfirmed (or uncovered) send.
///
/// Both were judged as SEMANTICS.md defines (the pair lies outside `within + grace` or
/// `tolerance`); a near miss changes no verdict, it only says where the other side was and how
/// far, which is most often a window or a tolerance set too tight. Found among the gaps a
/// `GapIndex` kept. O(gaps of that key).
package struct NearMiss: Sendable, Equatable {
    /// The counterpart's verdict: `.orphan` or `.uncoveredReceive` for a send's, `.unconfirmed`
    /// or `.uncoveredSend` for a receive's.
    package var verdict: Verdict
    /// The counterpart's event time and line.
    package var time: Int64
    package var position: InputPosition
    /// The counterpart's service (its record's; under a wildcard side the spec names none).
    package var service: String
    /// Counterpart time minus the finding's time (ns): for an unconfirmed send whose receive
    /// came 3 s later, `+3s` (and `-3s` from that orphan receive); for a receive logged 150 us
    /// before its send (skewed clocks), `-150us` from the send.
    package var offset: Int64

    package init(verdict: Verdict, time: Int64, position: InputPosition, service: String, offset: Int64) {
        self.verdict = verdict
        self.time = time
        self.position = position
        self.service = service
        self.offset = offset
    }

    /// The near miss of `finding` (an unconfirmed send or an orphan receive), or nil when the
    /// index kept no gap of the other side for its key. Ties: the earlier counterpart.
    package static func find(for finding: Finding, rule: HandoffRule, gaps: GapIndex) -> NearMiss? {
        guard let key = finding.key else { return nil }
        let own: Finding.Evidence, wanted: (Verdict, Verdict), service: String?
        switch finding.verdict {
        case .unconfirmed:
            guard let s = finding.send else { return nil }
            (own, wanted, service) = (s, (.orphan, .uncoveredReceive), rule.toParty.service)
        case .orphan:
            guard let r = finding.receive else { return nil }
            (own, wanted, service) = (r, (.unconfirmed, .uncoveredSend), rule.fromParty.service)
        default:
            return nil
        }
        var best: GapIndex.Entry?
        var bestDistance = UInt64.max
        for e in gaps.entries(rule: finding.rule, key: key) where e.verdict == wanted.0 || e.verdict == wanted.1 {
            let d = e.time.subtractingReportingOverflow(own.time)
            let distance = d.overflow ? UInt64.max : d.partialValue.magnitude
            if distance < bestDistance || (distance == bestDistance && best.map { e.time < $0.time } ?? true) {
                best = e
                bestDistance = distance
            }
        }
        guard let best else { return nil }
        let d = best.time.subtractingReportingOverflow(own.time)
        // The counterpart's own record names its service (a wildcard side does not); `?` when
        // neither does.
        return NearMiss(verdict: best.verdict, time: best.time, position: best.position, service: best.service ?? service ?? "?",
                        offset: d.overflow ? (best.time > own.time ? .max : .min) : d.partialValue)
    }
}
