import Histogram

/// Latencies of paired handoffs: percentiles to 3 significant digits (HDR histogram), exact
/// min and max, mergeable across summaries of the same rule.
///
/// Latency may be negative (down to -tolerance): values are recorded shifted by `offset`
/// (the rule's tolerance), so the histogram only sees non-negative microseconds.
///
/// Latencies reach the histogram in batches of `batch`: its counts (tens of KiB per rule, one
/// cache line per ~0.1% of latency) were evicted between pairs by the input streaming past, so
/// each pair waited for a line from memory; a batch loads each line once for several values.
/// Memory: `batch` x 8 bytes per rule with pairs. Reads see the batch (`settled`).
public struct LatencyDistribution: Sendable {
    /// Added to every latency before recording, in nanoseconds (>= the rule's tolerance).
    @_spi(SeamStages) public let offset: Int64
    var histogram: Histogram<UInt64>
    /// Shifted latencies in microseconds not yet in `histogram`.
    private var pending: [UInt64] = []
    /// Latencies held back before they go into the histogram together.
    static let batch = 2048
    /// Number of latencies recorded.
    public internal(set) var count: UInt64 = 0
    /// Exact smallest latency, nanoseconds (`nil` when empty).
    public internal(set) var min: Int64?
    /// Exact largest latency, nanoseconds (`nil` when empty).
    public internal(set) var max: Int64?

    @_spi(SeamStages) public init(offset: Int64) {
        self.offset = Swift.max(0, offset)
        var h = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        h.autoResize = true
        self.histogram = h
    }

    /// Records one latency (nanoseconds). O(1).
    @_spi(SeamStages) public mutating func record(_ latency: Int64) {
        let shifted = latency.addingReportingOverflow(offset)
        let micros = shifted.overflow || shifted.partialValue < 0 ? 0 : UInt64(shifted.partialValue / 1_000)
        if pending.capacity == 0 { pending.reserveCapacity(Self.batch) }
        pending.append(micros)
        if pending.count == Self.batch { flush() }
        count += 1
        min = Swift.min(min ?? latency, latency)
        max = Swift.max(max ?? latency, latency)
    }

    /// The latency at `percentile` (0...100) in nanoseconds, within 0.1% (+1 µs); exact at 100.
    public func value(atPercentile percentile: Double) -> Int64? {
        guard count > 0 else { return nil }
        if percentile >= 100, let max { return max }
        let micros = settled.valueAtPercentile(percentile)
        let ns = Int64(clamping: micros).multipliedReportingOverflow(by: 1_000)
        let v = (ns.overflow ? Int64.max : ns.partialValue) - offset
        // The histogram reports a bucket's upper edge: never say more than the exact extremes.
        return Swift.min(Swift.max(v, min ?? v), max ?? v)
    }

    /// Adds another distribution of the same rule (same offset).
    @_spi(SeamStages) public mutating func merge(_ other: LatencyDistribution) {
        precondition(offset == other.offset, "latency distributions of different rules")
        flush()
        histogram.add(other.settled)
        count += other.count
        if let m = other.min { min = Swift.min(min ?? m, m) }
        if let m = other.max { max = Swift.max(max ?? m, m) }
    }

    /// Moves the held-back latencies into the histogram. O(batch).
    private mutating func flush() {
        for m in pending { _ = histogram.record(m) }
        pending.removeAll(keepingCapacity: true)
    }

    /// The histogram with the held-back latencies in it (a copy when there are any).
    var settled: Histogram<UInt64> {
        if pending.isEmpty { return histogram }
        var h = histogram
        for m in pending { _ = h.record(m) }
        return h
    }
}
