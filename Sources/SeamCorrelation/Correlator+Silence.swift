@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamAlignment

/// `silent` notices: a receiver B has shown nothing for `idleBound` (event time) while sends to
/// it are pending (held unpaired, or waiting on B's coverage). Verdicts do not change.
///
/// One notice per silence episode: an episode is identified by B's latest event time (or, when B
/// never logged, the first send to it); B logging again starts a new one. O(receiver services)
/// per `advance`.
extension Correlator {
    /// Per receiver service.
    struct ReceiverState {
        /// The service id.
        var service: Int32
        /// The service name as the rules spell it (`rule.to`).
        var name: String
        /// Unpaired sends to this service still held or waiting.
        var pending = 0
        /// The first send to it, for a receiver that never logged.
        var firstSend: Int64?
        /// `since` of the last notice, so an episode is told once.
        var noticed: Int64?

        mutating func sendHeld(at time: Int64) {
            pending += 1
            firstSend = min(firstSend ?? time, time)
        }

        mutating func sendSettled() { pending -= 1 }
    }

    func noticeSilence(at w: Int64) {
        guard let sink else { return }
        for i in receivers.indices where receivers[i].pending > 0 && receivers[i].service >= 0 {
            let state = receivers[i]
            guard let since = coverage.latest(service: state.service) ?? state.firstSend else { continue }
            guard since.addingSaturating(options.idleBound) <= w, state.noticed != since else { continue }
            receivers[i].noticed = since
            sink.silent(service: state.name, since: since, pendingSends: state.pending)
        }
    }
}
