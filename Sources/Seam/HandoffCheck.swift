#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords

/// Settings of a run that are not part of the spec.
public struct RunOptions: Sendable {
    /// Lines longer than this are rejected `too-long` without being held in memory.
    public var maxLineLength = 1 << 20
    /// Open sends and receives held before the oldest are resolved as evicted.
    public var maxOpen = 1_000_000
    /// Examples kept per verdict kind and handoff.
    public var examplesPerKind = 5
    /// Disorder within one source tolerated without reordering (ns).
    public var reorderBound: Int64 = 1_000_000_000
    /// Observations of one time-disordered source held in memory while it is reordered; past
    /// it, sorted runs go to temporary files.
    public var reorderBudget = 131_072
    /// Lines read from each file to guess whether it is time-sorted (`check`). The guess only
    /// decides how a file is read, never a verdict; tests and fuzzers set it small to reach the
    /// restart path with small inputs.
    public var probeLines = 4096
    /// A handoff of the spec that could not be judged (its services or events appear in no
    /// record) does not make the run incomplete: for specs that cover more services than the
    /// logs at hand. SEMANTICS.md cause 4 only; nothing excuses the others.
    public var allowUnjudged = false
    /// Event-time silence of a receiver with sends pending before a `silent` notice (ns).
    public var idleBound: Int64 = 30_000_000_000
    /// Threads a batch run decodes on (default: the cores online). 1 runs everything on the
    /// caller's thread; verdicts and counts do not depend on it.
    public var threads = RunOptions.onlineCores
    /// Validate every JSON line whole. Default: a line is read only until its outcome is
    /// decided, and its unread rest only has to end in `}` (see `RecordDecoder`).
    public var strictJSON = false
    /// Gaps (and uncovered sides) kept by key to find near misses among (`GapIndex`).
    public var gapCapacity = 65_536
    public init() {}

    /// Cores online (at least 1).
    public static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// The batch entry point: reads every source, correlates, and returns the summary; findings
/// also go to `sink` as soon as they are decided.
///
/// Verdicts do not depend on the order of lines within a source, nor on whether it is a file or
/// stdin (SEMANTICS.md, "Order never changes a verdict"): sources out of time order are put in
/// order through temporary files (see `EventMerger`). When a source that looked sorted steps
/// back later on, the run starts over (at most `EventMerger.Options.maxRestarts + 1` passes) and
/// the sink is told to drop what it got (`FindingSink.discardFindings()`).
///
/// Memory is bounded by open handoffs (see `EventMerger` and `Correlator`) plus one reorder
/// budget for sources that must be put in order; past it they go to temporary files.
///
/// Threads (`options.threads`): sources decode on worker threads and gzip may inflate on its
/// own thread (see `EventMerger`); correlation stays on the calling thread.
public final class HandoffCheck {
    public let spec: HandoffSpec
    public let options: RunOptions
    /// Held strongly: a sink made inline in the call must live as long as the run.
    private let sink: FindingSink?

    public init(spec: HandoffSpec, options: RunOptions = RunOptions(), sink: FindingSink? = nil) {
        self.spec = spec
        self.options = options
        self.sink = sink
    }

    /// Expands `paths` (files, directories, `-`) and runs on them.
    public func run(paths: [String], services: [String: String] = [:],
                    progress: ((UInt64) -> Void)? = nil) -> Summary {
        let (sources, errors) = SourceWalker.expand(paths, services: services)
        return run(sources: sources, inputErrors: errors, progress: progress)
    }

    /// Passes the last run needed (1 unless a source turned out of time order after its probe).
    package private(set) var passes = 0

    /// Runs on sources already expanded; `inputErrors` are carried into the summary.
    package func run(sources: [SourceDescriptor], inputErrors: [InputError] = [],
                    progress: ((UInt64) -> Void)? = nil) -> Summary {
        let services = ServiceTable(shared: options.threads > 1)
        let matcher = HandoffSelector(rules: spec.rules, config: spec.fields, services: services)
        func makeCorrelator(_ coverage: CoverageTracker) -> Correlator {
            Correlator.make(spec: spec, options: options, services: services, coverage: coverage, sink: sink, batch: true)
        }
        var coverage = CoverageTracker()
        var correlator = makeCorrelator(coverage)
        var mergeOptions = EventMerger<HandoffSelector>.Options()
        mergeOptions.maxLineLength = options.maxLineLength
        mergeOptions.reorderBound = options.reorderBound
        mergeOptions.reorderBudget = options.reorderBudget
        mergeOptions.probeLines = max(1, options.probeLines)
        mergeOptions.threads = max(1, options.threads)
        mergeOptions.strictJSON = options.strictJSON
        let fullSpec = self.spec
        mergeOptions.formats = { fullSpec.format(for: $0) }
        let merger = EventMerger(sources: sources, config: spec.fields, selector: matcher,
                                 services: services, coverage: coverage, options: mergeOptions)
        passes = 1
        // A pass with its own correlator, a `let` its closures capture: a captured `var` lives
        // in a box, and reading it for each observation cost a retain and a release.
        func pass(_ correlator: Correlator) -> Bool {
            merger.run(
                deliver: { batch in for i in batch.indices { correlator.observe(batch[i]) } },
                advance: { correlator.advance(to: $0) },
                progress: progress)
        }
        while !pass(correlator) {
            // A source stepped back after its probe: everything decided may have missed it.
            sink?.discardFindings()
            coverage = CoverageTracker()
            correlator = makeCorrelator(coverage)
            merger.restart(coverage: coverage)
            passes += 1
        }
        correlator.finish()
        var summary = Summary.make(sources: sources, stats: merger.stats, inputErrors: inputErrors + merger.errors,
                                   services: services, coverage: coverage, tallies: correlator.tallies,
                                   gaps: correlator.gaps)
        summary.diagnose(sources: sources, spec: spec, options: options)
        return summary
    }
}

extension Summary {
    /// Gathers a run's parts into a summary (coverage extents by service name).
    static func make(sources: [SourceDescriptor], stats: [SourceStats], inputErrors: [InputError],
                     services: ServiceTable, coverage: CoverageTracker, tallies: [HandoffTally],
                     gaps: GapIndex) -> Summary {
        var extents: [String: [Extent]] = [:]
        for id in 0..<services.count {
            let list = coverage.extents(service: Int32(id)).map { Extent(source: $0.source, first: $0.first, last: $0.last) }
            if !list.isEmpty { extents[services.name(Int32(id))] = list }
        }
        var summary = Summary(
            sources: zip(sources, stats).map { Summary.Source(name: $0.displayName, stats: $1) },
            inputErrors: inputErrors, coverage: extents, handoffs: tallies)
        summary.gapIndex = gaps
        if stats.contains(where: { !$0.rejectionRuns.isEmpty }) {
            summary.rejectionIndex = RejectionIndex(runs: stats.map(\.rejectionRuns))
        }
        return summary
    }
}

extension Summary {
    /// Adds a `HandoffDiagnosis` for every handoff that needs one, reading a sample of the input
    /// again only then (so a run where every handoff saw both sides pays nothing).
    mutating func diagnose(sources: [SourceDescriptor], spec: HandoffSpec, options: RunOptions) {
        allowUnjudged = options.allowUnjudged
        guard handoffs.contains(where: HandoffDiagnosis.needed) else { return }
        diagnose(sample: InputSampler.sample(sources: sources, spec: spec, maxLineLength: options.maxLineLength))
    }
}
