/// SEMANTICS.md "Pairing": a receive takes the latest unpaired send in its window; a send's
/// window closing decides it.
extension Correlator {
    /// Adds a send to its handoff's held list, keeping (time, input order). O(sends of the key),
    /// O(log) + append when sends come in time order.
    func hold(_ s: HeldSend, rule: Int32, key: String) {
        let k = HandoffKey(rule: rule, key: key)
        heldSends += 1
        var list = held.removeValue(forKey: k) ?? []
        let at = Self.insertionIndex(list, time: s.time, position: s.position)
        list.insert(s, at: at)
        held[k] = list
    }

    /// First index whose (time, position) is greater than the given one.
    static func insertionIndex(_ list: [HeldSend], time: Int64, position: InputPosition) -> Int {
        var i = 0, j = list.count
        if let last = list.last, (last.time, last.position) <= (time, position) { return j }
        while i < j {
            let m = (i + j) / 2
            if (list[m].time, list[m].position) <= (time, position) { i = m + 1 } else { j = m }
        }
        return i
    }

    /// Decides one receive: pair, duplicate/repeat, or orphan/uncovered (SEMANTICS steps 1-3).
    /// O(log n + sends of the key in the window).
    func processReceive(_ p: PendingReceive, rule r: Int) {
        let rs = rules[r]
        let lo = Saturating.sub(p.time, rs.window)
        let hi = Saturating.add(p.time, rs.rule.tolerance)
        let k = HandoffKey(rule: rs.index, key: p.key)
        let receive = Finding.Evidence(time: p.time, position: p.position)
        var pairedInWindow: HeldSend?
        if var list = held.removeValue(forKey: k) {
            // Latest (time, input order) first: the last send with time <= hi, walking back to lo.
            var i = Self.insertionIndex(list, time: hi, position: InputPosition(source: .max, line: .max)) - 1
            var taken: Int?
            while i >= 0, list[i].time >= lo {
                if !list[i].paired {
                    taken = i
                    break
                }
                if pairedInWindow == nil { pairedInWindow = list[i] }
                i -= 1
            }
            if let t = taken { list[t].paired = true }
            held[k] = list
            if let t = taken {
                receivers[rs.to]?.sendSettled()
                emitPair(send: list[t], receive: p, rule: r)
                return
            }
        }
        // Step 2 and 3 need every send that could have been in the window: an evicted one might.
        if let h = rs.sendHorizon, lo <= h {
            emit(Finding(verdict: .evictedReceive, rule: rs.index, key: p.key, send: nil, receive: receive, latency: nil))
            return
        }
        if let s = pairedInWindow {
            emit(Finding(
                verdict: rs.rule.once ? .duplicate : .repeat, rule: rs.index, key: p.key,
                send: Finding.Evidence(time: s.time, position: s.position), receive: receive, latency: nil))
            return
        }
        judgeUnpaired(WaitingItem(
            gap: lo, side: .receive, rule: rs.index, key: p.key, time: p.time, position: p.position,
            lo: lo, hi: hi, service: rs.from))
    }

    /// Emits a pair's confirmed/late finding (with unverified fields) and its disagreement.
    func emitPair(send s: HeldSend, receive p: PendingReceive, rule r: Int) {
        let rs = rules[r]
        // ts lies in [tr - W - G, tr + T], so this cannot overflow.
        let latency = p.time - s.time
        var unverified: [String] = []
        var differing: [String] = []
        var values: [(send: String, receive: String)] = []
        for (i, label) in rs.labels.enumerated() {
            let a = i < s.agree.count ? s.agree[i] : nil
            let b = i < p.agree.count ? p.agree[i] : nil
            guard let a, let b else {
                unverified.append(label)
                continue
            }
            if !a.agrees(with: b) {
                differing.append(label)
                values.append((a.text, b.text))
            }
        }
        let send = Finding.Evidence(time: s.time, position: s.position)
        let receive = Finding.Evidence(time: p.time, position: p.position)
        let key = p.key
        emit(Finding(
            verdict: latency <= rs.rule.within ? .confirmed : .late, rule: rs.index, key: key, send: send,
            receive: receive, latency: latency, fields: unverified))
        if !differing.isEmpty {
            emit(Finding(
                verdict: .disagree, rule: rs.index, key: key, send: send, receive: receive, latency: latency,
                fields: differing, values: values))
        }
    }

    /// A send's window closed: forget it; unpaired, judge it against Coverage(B).
    /// O(log + sends of the key).
    func closeSend(_ d: SendDeadline, rule r: Int) {
        guard let s = forgetSend(d, rule: r), !s.paired else { return }
        let rs = rules[r]
        let lo = Saturating.sub(d.time, rs.rule.tolerance)
        let hi = Saturating.add(d.time, rs.window)
        if let h = rs.receiveHorizon, lo <= h {
            receivers[rs.to]?.sendSettled()
            emit(Finding(
                verdict: .evictedSend, rule: rs.index, key: d.key, send: Finding.Evidence(time: d.time, position: d.position),
                receive: nil, latency: nil))
            return
        }
        judgeUnpaired(WaitingItem(
            gap: lo, side: .send, rule: rs.index, key: d.key, time: d.time, position: d.position,
            lo: lo, hi: hi, service: rs.to))
    }

    /// Removes a held send (found by time and input order) and returns it.
    func forgetSend(_ d: SendDeadline, rule r: Int) -> HeldSend? {
        let k = HandoffKey(rule: rules[r].index, key: d.key)
        guard var list = held.removeValue(forKey: k) else { return nil }
        defer { if !list.isEmpty { held[k] = list } }
        let i = Self.insertionIndex(list, time: d.time, position: d.position) - 1
        guard i >= 0, list[i].time == d.time, list[i].position == d.position else { return nil }
        heldSends -= 1
        return list.remove(at: i)
    }
}
