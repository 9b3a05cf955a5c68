import HeapModule

/// Unpaired sends and receives judged against coverage, waiting while it is `.undetermined`.
///
/// A waiting item remembers its `gap`: where the covered prefix of its window stops. Only an
/// open source of the service that starts at or before the gap and ends at or before it can still
/// change the answer, and only by growing past its end or by ending; both are changes at or after
/// that source's old end, so at or below the gap. `CoverageTracker.takeChanges` gives the lowest
/// time changed since the last look; items are kept in a max-heap by gap per service, and only
/// those with gap >= that time are looked at again. Each look either resolves the item or finds
/// it still blocked by another open source, so an item is looked at no more than once per source
/// of its service that ends or grows past it: in practice once, when the silent source speaks.
extension Correlator {
    /// An unpaired send or receive whose coverage is being (or waiting to be) judged.
    struct WaitingItem: Comparable {
        var gap: Int64
        var side: Observation.Side
        var rule: Int32
        var key: String
        var time: Int64
        var position: InputPosition
        /// The window to lie inside Coverage(service).
        var lo: Int64
        var hi: Int64
        var service: Int32

        static func < (a: Self, b: Self) -> Bool {
            (a.gap, a.time, a.position.source, a.position.line) < (b.gap, b.time, b.position.source, b.position.line)
        }

        static func == (a: Self, b: Self) -> Bool {
            a.gap == b.gap && a.time == b.time && a.position == b.position && a.rule == b.rule && a.side == b.side
        }
    }

    /// Judges an unpaired item now, or parks it until its coverage is decided. O(probe + log n).
    func judgeUnpaired(_ item: WaitingItem) {
        var item = item
        let (status, gap) = coverage.probe(service: item.service, from: item.lo, to: item.hi)
        if status == .undetermined {
            item.gap = gap
            waiting[item.service, default: Heap()].insert(item)
            waitingCount += 1
            return
        }
        settle(item, covered: status == .covered)
    }

    /// Emits the final verdict of an unpaired item.
    func settle(_ item: WaitingItem, covered: Bool) {
        let evidence = Finding.Evidence(time: item.time, position: item.position)
        switch item.side {
        case .send:
            receivers[rules[Int(item.rule)].receiver].sendSettled()
            emit(Finding(
                verdict: covered ? .unconfirmed : .uncoveredSend, rule: item.rule, key: item.key, send: evidence,
                receive: nil, latency: nil))
        case .receive:
            emit(Finding(
                verdict: covered ? .orphan : .uncoveredReceive, rule: item.rule, key: item.key, send: nil,
                receive: evidence, latency: nil))
        }
    }

    /// Looks again at the waiting items whose gap the latest coverage changes reach.
    /// O(services waiting + items looked at x (probe + log n)).
    func recheckWaiting() {
        guard waitingCount > 0 else { return }
        for service in Array(waiting.keys) {
            guard let from = coverage.takeChanges(service: service), var heap = waiting.removeValue(forKey: service) else {
                continue
            }
            var still: [WaitingItem] = []
            while let top = heap.max, top.gap >= from {
                var item = heap.removeMax()
                let (status, gap) = coverage.probe(service: service, from: item.lo, to: item.hi)
                if status == .undetermined {
                    item.gap = gap
                    still.append(item)
                } else {
                    waitingCount -= 1
                    settle(item, covered: status == .covered)
                }
            }
            for item in still { heap.insert(item) }
            if !heap.isEmpty { waiting[service] = heap }
        }
    }

    /// End of input: coverage is final, so every waiting item is decided.
    func resolveAllWaiting() {
        let all = waiting
        waiting = [:]
        for service in all.keys.sorted() {
            var items = all[service]!.unordered
            items.sort()
            for item in items {
                waitingCount -= 1
                // With every source ended nothing is undetermined; if it were, it is not covered.
                settle(item, covered: coverage.status(service: service, from: item.lo, to: item.hi) == .covered)
            }
        }
    }
}
