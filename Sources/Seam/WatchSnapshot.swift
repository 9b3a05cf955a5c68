@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamCorrelation

/// A look at a running `HandoffWatch`: what metrics and health checks read (`watch --metrics`).
/// Made on the correlator's thread every `HandoffWatch.progressInterval` while batches come, 0.1 s
/// into a pause, and once at the end (`final`); a value the observer may keep.
public struct WatchSnapshot: Sendable {
    public struct Source: Sendable {
        public var name: String
        public var stats: SourceStats
        /// The source's watermark (event time, ns): nil before its first trusted event; nil
        /// too once it ended (it holds nothing back then).
        public var watermark: Int64?
        public var ended: Bool
    }

    public struct Handoff: Sendable {
        public var name: String
        /// The rule's sides as the spec names them (`*` or a field for a wildcard side).
        public var from: String
        public var to: String
        /// Verdict counts so far (`HandoffTally.counts`).
        public var counts: [Verdict: UInt64]
        /// Per actual service pair, for a rule with a wildcard side; empty otherwise.
        public var pairs: [(from: String?, to: String?, counts: [Verdict: UInt64])]
        public var wildcard: Bool
    }

    public var sources: [Source]
    public var handoffs: [Handoff]
    /// Open observations held now, by side (`Correlator.openBySide`).
    public var openSends: Int
    public var openReceives: Int
    public var openWaiting: Int
    /// The run's watermark (event time, ns), nil before one was claimed.
    public var watermark: Int64?
    /// The last snapshot of the run (its summary is being made).
    public var final: Bool
}

/// Receives a running watch's snapshots, on the correlator's thread (keep it short).
public protocol WatchProgress: AnyObject {
    func progressed(_ snapshot: WatchSnapshot)
}

extension WatchSnapshot {
    static func make(sources: [SourceDescriptor], stats: [SourceStats], lowerBounds: [Int64],
                     correlator: Correlator, watermark: Int64?, final: Bool) -> WatchSnapshot {
        let list = sources.indices.map { i -> Source in
            let bound = i < lowerBounds.count ? lowerBounds[i] : .min
            return Source(name: sources[i].displayName, stats: i < stats.count ? stats[i] : SourceStats(),
                          watermark: bound == .min || bound == .max ? nil : bound, ended: bound == .max)
        }
        let handoffs = correlator.tallies.map { t in
            Handoff(name: t.name, from: t.rule.from, to: t.rule.to, counts: t.counts,
                    pairs: t.pairs.map { ($0.from, $0.to, $0.tally.counts) }, wildcard: t.rule.fromParty.service == nil || t.rule.toParty.service == nil)
        }
        let open = correlator.openBySide
        return WatchSnapshot(sources: list, handoffs: handoffs, openSends: open.sends, openReceives: open.receives,
                             openWaiting: open.waiting, watermark: watermark, final: final)
    }
}
