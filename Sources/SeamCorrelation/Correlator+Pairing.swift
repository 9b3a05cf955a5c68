@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamAlignment

/// SEMANTICS.md "Pairing": a receive takes the latest unpaired send in its window; a send's
/// window closing decides it.
extension Correlator {
    /// Decides one receive: pair, duplicate/repeat, or orphan/uncovered (SEMANTICS steps 1-3).
    /// O(1) expected + sends of the key in the window.
    func processReceive(_ p: PendingReceive, rule r: Int) {
        var claim = claims.take(p.claim)
        // The receive is decided here, whichever way: its claim goes with it.
        defer { claim.values.release() }
        let lo = p.time.subtractingSaturating(rules[r].window)
        let hi = p.time.addingSaturating(rules[r].tolerance)
        // Only after an eviction: was an observation its pairing could involve given up?
        let given = evicted.isEmpty ? nil : evicted[claim.hash]
        let tainted = given.map { $0.send >= lo || $0.receive >= p.time.subtractingSaturating(rules[r].sendOpen) } ?? false
        var pairedInWindow: Int32?
        if let at = claim.values.withKey({ held.find(rule: rules[r].index, hash: claim.hash, key: $0!) }) {
            let (taken, paired) = held.takeLatestUnpaired(slot: at, from: lo, to: hi)
            pairedInWindow = paired
            if let t = taken {
                sendSettled(rule: r)
                if tainted {
                    giveUpPair(send: t, receive: p, claim: claim, rule: r)
                } else {
                    emitPair(send: held[t], receive: p, claim: claim, rule: r)
                }
                return
            }
        }
        // Unpaired from here on (the rarer paths): the key is made text once.
        let key = claim.values.key
        let receive = Finding.Evidence(time: p.time, position: p.position)
        // Step 2 and 3 need every send that could have been in the window, paired ones too.
        if tainted || (given.map { $0.paired >= lo } ?? false) {
            // Given up only for a dropped paired send, it took nothing here nor in the full run:
            // nothing else depends on it, so it is not recorded.
            if tainted { evicted.record(.receive, hash: claim.hash, time: p.time) }
            emit(Finding(verdict: .evictedReceive, rule: rules[r].index, key: key, send: nil, receive: receive, latency: nil),
                 from: claim.peer, to: claim.service)
            return
        }
        if let i = pairedInWindow {
            let s = held[i]
            emit(Finding(
                verdict: rules[r].once ? .duplicate : .repeat, rule: rules[r].index, key: key,
                send: Finding.Evidence(time: s.time, position: s.position), receive: receive, latency: nil),
                 from: s.service, to: claim.service)
            return
        }
        // A named sender (fixed `from`, or `from: {field: F}` present) judges it; else every
        // service that sent under the rule (-1).
        judgeUnpaired(WaitingItem(
            gap: lo, side: .receive, rule: rules[r].index, key: key ?? "", time: p.time, position: p.position,
            lo: lo, hi: hi, service: claim.peer, own: claim.service))
    }

    /// A receive whose pairing an eviction might have changed took send `t`: neither side can be
    /// judged. Both are counted evicted and recorded, so whatever their windows reach is too.
    /// The send stays held, marked paired, and is dropped silently when its window closes.
    func giveUpPair(send t: Int32, receive p: PendingReceive, claim: Claim, rule r: Int) {
        let s = held[t]
        let key = claim.values.key
        evicted.record(.receive, hash: claim.hash, time: p.time)
        evicted.record(.send, hash: claim.hash, time: s.time)
        emit(Finding(
            verdict: .evictedSend, rule: rules[r].index, key: key, send: Finding.Evidence(time: s.time, position: s.position),
            receive: nil, latency: nil), from: s.service, to: claim.service)
        emit(Finding(
            verdict: .evictedReceive, rule: rules[r].index, key: key, send: nil,
            receive: Finding.Evidence(time: p.time, position: p.position), latency: nil), from: s.service, to: claim.service)
    }

    /// Emits a pair's confirmed/late finding (with unverified fields) and its disagreement.
    /// A confirmed pair that agrees, that no sink wants and that is not among the earliest
    /// examples is only counted: no `Finding`, no key text.
    func emitPair(send s: HeldSends.Send, receive p: PendingReceive, claim: Claim, rule r: Int) {
        let values = claim.values
        // ts lies in [tr - W - G, tr + T], so this cannot overflow.
        let latency = p.time - s.time
        var unverified: [String] = []
        var differing: [String] = []
        var texts: [(send: String, receive: String)] = []
        s.values.withBytes { sb in
            values.withBytes { pb in
                var a = ClaimValues.Reader(sb), b = ClaimValues.Reader(pb)
                _ = a.next()
                _ = b.next()
                // By index: a label (a String) is touched only when it is reported, not
                // retained and released for every pair.
                for i in 0..<rules[r].labels.count {
                    guard let (st, sv) = a.next(), let (rt, rv) = b.next(), st != .absent, rt != .absent else {
                        unverified.append(rules[r].labels[i])
                        continue
                    }
                    if !Self.agree(st, sv, rt, rv) {
                        differing.append(rules[r].labels[i])
                        texts.append((String(decoding: sv, as: UTF8.self), String(decoding: rv, as: UTF8.self)))
                    }
                }
            }
        }
        let verdict: Verdict = latency <= rules[r].within ? .confirmed : .late
        pairObserver?.paired(rule: r, latency: latency)
        if verdict == .confirmed && differing.isEmpty && !sinkWantsConfirmed
            && tallies[r].countPairUnlessExample(.confirmed, latency: latency, unverified: unverified,
                                                 time: s.time, position: s.position) {
            if rules[r].wild {
                let i = pairSlot(r, s.service, claim.service)
                tallies[r].pairs[i].tally.countPair(.confirmed, latency: latency, unverified: unverified)
            }
            return
        }
        let send = Finding.Evidence(time: s.time, position: s.position)
        let receive = Finding.Evidence(time: p.time, position: p.position)
        let key = values.key
        emit(Finding(
            verdict: verdict, rule: rules[r].index, key: key, send: send, receive: receive, latency: latency,
            fields: unverified), from: s.service, to: claim.service)
        if !differing.isEmpty {
            emit(Finding(
                verdict: .disagree, rule: rules[r].index, key: key, send: send, receive: receive, latency: latency,
                fields: differing, values: texts), from: s.service, to: claim.service)
        }
    }

    /// Agree-equality of two packed values (`FieldValue.agrees`): scalars by text or decimal
    /// value without allocating; objects and arrays structurally.
    static func agree(_ at: ClaimValues.Tag, _ a: UnsafeRawBufferPointer, _ bt: ClaimValues.Tag,
                      _ b: UnsafeRawBufferPointer) -> Bool {
        switch (at == .composite, bt == .composite) {
        case (false, false): return FieldValue.scalarTextsAgree(a, b)
        case (true, true): return FieldValue.composite([UInt8](a)).agrees(with: .composite([UInt8](b)))
        default: return false
        }
    }

    /// A send's window closed: forget it; unpaired, judge it against Coverage(B) (every
    /// receiving service of the rule when B is a wildcard the send does not name).
    /// O(1) expected.
    func closeSend(_ d: SendDeadline, rule r: Int) {
        var s = held.remove(d.send)
        defer { s.values.release() }
        guard !s.paired else { return }
        let key = s.values.key
        let lo = d.time.subtractingSaturating(rules[r].tolerance)
        let hi = d.time.addingSaturating(rules[r].window)
        // A receive given up with this send in its window might have taken it.
        if !evicted.isEmpty, evicted[s.hash].receive >= lo {
            sendSettled(rule: r)
            emit(Finding(
                verdict: .evictedSend, rule: rules[r].index, key: key, send: Finding.Evidence(time: d.time, position: d.position),
                receive: nil, latency: nil), from: s.service, to: s.peer)
            return
        }
        // A named receiver (fixed `to`, or `to: {field: F}` present) judges it; else every
        // service that received under the rule (-1).
        judgeUnpaired(WaitingItem(
            gap: lo, side: .send, rule: rules[r].index, key: key ?? "", time: d.time, position: d.position,
            lo: lo, hi: hi, service: s.peer, own: s.service))
    }
}
