/// `maxOpen`: past it the oldest held item is resolved as evicted, counted, never silent.
///
/// The victim is the oldest by event time (ties: input order) among each rule's oldest pending
/// receive and oldest held send, and each service's waiting item with the earliest gap (the
/// waiting heap is ordered by gap, not time: among waiting items that is the one stuck longest).
/// O(rules + services waiting) per eviction.
///
/// What eviction means for verdicts:
/// - a pending receive -> `evicted_receive`; an unpaired held or waiting send -> `evicted_send`;
///   a waiting receive -> `evicted_receive`.
/// - a paired send already has its verdict (confirmed/late): it is only dropped from memory.
/// - Evicting a send or receive could change the verdict of others (it might have been their
///   pair, or made a later receive a duplicate). So each rule keeps the latest evicted time per
///   side, and an item that would otherwise be judged without a pair while its window reaches that
///   time is resolved as evicted too: eviction never produces a false gap or duplicate. A pair
///   made after an eviction stands (it is a real send and receive of the key).
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
            let claim = claims.take(p.claim)
            rules[r].receiveHorizon = max(rules[r].receiveHorizon ?? .min, p.time)
            emit(Finding(
                verdict: .evictedReceive, rule: rules[r].index, key: claim.values.key, send: nil,
                receive: Finding.Evidence(time: p.time, position: p.position), latency: nil))
        case .send(let r):
            let d = rules[r].sends.removeMin()
            rules[r].sendHorizon = max(rules[r].sendHorizon ?? .min, d.time)
            let s = held.remove(d.send)
            guard !s.paired else { return }
            receivers[rules[r].receiver].sendSettled()
            emit(Finding(
                verdict: .evictedSend, rule: rules[r].index, key: s.values.key,
                send: Finding.Evidence(time: d.time, position: d.position), receive: nil, latency: nil))
        case .waiting(let service):
            guard var heap = waiting.removeValue(forKey: service) else { return }
            let item = heap.removeMin()
            if !heap.isEmpty { waiting[service] = heap }
            waitingCount -= 1
            let evidence = Finding.Evidence(time: item.time, position: item.position)
            if item.side == .send { receivers[rules[Int(item.rule)].receiver].sendSettled() }
            emit(Finding(
                verdict: item.side == .send ? .evictedSend : .evictedReceive, rule: item.rule, key: item.key,
                send: item.side == .send ? evidence : nil, receive: item.side == .receive ? evidence : nil,
                latency: nil))
        }
    }
}
