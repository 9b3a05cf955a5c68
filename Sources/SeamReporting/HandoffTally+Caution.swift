@_spi(SeamStages) import SeamCorrelation

extension HandoffTally {
    /// A warning that this handoff's gaps say little, or `nil` when its pairing looks sound.
    ///
    /// When most of a handoff's keyed sends and receives stay unpaired, the likeliest causes
    /// are not torn handoffs but the input (a sample of lines, one side's logs missing) or the
    /// spec (keys that differ between the sides, a predicate that matches too much). Seam still
    /// reports the verdicts as SEMANTICS.md defines them; this only says how far to trust them.
    /// Asked when both sides had at least 10 judged events and under a fifth of the smaller side
    /// paired. One side unpaired alone (sends never confirmed, no orphans) is the shape of a real
    /// tear, and gets no caution.
    package var caution: String? {
        let paired = self[.confirmed] + self[.late]
        let sends = sent - self[.uncoveredSend] - self[.evictedSend]
        let receives = received - self[.uncoveredReceive] - self[.evictedReceive]
        guard sends >= 10, receives >= 10, paired * 5 < Swift.min(sends, receives) else { return nil }
        return "only \(paired) of \(sends) sends and \(receives) receives paired: when most of a handoff's events "
            + "have no partner, the input is likely a sample or misses one side's logs, or the key differs "
            + "between the sides; little here can be judged as a torn handoff"
    }
}
