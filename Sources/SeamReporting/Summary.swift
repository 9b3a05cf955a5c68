@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamCorrelation
import SeamDiagnosis

/// Everything a run decided, ready to render: input accounting per source and in total,
/// coverage per service, and one tally per handoff rule.
public struct Summary: Sendable {
    /// One input source and what became of its lines.
    public struct Source: Sendable {
        public var name: String
        public var stats: SourceStats
        package init(name: String, stats: SourceStats) {
            self.name = name
            self.stats = stats
        }
    }

    /// The time span one service logged in one source (SEMANTICS.md coverage).
    package struct Extent: Sendable, Equatable {
        package var source: Int32
        package var first: Int64
        package var last: Int64
        package init(source: Int32, first: Int64, last: Int64) {
            self.source = source
            self.first = first
            self.last = last
        }
    }

    /// Sources in input order; `InputPosition.source` indexes this array.
    public var sources: [Source]
    /// Errors not tied to a source that could be opened (missing path, symlink loop).
    public var inputErrors: [InputError]
    /// Coverage extents per service name.
    package var coverage: [String: [Extent]]
    /// One tally per rule, in spec order; `Finding.rule` indexes this array.
    public var handoffs: [HandoffTally]
    /// Why handoffs could not be judged, or why one side of them was never seen, by handoff
    /// name (`HandoffDiagnosis`); empty when every handoff saw both sides.
    package var diagnoses: [String: HandoffDiagnosis] = [:]
    /// Handoffs that could not be judged do not make the run incomplete (`--allow-unjudged`:
    /// a spec that covers more services than the logs at hand). Only SEMANTICS.md cause 4.
    package var allowUnjudged = false
    /// The run's gaps by (handoff, key), for near misses (`NearMiss`, `NearMissAdvice`);
    /// empty when the summary was not made by a run.
    package var gapIndex = GapIndex(capacity: 0)
    /// The sources' rejection runs by service (`RejectionIndex`), made once by a run so that
    /// every finding of a long `jsonl` report looks up its window in O(log runs); nil: made on
    /// each call from `sources`.
    package var rejectionIndex: RejectionIndex?

    package init(sources: [Source], inputErrors: [InputError], coverage: [String: [Extent]], handoffs: [HandoffTally]) {
        self.sources = sources
        self.inputErrors = inputErrors
        self.coverage = coverage
        self.handoffs = handoffs
    }

    /// All sources' counts added up (errors include `inputErrors`).
    public var total: SourceStats {
        var t = SourceStats()
        for s in sources { t.add(s.stats) }
        t.errors += inputErrors
        return t
    }

    /// True when no cause makes the run incomplete (`incompleteReasons` is empty): every input
    /// read whole, nothing evicted, something judged.
    public var complete: Bool { incompleteReasons.isEmpty }

    /// unconfirmed + orphan over all handoffs.
    public var gaps: UInt64 { handoffs.reduce(0) { $0 + $1.gaps } }
    /// late + duplicate + disagree over all handoffs.
    public var defects: UInt64 { handoffs.reduce(0) { $0 + $1.defects } }

    /// Count of findings of the given kinds over all handoffs (for `--fail-on`).
    public func count(of kinds: Set<Verdict>) -> UInt64 {
        handoffs.reduce(0) { acc, h in acc + kinds.reduce(0) { $0 + h[$1] } }
    }

    /// The exit code SEMANTICS.md defines: 3 when the run is incomplete (`incompleteReasons`:
    /// input not read whole, evictions, nothing judged; 3 wins over 1), else 1 when some finding
    /// of `failOn` exists, else 0.
    public func exitCode(failOn: Set<Verdict> = [.unconfirmed, .orphan]) -> Int32 {
        if !complete { return 3 }
        return count(of: failOn) > 0 ? 1 : 0
    }

    /// Last time `service` logged before or at `time`'s window end, across its sources; the
    /// latest time overall when none. For "payments, logging until 12:09:59".
    package func lastLogged(_ service: String) -> Int64? {
        coverage[service]?.map(\.last).max()
    }
}
