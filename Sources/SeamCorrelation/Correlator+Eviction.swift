@_spi(SeamStages) import SeamAlignment

/// `maxOpen`: past it the oldest held item is resolved as evicted, counted, never silent.
///
/// The victim is the oldest by event time (ties: input order) among each rule's oldest pending
/// receive and oldest held send, and each service's waiting item with the earliest gap (the
/// waiting heap is ordered by gap, not time: among waiting items that is the one stuck longest).
/// O(rules + services waiting) per eviction.
///
/// What eviction means for verdicts (SEMANTICS.md "Eviction never makes a finding"):
/// - a pending receive -> `evicted_receive`; an unpaired held or waiting send -> `evicted_send`;
///   a waiting receive -> `evicted_receive`.
/// - a paired send already has its verdict (confirmed/late): it is only dropped from memory.
/// - Evicting a held send or pending receive could change the pairing of others of its handoff
///   (rule, key), and through them of more. `evicted` (`EvictedKeys`) records where, per handoff
///   and kind, and each verdict first asks it (only once something was evicted):
///   - a receive at tr is given up when an unpaired send was given up in its window
///     [tr - W - G, tr + T], or a receive whose window overlaps its own (|tr' - tr| <= W + G + T).
///     If it takes a send, the send is given up too (both sides `evicted`, no confirmed, late or
///     disagree), and both are recorded: that is how the doubt spreads, exactly as far as
///     windows chain.
///   - an unpaired receive is also given up when a dropped paired send lies in its window (it
///     could be a duplicate); it took nothing either way, so it is not recorded.
///   - an unpaired send at ts is given up when a receive was given up in [ts - T, ts + W + G].
///   Why that suffices: a send's paired/unpaired state can differ from the full run's only if it
///   was given up or lies in the window of a receive that was; a receive that passes the checks
///   sees, in its window, only sends whose state equals the full run's, so it decides the same.
///   A waiting item was decided unpaired before it waited: evicting it changes nobody's pairing,
///   so it is not recorded. Verdicts decided before an eviction cannot depend on the victim: it
///   was still held when they were decided, and it comes later in the pairing order.
extension Correlator {
    func evictOldest() {
        enum Victim {
            case receive(Int)
            case send(Int)
            case waiting(Int32)
        }
        var best: (time: Int64, position: InputPosition, victim: Victim)?
        func consider(_ time: Int64, _ position: InputPosition, _ v: Victim) {
            if let b = best, (b.time, b.position) <= (time, position) { return }
            best = (time, position, v)
        }
        for r in rules.indices {
            if let p = rules[r].receives.min { consider(p.time, p.position, .receive(r)) }
            if let d = rules[r].sends.min { consider(d.time, d.position, .send(r)) }
        }
        for (service, heap) in waiting {
            if let item = heap.min { consider(item.time, item.position, .waiting(service)) }
        }
        guard let victim = best?.victim else { return }
        switch victim {
        case .receive(let r):
            let p = rules[r].receives.removeMin()
            pendingReceives -= 1
            var claim = claims.take(p.claim)
            defer { claim.values.release() }
            evicted.record(.receive, hash: claim.hash, time: p.time)
            emit(Finding(
                verdict: .evictedReceive, rule: rules[r].index, key: claim.values.key, send: nil,
                receive: Finding.Evidence(time: p.time, position: p.position), latency: nil),
                 from: claim.peer, to: claim.service)
        case .send(let r):
            let d = rules[r].sends.removeMin()
            var s = held.remove(d.send)
            defer { s.values.release() }
            evicted.record(s.paired ? .paired : .send, hash: s.hash, time: d.time)
            guard !s.paired else { return }
            sendSettled(rule: r)
            emit(Finding(
                verdict: .evictedSend, rule: rules[r].index, key: s.values.key,
                send: Finding.Evidence(time: d.time, position: d.position), receive: nil, latency: nil),
                 from: s.service, to: s.peer)
        case .waiting(let service):
            guard var heap = waiting.removeValue(forKey: service) else { return }
            let item = heap.removeMin()
            if !heap.isEmpty { waiting[service] = heap }
            waitingCount -= 1
            let evidence = Finding.Evidence(time: item.time, position: item.position)
            if item.side == .send { sendSettled(rule: Int(item.rule)) }
            emit(Finding(
                verdict: item.side == .send ? .evictedSend : .evictedReceive, rule: item.rule, key: item.key,
                send: item.side == .send ? evidence : nil, receive: item.side == .receive ? evidence : nil,
                latency: nil), from: item.side == .send ? item.own : item.service, to: item.side == .send ? item.service : item.own)
        }
    }
}
