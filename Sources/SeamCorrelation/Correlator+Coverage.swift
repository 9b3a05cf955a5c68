@_spi(SeamStages) import SeamAlignment
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
///
/// Under a wildcard other side (SEMANTICS.md "Wildcard sides": `to: "*"`, or a `{field: F}`
/// the record left empty), an item is judged against every service that took the other side of
/// its rule: uncovered as soon as one of them does not cover it (adding services only shrinks
/// the intersection, so that is final), waiting on one that is undetermined, and covered only
/// when all do. That last answer (and "no such service yet") can still change while services
/// join: with `wildcardsAtEnd` (batch) such items are held in `tentative` and judged at
/// `finish` against the run's services; without it (`watch`) they are judged against the
/// services known at the time.
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
        /// The service whose coverage judges it (the other side's), or -1: every service that
        /// took the other side of its rule (a wildcard). Waiting items of -1 wait in the heap of
        /// the service they are stuck on.
        var service: Int32
        /// This side's actual service, for the pair tally.
        var own: Int32

        static func < (a: Self, b: Self) -> Bool {
            (a.gap, a.time, a.position.source, a.position.line) < (b.gap, b.time, b.position.source, b.position.line)
        }

        static func == (a: Self, b: Self) -> Bool {
            a.gap == b.gap && a.time == b.time && a.position == b.position && a.rule == b.rule && a.side == b.side
        }
    }

    /// Judges an unpaired item now, or parks it until its coverage is decided. O(probe + log n);
    /// under a wildcard, O(services of the other side x probe).
    func judgeUnpaired(_ item: WaitingItem) {
        var item = item
        if item.service < 0 {
            judgeWildcard(item)
            return
        }
        let (status, gap) = coverage.probe(service: item.service, from: item.lo, to: item.hi)
        if status == .undetermined {
            item.gap = gap
            waiting[item.service, default: Heap()].insert(item)
            waitingCount += 1
            return
        }
        settle(item, covered: status == .covered)
    }

    /// The services whose coverage judges an unpaired item of a wildcard other side.
    func otherSide(_ item: WaitingItem) -> Set<Int32> {
        item.side == .send ? rules[Int(item.rule)].receivingServices : rules[Int(item.rule)].senders
    }

    /// An item of a wildcard other side: uncovered at once when some service of that side does
    /// not cover it (final); parked on one still undetermined; else covered by all known so far,
    /// which is final only without `wildcardsAtEnd` (else held in `tentative`).
    func judgeWildcard(_ item: WaitingItem) {
        var item = item
        let services = otherSide(item)
        var stuck: (service: Int32, gap: Int64)?
        for s in services.sorted() {
            let (status, gap) = coverage.probe(service: s, from: item.lo, to: item.hi)
            if status == .uncovered { return settle(item, covered: false) }
            if status == .undetermined, stuck == nil { stuck = (s, gap) }
        }
        if let stuck {
            item.gap = stuck.gap
            waiting[stuck.service, default: Heap()].insert(item)
            waitingCount += 1
            return
        }
        if options.wildcardsAtEnd {
            tentative.append(item)
            return
        }
        settle(item, covered: !services.isEmpty)
    }

    /// End of input: the run's services are all known and coverage is final; each held item is
    /// judged against every service of its rule's other side. O(items x services x probe).
    func resolveTentative() {
        let items = tentative.sorted()
        tentative = []
        for item in items {
            let services = otherSide(item)
            let covered = !services.isEmpty && services.allSatisfy {
                coverage.status(service: $0, from: item.lo, to: item.hi) == .covered
            }
            settle(item, covered: covered)
        }
    }

    /// Emits the final verdict of an unpaired item, tallied under (own, the judging service or
    /// unknown).
    func settle(_ item: WaitingItem, covered: Bool) {
        let evidence = Finding.Evidence(time: item.time, position: item.position)
        switch item.side {
        case .send:
            sendSettled(rule: Int(item.rule))
            emit(Finding(
                verdict: covered ? .unconfirmed : .uncoveredSend, rule: item.rule, key: item.key, send: evidence,
                receive: nil, latency: nil), from: item.own, to: item.service)
        case .receive:
            emit(Finding(
                verdict: covered ? .orphan : .uncoveredReceive, rule: item.rule, key: item.key, send: nil,
                receive: evidence, latency: nil), from: item.service, to: item.own)
        }
    }

    /// Looks again at the waiting items whose gap the latest coverage changes reach.
    /// O(services waiting + items looked at x (probe + log n)).
    func recheckWaiting() {
        guard waitingCount > 0 else { return }
        var wildcards: [WaitingItem] = []
        defer { for item in wildcards.sorted() { judgeWildcard(item) } }
        for service in Array(waiting.keys) {
            guard let from = coverage.takeChanges(service: service), var heap = waiting.removeValue(forKey: service) else {
                continue
            }
            var still: [WaitingItem] = []
            while let top = heap.max, top.gap >= from {
                var item = heap.removeMax()
                if item.service < 0 {
                    // Judged again over all its services, after this loop (it may park elsewhere).
                    waitingCount -= 1
                    wildcards.append(item)
                    continue
                }
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
                if item.service < 0 {
                    // Coverage is final now: judged over all its services (or held till the end).
                    judgeWildcard(item)
                    continue
                }
                // With every source ended nothing is undetermined; if it were, it is not covered.
                settle(item, covered: coverage.status(service: service, from: item.lo, to: item.hi) == .covered)
            }
        }
    }
}
