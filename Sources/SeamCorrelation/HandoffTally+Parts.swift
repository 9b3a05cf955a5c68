import Histogram

/// A tally as plain data (everything but its rule), so that a partial summary can be written by
/// one process and merged by another (`seam correlate` / `seam merge`).
///
/// Lossless: `HandoffTally(rule:parts:)` of `parts` gives a tally whose counts, latency
/// histogram, exact extremes, unverified counts, examples, evicted span and pairs equal the
/// original's, so merging restored tallies is merging the originals (`HandoffTally.merge`).
extension HandoffTally {
    @_spi(SeamStages) public struct Parts: Codable, Sendable {
        /// Count per verdict, by `Verdict` raw value (verdicts never seen are absent).
        @_spi(SeamStages) public var counts: [String: UInt64]
        @_spi(SeamStages) public var latency: LatencyDistribution.Parts
        @_spi(SeamStages) public var unverified: [String: UInt64]
        /// Examples per verdict raw value, earliest first.
        @_spi(SeamStages) public var examples: [String: [Finding]]
        @_spi(SeamStages) public var examplesPerKind: Int
        @_spi(SeamStages) public var evictedFirst: Int64?
        @_spi(SeamStages) public var evictedLast: Int64?
        /// The per-service-pair tallies of a rule with a wildcard side.
        @_spi(SeamStages) public var pairs: [PairParts]
    }

    @_spi(SeamStages) public struct PairParts: Codable, Sendable {
        @_spi(SeamStages) public var from: String?
        @_spi(SeamStages) public var to: String?
        @_spi(SeamStages) public var tally: Parts
    }

    /// The tally as data. O(verdicts + examples + pairs + histogram buckets).
    @_spi(SeamStages) public var parts: Parts {
        var counts: [String: UInt64] = [:]
        var examples: [String: [Finding]] = [:]
        for v in Verdict.allCases {
            if countByVerdict[v.ordinal] > 0 { counts[v.rawValue] = countByVerdict[v.ordinal] }
            if !examplesByVerdict[v.ordinal].isEmpty { examples[v.rawValue] = examplesByVerdict[v.ordinal] }
        }
        return Parts(counts: counts, latency: latency.parts, unverified: unverified, examples: examples,
                     examplesPerKind: examplesPerKind, evictedFirst: evictedSpan?.first, evictedLast: evictedSpan?.last,
                     pairs: pairs.map { PairParts(from: $0.from, to: $0.to, tally: $0.tally.parts) })
    }

    /// A tally of `rule` restored from `parts`; throws when they do not fit the rule (an
    /// unknown verdict, a latency offset other than the rule's tolerance).
    @_spi(SeamStages) public init(rule: HandoffRule, parts: Parts) throws {
        self.init(rule: rule, examplesPerKind: parts.examplesPerKind)
        for (name, n) in parts.counts {
            guard let v = Verdict(rawValue: name) else { throw PartsError.unknownVerdict(name) }
            countByVerdict[v.ordinal] = n
        }
        for (name, list) in parts.examples {
            guard let v = Verdict(rawValue: name) else { throw PartsError.unknownVerdict(name) }
            examplesByVerdict[v.ordinal] = list
        }
        guard parts.latency.offset == latency.offset else {
            throw PartsError.latencyOffset(expected: latency.offset, got: parts.latency.offset)
        }
        latency = LatencyDistribution(parts: parts.latency)
        unverified = parts.unverified
        if let f = parts.evictedFirst, let l = parts.evictedLast { evictedSpan = (f, l) }
        for p in parts.pairs {
            // Restored pairs are looked up by name (`merge`), never by the id of another run's table.
            pairs.append(ServicePair(from: p.from, to: p.to, tally: try HandoffTally(rule: rule, parts: p.tally)))
        }
    }

    @_spi(SeamStages) public enum PartsError: Error, CustomStringConvertible {
        case unknownVerdict(String)
        case latencyOffset(expected: Int64, got: Int64)
        @_spi(SeamStages) public var description: String {
            switch self {
            case .unknownVerdict(let v): return "unknown verdict '\(v)'"
            case .latencyOffset(let e, let g): return "latency offset \(g), the rule's tolerance is \(e) (another spec?)"
            }
        }
    }
}

extension LatencyDistribution {
    /// A distribution as data: the HDR histogram (its own `Codable` form) with every held-back
    /// latency recorded, the count and the exact extremes.
    @_spi(SeamStages) public struct Parts: Codable, Sendable {
        @_spi(SeamStages) public var offset: Int64
        @_spi(SeamStages) public var histogram: Histogram<UInt64>
        @_spi(SeamStages) public var count: UInt64
        @_spi(SeamStages) public var min: Int64?
        @_spi(SeamStages) public var max: Int64?
    }

    @_spi(SeamStages) public var parts: Parts { Parts(offset: offset, histogram: settled, count: count, min: min, max: max) }

    @_spi(SeamStages) public init(parts: Parts) {
        self.init(offset: parts.offset)
        histogram = parts.histogram
        histogram.autoResize = true
        count = parts.count
        min = parts.min
        max = parts.max
    }
}

extension Finding: Codable {
    enum CodingKeys: String, CodingKey {
        case verdict, rule, key, send, receive, latency, fields, values, from, to
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(verdict: try c.decode(Verdict.self, forKey: .verdict), rule: try c.decode(Int32.self, forKey: .rule),
                  key: try c.decodeIfPresent(String.self, forKey: .key),
                  send: try c.decodeIfPresent(Evidence.self, forKey: .send),
                  receive: try c.decodeIfPresent(Evidence.self, forKey: .receive),
                  latency: try c.decodeIfPresent(Int64.self, forKey: .latency),
                  fields: try c.decode([String].self, forKey: .fields),
                  values: try c.decode([[String]].self, forKey: .values).map { pair in
                      guard pair.count == 2 else {
                          throw DecodingError.dataCorruptedError(forKey: .values, in: c, debugDescription: "a value pair holds two texts")
                      }
                      return (send: pair[0], receive: pair[1])
                  })
        from = try c.decodeIfPresent(String.self, forKey: .from)
        to = try c.decodeIfPresent(String.self, forKey: .to)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(rule, forKey: .rule)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encodeIfPresent(send, forKey: .send)
        try c.encodeIfPresent(receive, forKey: .receive)
        try c.encodeIfPresent(latency, forKey: .latency)
        try c.encode(fields, forKey: .fields)
        try c.encode(values.map { [$0.send, $0.receive] }, forKey: .values)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encodeIfPresent(to, forKey: .to)
    }
}

