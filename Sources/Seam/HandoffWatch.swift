import Foundation

/// The streaming entry point: reads every source concurrently as it grows (pipes, stdin,
/// files), correlates as watermarks allow, and hands each finding to the sink as soon as it
/// is decided.
///
/// Each source is read on its own thread, so a quiet pipe never holds up the others. A
/// source's watermark is its latest time minus the reorder bound; the run's watermark is the
/// smallest over unfinished sources. Events further behind than the bound are counted
/// `out_of_order` and still correlated where their handoff is open. An event more than an hour
/// ahead of its source's latest time (or, for a source's first event, of every time the sources
/// have shown) does not move the watermark until a second one confirms it. Memory: the open handoffs
/// plus a bounded queue of at most 16 batches of at most 4096 lines' observations each between
/// readers and the correlator, whatever the input's length.
///
/// A reader hands a batch over after 4096 lines, or, on a live pipe, as soon as its next line
/// would have to wait for input (`LineReader.hasBufferedLine`): findings are never held back,
/// yet a pipe that is busy still goes in large batches (one lock per batch, not per line).
public final class HandoffWatch {
    public let spec: HandoffSpec
    public let options: RunOptions
    /// Held strongly: a sink made inline in the call must live as long as the run.
    private let sink: FindingSink?
    private let queue = BoundedQueue<(source: Int, step: CursorStep)>(capacity: 16)

    public init(spec: HandoffSpec, options: RunOptions = RunOptions(), sink: FindingSink? = nil) {
        self.spec = spec
        self.options = options
        self.sink = sink
    }

    /// Asks a running `run` to stop at the next batch and summarize what was decided so far.
    /// Safe to call from any thread.
    public func requestStop() { queue.cancel() }

    /// Reads until every source ends (or `requestStop`), then returns the summary. After a
    /// stop, handoffs still open are left out: the summary holds only what was decided.
    public func run(paths: [String], services: [String: String] = [:]) -> (summary: Summary, stopped: Bool) {
        let (sources, errors) = SourceWalker.expand(paths, services: services)
        return run(sources: sources, inputErrors: errors)
    }

    /// Runs on sources already expanded; `inputErrors` are carried into the summary.
    package func run(sources: [SourceDescriptor], inputErrors errors: [InputError]) -> (summary: Summary, stopped: Bool) {
        let table = ServiceTable(shared: true)
        let coverage = CoverageTracker()
        let selector = HandoffSelector(rules: spec.rules, config: spec.fields, services: table)
        var correlatorOptions = CorrelatorOptions(maxOpen: options.maxOpen, examplesPerKind: options.examplesPerKind)
        correlatorOptions.idleBound = options.idleBound
        correlatorOptions.gapCapacity = options.gapCapacity
        let correlator = Correlator(
            rules: spec.rules,
            fromService: spec.rules.map { $0.fromParty.service.map { table.intern($0) } ?? -1 },
            toService: spec.rules.map { $0.toParty.service.map { table.intern($0) } ?? -1 },
            coverage: coverage, options: correlatorOptions, sink: sink, services: table)
        var stats = Array(repeating: SourceStats(), count: sources.count)
        var lowerBounds = Array(repeating: Int64.min, count: sources.count)
        var running = sources.count
        // What a source's first event is checked against: one line dated 2099 at the head of
        // a source does not move its watermark unless other sources have shown times near it.
        let clock = ClockReference()
        var readers: [WorkerThread] = []

        for d in sources {
            let cursor = SourceCursor(descriptor: d, config: spec.fields, selector: selector, services: table,
                                      maxLineLength: options.maxLineLength, reorderBound: options.reorderBound,
                                      format: spec.format(for: d.displayName), strictJSON: options.strictJSON,
                                      reference: clock)
            let live = !EventMerger<HandoffSelector>.isRereadable(d)
            let queue = self.queue
            let owned = MovedToThread(cursor)
            // Joined when every source ended; detached when the run is stopped, since a reader
            // blocked on a live pipe cannot be joined then (it ends with the process).
            readers.append(WorkerThread {
                let cursor = owned.value
                var batch: [Observation] = []
                var more = true
                while more && !queue.isCancelled {
                    // A live pipe hands over what it has whenever it would block; a file in steps.
                    more = cursor.step(maxLines: 4096, untilDry: live, into: &batch)
                    queue.put((d.index, cursor.finishStep(observations: batch, more: more)))
                    batch.removeAll(keepingCapacity: true)
                }
            })
        }

        var stopped = false
        while running > 0 {
            // After a stop, batches still queued are left: the summary holds what was decided.
            guard let (source, b) = queue.take(), !queue.isCancelled else {
                stopped = true
                break
            }
            coverage.note(extents: b.extents, source: Int32(source))
            for o in b.observations { correlator.observe(o) }
            stats[source] = b.stats
            stats[source].outOfOrder += b.disorderedEvents
            stats[source].maxLateness = b.maxLateness
            lowerBounds[source] = b.lowerBound
            if !b.more {
                coverage.end(source: Int32(source))
                lowerBounds[source] = .max
                running -= 1
            }
            let w = lowerBounds.min() ?? .max
            if w != .min { correlator.advance(to: w == .max ? .max : w - 1) }
        }
        for r in readers { if stopped { r.detach() } else { r.join() } }
        if !stopped { correlator.finish() }
        let summary = Summary.make(sources: sources, stats: stats, inputErrors: errors, services: table,
                                   coverage: coverage, tallies: correlator.tallies, gaps: correlator.gaps)
        return (summary, stopped)
    }
}

/// A value handed to one thread at its start and used only there from then on, so it needs no
/// `Sendable` conformance of its own (`SourceCursor` owns a reader and a decoder).
private final class MovedToThread<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
