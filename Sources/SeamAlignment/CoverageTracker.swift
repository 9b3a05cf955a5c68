/// Whether a time window lies inside a service's coverage, as far as the input read so far tells.
@_spi(SeamStages) public enum CoverageStatus: Sendable, Equatable {
    /// Inside the coverage now; coverage only grows, so this is final.
    case covered
    /// Not inside, and no source still open can change that: final.
    case uncovered
    /// Not inside yet, but an open source that already holds the service may still extend it.
    case undetermined
}

/// Coverage(S) of SEMANTICS.md: the union, over the sources holding service S, of
/// [min time of S in that source, max time of S in that source].
///
/// Intervals are closed spans of real time: `[1,5]` and `[5,8]` join, `[1,5]` and `[6,8]` leave
/// the gap `(5,6)`.
///
/// Per service it keeps one extent per source, the extents of sources still open, and the union
/// of the ended ones as a sorted list of disjoint spans. Complexity: `note` O(1) amortized (a
/// one-entry cache skips both hash lookups for a run of events of one service in one source);
/// `end` O(services in the source x (log c + c)) to merge into the ended union (c spans);
/// `status` O((k + 1) x (log c + k)) for k open sources of the service, so a thousand hourly
/// files per service, opened and ended one after another, cost a binary search per query.
///
/// Contract: `status(service:from:to:)` is asked only once every event with time <= `hi` has been
/// noted (the watermark passed `hi`), so a source that has not shown the service yet can only
/// start after `hi` and cannot cover the window.
@_spi(SeamStages) public final class CoverageTracker {
    /// One source's span of one service.
    struct Extent {
        var source: Int32
        var first: Int64
        var last: Int64
        var ended: Bool
    }

    struct Span {
        var first: Int64
        var last: Int64
    }

    struct ServiceCoverage {
        var extents: [Extent] = []
        var extentOfSource: [Int32: Int] = [:]
        /// Indices into `extents` of the sources not yet ended.
        var open: [Int] = []
        /// Union of the ended extents: sorted by `first`, disjoint, never touching.
        var ended: [Span] = []
        var latest: Int64 = .min
        /// The lowest time from which a status may have changed since the last `takeChanges`.
        var changedFrom: Int64 = .max
    }

    private var services: [ServiceCoverage] = []
    private var slotOfService: [Int32: Int] = [:]
    private var servicesOfSource: [Int32: [Int32]] = [:]
    private var endedSources: Set<Int32> = []
    /// The last (service, source) noted and where its extent lives.
    private var cache: (service: Int32, source: Int32, slot: Int, extent: Int)?

    @_spi(SeamStages) public init() {}

    /// Records one event of `service` in `source` at `time`. O(1) amortized.
    @_spi(SeamStages) public func note(service: Int32, source: Int32, time: Int64) {
        if let c = cache, c.service == service, c.source == source {
            extend(slot: c.slot, extent: c.extent, time: time)
            return
        }
        let slot: Int
        if let s = slotOfService[service] {
            slot = s
        } else {
            slot = services.count
            services.append(ServiceCoverage())
            slotOfService[service] = slot
        }
        if let e = services[slot].extentOfSource[source] {
            cache = (service, source, slot, e)
            extend(slot: slot, extent: e, time: time)
            return
        }
        let e = services[slot].extents.count
        let ended = endedSources.contains(source)
        services[slot].extents.append(Extent(source: source, first: time, last: time, ended: ended))
        services[slot].extentOfSource[source] = e
        services[slot].latest = max(services[slot].latest, time)
        services[slot].changedFrom = min(services[slot].changedFrom, time)
        if ended {
            // Past the contract (an event after its source ended): still only grows coverage.
            insertEnded(slot: slot, Span(first: time, last: time))
        } else {
            services[slot].open.append(e)
            servicesOfSource[source, default: []].append(service)
        }
        cache = (service, source, slot, e)
    }

    private func extend(slot: Int, extent e: Int, time: Int64) {
        let old = services[slot].extents[e]
        guard time > old.last || time < old.first else { return }
        if time > old.last {
            services[slot].extents[e].last = time
            // Windows stuck at or after the old end may now be covered.
            services[slot].changedFrom = min(services[slot].changedFrom, old.last)
            services[slot].latest = max(services[slot].latest, time)
        } else {
            services[slot].extents[e].first = time
            services[slot].changedFrom = min(services[slot].changedFrom, time)
        }
        if old.ended {
            let x = services[slot].extents[e]
            insertEnded(slot: slot, Span(first: x.first, last: x.last))
        }
    }

    /// Marks `source` as ended: its extents are final. O(services in it x (log c + c)).
    @_spi(SeamStages) public func end(source: Int32) {
        guard endedSources.insert(source).inserted else { return }
        if let c = cache, c.source == source { cache = nil }
        for service in servicesOfSource.removeValue(forKey: source) ?? [] {
            guard let slot = slotOfService[service], let e = services[slot].extentOfSource[source] else { continue }
            services[slot].extents[e].ended = true
            if let i = services[slot].open.firstIndex(of: e) { services[slot].open.remove(at: i) }
            let x = services[slot].extents[e]
            insertEnded(slot: slot, Span(first: x.first, last: x.last))
            // Only windows stuck at or after this source's end could have been waiting on it.
            services[slot].changedFrom = min(services[slot].changedFrom, x.last)
        }
    }

    /// Ends every source still open (end of input: coverage is final).
    @_spi(SeamStages) public func endAll() {
        for source in servicesOfSource.keys.sorted() { end(source: source) }
    }

    /// Merges `span` into the ended union of service `slot`.
    private func insertEnded(slot: Int, _ span: Span) {
        var lo = span.first, hi = span.last
        var list = services[slot].ended
        services[slot].ended = []  // keep `list` uniquely referenced while editing
        // Spans are disjoint and sorted, so their ends are sorted too.
        var i = 0, j = list.count
        while i < j {
            let m = (i + j) / 2
            if list[m].last < lo { i = m + 1 } else { j = m }
        }
        var k = i
        while k < list.count, list[k].first <= hi {
            lo = min(lo, list[k].first)
            hi = max(hi, list[k].last)
            k += 1
        }
        list.replaceSubrange(i..<k, with: CollectionOfOne(Span(first: lo, last: hi)))
        services[slot].ended = list
    }

    /// Whether `[lo, hi]` lies inside Coverage(service). See `probe` for the cost.
    @_spi(SeamStages) public func status(service: Int32, from lo: Int64, to hi: Int64) -> CoverageStatus {
        probe(service: service, from: lo, to: hi).status
    }

    /// The status of `[lo, hi]` and, when not covered, `gap`: the point where the covered prefix
    /// of the window stops (`[lo, gap]` is covered, or `gap == lo` is not covered itself). Only a
    /// change at or after `gap` can change the answer. O((k + 1) x (log c + k)).
    @_spi(SeamStages) public func probe(service: Int32, from lo: Int64, to hi: Int64) -> (status: CoverageStatus, gap: Int64) {
        guard let slot = slotOfService[service] else { return (.uncovered, lo) }
        let c = services[slot]
        let (covered, gap) = Self.walk(c, lo, hi, openToInfinity: false)
        if covered { return (.covered, gap) }
        if c.open.isEmpty { return (.uncovered, gap) }
        // Extending every open source to +infinity: a future event (after the watermark, so after
        // hi) can only move an open source's end, never start a new source before hi.
        let (couldBe, _) = Self.walk(c, gap, hi, openToInfinity: true)
        return (couldBe ? .undetermined : .uncovered, gap)
    }

    /// Walks `[lo, hi]` from the left, jumping to the farthest end of a span holding the current
    /// point. Each step passes at least one span; spans of the ended union are disjoint, so there
    /// are at most 2k + 2 steps.
    private static func walk(_ c: ServiceCoverage, _ lo: Int64, _ hi: Int64, openToInfinity: Bool) -> (Bool, Int64) {
        var p = lo
        while true {
            var best: Int64? = nil
            // The last ended span starting at or before p.
            var i = 0, j = c.ended.count
            while i < j {
                let m = (i + j) / 2
                if c.ended[m].first <= p { i = m + 1 } else { j = m }
            }
            if i > 0, c.ended[i - 1].last >= p { best = c.ended[i - 1].last }
            for e in c.open {
                let x = c.extents[e]
                guard x.first <= p else { continue }
                let end = openToInfinity ? Int64.max : x.last
                if end >= p, best.map({ end > $0 }) ?? true { best = end }
            }
            guard let b = best else { return (false, p) }
            if b >= hi { return (true, p) }
            if b == p { return (false, p) }
            p = b
        }
    }

    /// The lowest time from which coverage of `service` changed since the last call (`nil`: no
    /// change), and forgets it. A window whose `gap` is below it kept its status. O(1).
    @_spi(SeamStages) public func takeChanges(service: Int32) -> Int64? {
        guard let slot = slotOfService[service] else { return nil }
        let from = services[slot].changedFrom
        services[slot].changedFrom = .max
        return from == .max ? nil : from
    }

    /// The latest event time of `service` seen so far, in any source. O(1).
    @_spi(SeamStages) public func latest(service: Int32) -> Int64? {
        guard let slot = slotOfService[service], !services[slot].extents.isEmpty else { return nil }
        return services[slot].latest
    }

    /// Each source's span of `service`, by source. O(n log n).
    @_spi(SeamStages) public func extents(service: Int32) -> [(source: Int32, first: Int64, last: Int64)] {
        guard let slot = slotOfService[service] else { return [] }
        return services[slot].extents.sorted { $0.source < $1.source }.map { ($0.source, $0.first, $0.last) }
    }

    /// The services seen so far, ascending.
    @_spi(SeamStages) public var knownServices: [Int32] { slotOfService.keys.sorted() }
}
