#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// Event-time silence of a receiver with sends pending before a `silent` notice (ns).
    public var idleBound: Int64 = 30_000_000_000
    /// Threads a batch run decodes on (default: the cores online). 1 runs everything on the
    /// caller's thread; verdicts and counts do not depend on it.
    public var threads = RunOptions.onlineCores
    /// Validate every JSON line whole. Default: a line is read only until its outcome is
    /// decided, and its unread rest only has to end in `}` (see `RecordDecoder`).
    public var strictJSON = false
    public init() {}

    /// Cores online (at least 1).
    public static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// The batch entry point: reads every source, correlates, and returns the summary; findings
/// also go to `sink` as soon as they are decided.
///
/// Memory is bounded by open handoffs (see `EventMerger` and `Correlator`), except for sources
/// that must be reordered, whose observations are held until the merge reaches them.
///
/// Threads (`options.threads`): sources decode on worker threads and gzip may inflate on its
/// own thread (see `EventMerger`); correlation stays on the calling thread.
public final class HandoffCheck {
    public let spec: HandoffSpec
    public let options: RunOptions
    private weak var sink: FindingSink?

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

    /// Runs on sources already expanded; `inputErrors` are carried into the summary.
    public func run(sources: [SourceDescriptor], inputErrors: [InputError] = [],
                    progress: ((UInt64) -> Void)? = nil) -> Summary {
        let services = ServiceTable(shared: options.threads > 1)
        let coverage = CoverageTracker()
        let matcher = HandoffSelector(rules: spec.rules, config: spec.fields, services: services)
        let correlator = Correlator(
            rules: spec.rules,
            fromService: spec.rules.map { services.intern($0.from) },
            toService: spec.rules.map { services.intern($0.to) },
            coverage: coverage,
            options: CorrelatorOptions(maxOpen: options.maxOpen, examplesPerKind: options.examplesPerKind),
            sink: sink)
        var mergeOptions = EventMerger<HandoffSelector>.Options()
        mergeOptions.maxLineLength = options.maxLineLength
        mergeOptions.reorderBound = options.reorderBound
        mergeOptions.reorderBudget = options.reorderBudget
        mergeOptions.threads = max(1, options.threads)
        mergeOptions.strictJSON = options.strictJSON
        let spec = self.spec
        mergeOptions.formats = { spec.format(for: $0) }
        let merger = EventMerger(sources: sources, config: spec.fields, selector: matcher,
                                 services: services, coverage: coverage, options: mergeOptions)
        merger.run(
            // Borrowed from the buffer: no retain/release of each observation's key and values.
            deliver: { batch in batch.withUnsafeBufferPointer { for i in $0.indices { correlator.observe($0[i]) } } },
            advance: { correlator.advance(to: $0) },
            progress: progress)
        correlator.finish()
        return Summary.make(sources: sources, stats: merger.stats, inputErrors: inputErrors,
                            services: services, coverage: coverage, tallies: correlator.tallies)
    }
}

extension Summary {
    /// Gathers a run's parts into a summary (coverage extents by service name).
    static func make(sources: [SourceDescriptor], stats: [SourceStats], inputErrors: [InputError],
                     services: ServiceTable, coverage: CoverageTracker, tallies: [HandoffTally]) -> Summary {
        var extents: [String: [Extent]] = [:]
        for id in 0..<services.count {
            let list = coverage.extents(service: Int32(id)).map { Extent(source: $0.source, first: $0.first, last: $0.last) }
            if !list.isEmpty { extents[services.name(Int32(id))] = list }
        }
        return Summary(
            sources: zip(sources, stats).map { Summary.Source(name: $0.displayName, stats: $1) },
            inputErrors: inputErrors, coverage: extents, handoffs: tallies)
    }
}
