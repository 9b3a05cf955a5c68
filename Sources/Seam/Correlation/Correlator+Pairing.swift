/// SEMANTICS.md "Pairing": a receive takes the latest unpaired send in its window; a send's
/// window closing decides it.
extension Correlator {
    /// Adds a send to its handoff's held list, keeping (time, input order). O(sends of the key),
    /// O(log) + append when sends come in time order.
    func hold(_ s: HeldSend, rule: Int32, key: String) {
        heldSends += 1
        // Edited in place through the dictionary: one hash lookup, no copy of the list.
        held[HandoffKey(rule: rule, key: key), default: []].insertHeld(s)
    }

    /// First index whose (time, position) is greater than the given one.
    static func insertionIndex(_ list: [HeldSend], time: Int64, position: InputPosition) -> Int {
        var i = 0, j = list.count
        // Fields read in place: copying the last element would retain its agree values.
        if j > 0, (list[j - 1].time, list[j - 1].position) <= (time, position) { return j }
        while i < j {
            let m = (i + j) / 2
            if (list[m].time, list[m].position) <= (time, position) { i = m + 1 } else { j = m }
        }
        return i
    }

    /// Decides one receive: pair, duplicate/repeat, or orphan/uncovered (SEMANTICS steps 1-3).
    /// O(log n + sends of the key in the window).
    func processReceive(_ p: PendingReceive, rule r: Int) {
        let lo = Saturating.sub(p.time, rules[r].window)
        let hi = Saturating.add(p.time, rules[r].rule.tolerance)
        let k = HandoffKey(rule: rules[r].index, key: p.key)
        let receive = Finding.Evidence(time: p.time, position: p.position)
        var pairedInWindow: HeldSend?
        if let at = held.index(forKey: k) {
            let (taken, paired) = held.values[at].takeLatestUnpaired(from: lo, to: hi)
            pairedInWindow = paired
            if let t = taken {
                receivers[rules[r].to]?.sendSettled()
                emitPair(send: t, receive: p, rule: r)
                return
            }
        }
        // Step 2 and 3 need every send that could have been in the window: an evicted one might.
        if let h = rules[r].sendHorizon, lo <= h {
            emit(Finding(verdict: .evictedReceive, rule: rules[r].index, key: p.key, send: nil, receive: receive, latency: nil))
            return
        }
        if let s = pairedInWindow {
            emit(Finding(
                verdict: rules[r].rule.once ? .duplicate : .repeat, rule: rules[r].index, key: p.key,
                send: Finding.Evidence(time: s.time, position: s.position), receive: receive, latency: nil))
            return
        }
        judgeUnpaired(WaitingItem(
            gap: lo, side: .receive, rule: rules[r].index, key: p.key, time: p.time, position: p.position,
            lo: lo, hi: hi, service: rules[r].from))
    }

    /// Emits a pair's confirmed/late finding (with unverified fields) and its disagreement.
    func emitPair(send s: HeldSend, receive p: PendingReceive, rule r: Int) {
        // ts lies in [tr - W - G, tr + T], so this cannot overflow.
        let latency = p.time - s.time
        var unverified: [String] = []
        var differing: [String] = []
        var values: [(send: String, receive: String)] = []
        // Values are compared where they lie (binding them would retain each one per pair).
        for i in rules[r].labels.indices {
            guard i < s.agree.count, i < p.agree.count, s.agree[i] != nil, p.agree[i] != nil else {
                unverified.append(rules[r].labels[i])
                continue
            }
            if !s.agree[i].unsafelyUnwrapped.agrees(with: p.agree[i].unsafelyUnwrapped) {
                differing.append(rules[r].labels[i])
                values.append((s.agree[i].unsafelyUnwrapped.text, p.agree[i].unsafelyUnwrapped.text))
            }
        }
        let send = Finding.Evidence(time: s.time, position: s.position)
        let receive = Finding.Evidence(time: p.time, position: p.position)
        let key = p.key
        emit(Finding(
            verdict: latency <= rules[r].rule.within ? .confirmed : .late, rule: rules[r].index, key: key, send: send,
            receive: receive, latency: latency, fields: unverified))
        if !differing.isEmpty {
            emit(Finding(
                verdict: .disagree, rule: rules[r].index, key: key, send: send, receive: receive, latency: latency,
                fields: differing, values: values))
        }
    }

    /// A send's window closed: forget it; unpaired, judge it against Coverage(B).
    /// O(log + sends of the key).
    func closeSend(_ d: SendDeadline, rule r: Int) {
        guard let s = forgetSend(d, rule: r), !s.paired else { return }
        let lo = Saturating.sub(d.time, rules[r].rule.tolerance)
        let hi = Saturating.add(d.time, rules[r].window)
        if let h = rules[r].receiveHorizon, lo <= h {
            receivers[rules[r].to]?.sendSettled()
            emit(Finding(
                verdict: .evictedSend, rule: rules[r].index, key: d.key, send: Finding.Evidence(time: d.time, position: d.position),
                receive: nil, latency: nil))
            return
        }
        judgeUnpaired(WaitingItem(
            gap: lo, side: .send, rule: rules[r].index, key: d.key, time: d.time, position: d.position,
            lo: lo, hi: hi, service: rules[r].to))
    }

    /// Removes a held send (found by time and input order) and returns it.
    func forgetSend(_ d: SendDeadline, rule r: Int) -> HeldSend? {
        let k = HandoffKey(rule: rules[r].index, key: d.key)
        guard let at = held.index(forKey: k) else { return nil }
        let removed = held.values[at].removeHeld(time: d.time, position: d.position)
        if removed != nil { heldSends -= 1 }
        if held.values[at].isEmpty { held.remove(at: at) }
        return removed
    }
}

/// In-place edits of one handoff's held sends (sorted by time, input order), so the dictionary
/// entry is changed through its index without copying the list or hashing the key again.
extension Array where Element == Correlator.HeldSend {
    /// Inserts keeping (time, input order). O(log n), O(1) + append in time order.
    mutating func insertHeld(_ s: Correlator.HeldSend) {
        insert(s, at: Correlator.insertionIndex(self, time: s.time, position: s.position))
    }

    /// Marks as paired and returns the latest unpaired send with time in [lo, hi] (latest by
    /// time, then input order), and the latest paired one passed on the way (for duplicates).
    mutating func takeLatestUnpaired(from lo: Int64, to hi: Int64)
        -> (taken: Correlator.HeldSend?, pairedInWindow: Correlator.HeldSend?)
    {
        var pairedInWindow: Correlator.HeldSend?
        var i = Correlator.insertionIndex(self, time: hi, position: InputPosition(source: .max, line: .max)) - 1
        while i >= 0, self[i].time >= lo {
            if !self[i].paired {
                self[i].paired = true
                return (self[i], pairedInWindow)
            }
            if pairedInWindow == nil { pairedInWindow = self[i] }
            i -= 1
        }
        return (nil, pairedInWindow)
    }

    /// Removes and returns the send at exactly (time, position), if held.
    mutating func removeHeld(time: Int64, position: InputPosition) -> Correlator.HeldSend? {
        let i = Correlator.insertionIndex(self, time: time, position: position) - 1
        guard i >= 0, self[i].time == time, self[i].position == position else { return nil }
        return remove(at: i)
    }
}
