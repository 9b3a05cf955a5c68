@_spi(SeamStages) import SeamAlignment

/// The services that take part in each rule, given before the observations when a run's
/// observations are split over several correlators (partitions by key): a wildcard side's
/// coverage is judged over every service that sent (received) under the rule in the whole run
/// (SEMANTICS.md "Wildcard sides"), which one partition alone does not see.
extension Correlator {
    /// Notes that `service` (an id of this correlator's `ServiceTable`) sent under rule `rule`
    /// (`side == .send`) or received under it. O(1) expected; only wildcard sides keep it.
    @_spi(SeamStages) public func noteParticipant(rule: Int32, side: Observation.Side, service: Int32) {
        let r = Int(rule)
        guard rules.indices.contains(r) else { return }
        switch side {
        case .send: noteSender(r, service)
        case .receive: noteReceiver(r, service)
        }
    }
}
