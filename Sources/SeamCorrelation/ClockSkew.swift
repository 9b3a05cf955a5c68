/// What paired handoffs say about two services' clocks: bounds on the offset
/// `clock(b) - clock(a)`.
///
/// A pair's latency is true delay plus offset, and true delay is never negative; so every
/// a->b pair bounds the offset from above by its latency, and every b->a pair bounds it from
/// below by minus its latency. The tightest bounds are the smallest latencies (exact minima
/// are kept per rule). An upper bound below zero means b's clock runs behind a's by at least
/// that much: receives logged before their sends, which `tolerance` must cover or they
/// turn into orphans and unconfirmed sends. Pairs give no bound in the other direction unless
/// handoffs also run from b to a.
@_spi(SeamStages) public struct ClockSkew: Sendable, Equatable {
    /// The service whose clock is the reference.
    @_spi(SeamStages) public var a: String
    /// The service whose offset is bounded.
    @_spi(SeamStages) public var b: String
    /// `clock(b) - clock(a) <= upper` (ns), from the fastest a->b pair.
    @_spi(SeamStages) public var upper: Int64?
    /// `clock(b) - clock(a) >= lower` (ns), from the fastest b->a pair.
    @_spi(SeamStages) public var lower: Int64?
    /// The rules that gave the bounds.
    @_spi(SeamStages) public var handoffs: [String]

    /// True when the bounds exclude a zero offset: the clocks certainly disagree.
    @_spi(SeamStages) public var isSkewed: Bool { (upper.map { $0 < 0 } ?? false) || (lower.map { $0 > 0 } ?? false) }

    /// Bounds per unordered pair of services, from every rule with at least one pair (per
    /// actual pair of services under a wildcard side). O(rules + pairs). Pairs of services are ordered by name, so each appears once.
    @_spi(SeamStages) public static func estimate(_ tallies: [HandoffTally]) -> [ClockSkew] {
        var byPair: [String: ClockSkew] = [:]
        var order: [String] = []
        // Per actual pair of services: a rule with a wildcard side bounds each pair it saw.
        for h in tallies {
            for p in h.servicePairs {
                let t = p.tally
                guard let from = p.from, let to = p.to, let minLatency = t.latency.min, from != to else { continue }
                let forward = from < to
                let (a, b) = forward ? (from, to) : (to, from)
                let id = a + "\u{0}" + b
                if byPair[id] == nil {
                    byPair[id] = ClockSkew(a: a, b: b, upper: nil, lower: nil, handoffs: [])
                    order.append(id)
                }
                if forward {
                    byPair[id]!.upper = Swift.min(byPair[id]!.upper ?? .max, minLatency)
                } else {
                    let bound = minLatency == .min ? Int64.max : -minLatency
                    byPair[id]!.lower = Swift.max(byPair[id]!.lower ?? .min, bound)
                }
                if byPair[id]!.handoffs.last != t.rule.name { byPair[id]!.handoffs.append(t.rule.name) }
            }
        }
        return order.map { byPair[$0]! }
    }
}
