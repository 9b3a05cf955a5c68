@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamCorrelation
import SeamDiagnosis

/// Near misses in words: on a finding, where the other side of its key was and how far; on a
/// handoff, the `within`, `grace` or `tolerance` that would pair its near misses.
extension Summary {
    /// The near miss of an unconfirmed send or orphan receive (`NearMiss`), or nil.
    package func nearMiss(of f: Finding) -> NearMiss? {
        guard let rule = rule(of: f) else { return nil }
        return NearMiss.find(for: f, rule: rule, gaps: gapIndex)
    }

    /// What `h`'s near misses suggest (`NearMissAdvice`), late first; empty when none.
    package func nearMissAdvice(_ h: HandoffTally) -> [NearMissAdvice] {
        guard gapIndex.count > 0, h.gaps > 0, let i = handoffs.firstIndex(where: { $0.rule.name == h.rule.name }) else { return [] }
        return NearMissAdvice.advise(rule: h.rule, ruleIndex: Int32(i), gaps: gapIndex)
    }

    /// `; near miss: payments received this key at +3s (payments.log:4, judged orphan), outside
    /// the window of within + grace = 1s`, or empty.
    func nearMissClause(_ f: Finding) -> String {
        guard let m = nearMiss(of: f), let rule = rule(of: f) else { return "" }
        let receive = m.verdict == .orphan || m.verdict == .uncoveredReceive
        let did = receive ? "received" : "sent"
        let judged = m.verdict == .orphan || m.verdict == .unconfirmed ? "judged \(m.verdict.rawValue)" : "not judged: uncovered"
        let beyond = receive == (m.offset > 0)
            ? "outside the window of within + grace = \(DurationText.text(rule.within.addingSaturating(rule.grace)))"
            : "beyond the tolerance of \(DurationText.text(rule.tolerance))"
        return "; near miss: \(m.service) \(did) this key at \(Self.signed(m.offset)) (\(place(m.position)), \(judged)), "
            + beyond
    }

    /// The caution sentence for one piece of advice.
    func nearMissSentence(_ a: NearMissAdvice, rule: HandoffRule) -> String {
        // Early lags are negative: "150us to 180us before", smallest distance first.
        let near = a.direction == .late ? a.minLag : a.maxLag, far = a.direction == .late ? a.maxLag : a.minLag
        let range = near == far ? DurationText.approximate(far.magnitude.clampedToInt64)
            : "\(DurationText.approximate(near.magnitude.clampedToInt64)) to \(DurationText.approximate(far.magnitude.clampedToInt64))"
        let settings = a.settings.map { "`\($0.name): \(DurationText.text($0.value))`" }
        let partial = gapIndex.dropped > 0
            ? " (looked for among the first \(ReportText.grouped(gapIndex.count)) gaps of the run only)" : ""
        switch a.direction {
        case .late:
            return "\(ReportText.count(UInt64(a.pairs), "unconfirmed send")) \(a.pairs == 1 ? "has" : "have") a receive "
                + "of the same key \(range) later, past within + grace "
                + "(\(DurationText.text(rule.within.addingSaturating(rule.grace))))\(partial): if receives can take that long, "
                + settings[0] + (settings.count > 1 ? " (or \(settings[1]))" : "") + " would pair them"
        case .early:
            var clocks = ""
            if let k = clockSkews.first(where: { Set([$0.a, $0.b]) == Set([rule.from, rule.to]) }), k.isSkewed {
                clocks = "; from the pairs: \(k.sentence)"
            }
            return "\(ReportText.count(UInt64(a.pairs), "receive")) \(a.pairs == 1 ? "was" : "were") logged \(range) before "
                + "\(a.pairs == 1 ? "its send" : "their sends") (the sends unconfirmed), beyond tolerance "
                + "(\(DurationText.text(rule.tolerance)))\(partial): the clocks of \(rule.from) and \(rule.to) are likely apart; "
                + settings.joined(separator: " or ") + " would pair them" + clocks
        }
    }

    /// `+3s`, `-150us`: an offset with its sign.
    package static func signed(_ ns: Int64) -> String {
        (ns >= 0 ? "+" : "-") + DurationText.approximate(ns.magnitude.clampedToInt64)
    }
}

extension UInt64 {
    /// The value as an Int64, `Int64.max` when above it.
    var clampedToInt64: Int64 { self > UInt64(Int64.max) ? .max : Int64(self) }
}
