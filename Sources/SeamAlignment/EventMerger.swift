@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
import Glibc
import HeapModule

/// Merges many sources by event time for a batch run, handing observations and watermarks to
/// a consumer, with memory bounded by open handoffs rather than by input or by file count.
///
/// How (each source is streamed; none is held in memory whole):
/// 1. *Probe.* Every regular file is opened and its first `probeLines` lines read. A source that
///    ends within them, one whose times run backwards by more than the reorder bound
///    (newest-first exports, shuffled files), and one that cannot be read twice (stdin, a FIFO)
///    is *read ahead*: read to its end at once, its coverage noted whole, its observations added
///    to one shared `ObservationSpool` (in memory up to `reorderBudget` observations in all,
///    sorted runs in temporary files past it) that joins the merge in time order like one more
///    sorted source. So a thousand small hourly files cost one budget, not a thousand probes'
///    worth of observations, and are merged by time like one big file.
///    A sorted source waits for the merge to reach the smallest time seen: up to
///    `parkedSources` of them stay open, *parked* with the observations their probe read, those
///    reached first; the others are closed and read again from the start.
/// 2. *Merge.* A source is (re)opened only when the merge reaches its first time, so a thousand
///    hourly archives do not mean a thousand open decoders. A parked one hands on its probe's
///    coverage and observations, then goes on from where its probe stopped (its head is not
///    inflated and decoded twice). The open source with the smallest lower bound is stepped;
///    after each step the watermark (the smallest lower bound of all unfinished sources, minus
///    one) is handed on.
/// 3. *Restart.* The probe's "sorted" is a guess from a source's head. When a source steps back
///    by more than the reorder bound later on (rotated parts concatenated newest first, say),
///    verdicts already given may have missed it, so `run` stops and returns false; the caller
///    discards what it was given and calls `restart(coverage:)` then `run` again with fresh
///    consumers. That source is then read ahead. What was read ahead is kept (stdin is not read
///    twice). After `maxRestarts`, every source not yet seen sorted to its end is read ahead, so
///    a run ends after at most `maxRestarts + 1` passes. Verdicts never depend on the guess.
///
/// Threads (`Options.threads` > 1): every open source's cursor steps on a worker thread
/// (`SourceFeed`), a few steps ahead behind a bounded queue, while this thread merges and
/// correlates; the steps consumed, and so deliveries and watermarks, are the same as with one
/// thread. When there are fewer sources than threads, gzip is also inflated on a thread of its
/// own (`LineReader` pipelined), so a single file or stdin uses two cores. The `ServiceTable`
/// must then be made `shared`.
@_spi(SeamStages) public final class EventMerger<Selector: ObservationSelector> {
    @_spi(SeamStages) public struct Options {
        /// Lines read from each source to decide whether it is time-sorted.
        @_spi(SeamStages) public var probeLines = 4096
        /// Lines read from one source before looking again which source is behind. Small enough
        /// that a step's lines and observations do not push the correlator's open handoffs out
        /// of the CPU caches (4096 cost ~5% more CPU), large enough to amortize a step.
        @_spi(SeamStages) public var stepLines = 512
        @_spi(SeamStages) public var maxLineLength = 1 << 20
        /// Disorder within one source that is tolerated without reordering (ns).
        @_spi(SeamStages) public var reorderBound: Int64 = 1_000_000_000
        /// Observations of the read-ahead sources held in memory (all of them together) before
        /// sorted runs go to temporary files.
        @_spi(SeamStages) public var reorderBudget = 131_072
        /// Probed sorted sources kept open until the merge reaches them, so their heads are not
        /// read twice. Each holds a reader's buffers (~1.3 MiB) and its probe's observations;
        /// past the bound, those reached last are read again instead (0: all are).
        @_spi(SeamStages) public var parkedSources = 8
        /// Lines between two points inside a step where the watermark may move (`StepMark`):
        /// the correlator then holds about this many lines' observations ahead of the watermark,
        /// not a whole step's, so `maxOpen` is about open handoffs rather than step sizes.
        @_spi(SeamStages) public var markLines = 64
        /// Restarts after which every source not yet seen sorted to its end is read ahead.
        @_spi(SeamStages) public var maxRestarts = 2
        /// Threads that decode (1: everything on the caller's thread).
        @_spi(SeamStages) public var threads = 1
        /// Steps a worker may run ahead of the merge (threads > 1). With more sources than
        /// cores, a worker is often off its core when the merge wants its step: 16 queued steps
        /// (each at most `stepLines` lines' observations) cut wall time 7% against 4 on 4 files.
        @_spi(SeamStages) public var feedDepth = 16
        /// Validate every JSON line whole (`RecordDecoder.strictJSON`).
        @_spi(SeamStages) public var strictJSON = false
        /// The spec's per-source formats (`HandoffSpec.format(for:)`); none: auto-detect all.
        @_spi(SeamStages) public var formats: (String) -> SourceFormat? = { _ in nil }
        @_spi(SeamStages) public init() {}
    }

    /// A source read to its end ahead of the merge: what it contributes besides its
    /// observations (which are in `spool`), kept across restarts.
    private struct ReadAhead {
        var stats: SourceStats
        var extents: [(service: Int32, first: Int64, last: Int64)]
    }

    private let sources: [SourceDescriptor]
    private let config: FieldConfig
    private let selector: Selector
    private let services: ServiceTable
    private var coverage: CoverageTracker
    private let options: Options
    /// Final accounting per source, filled as sources finish.
    @_spi(SeamStages) public private(set) var stats: [SourceStats]
    /// Observations of every read-ahead source, put in time order.
    private let spool: ObservationSpool
    /// Sources read ahead so far, by index.
    private var readAhead: [Int: ReadAhead] = [:]
    /// Sources to read ahead on the next pass: found out of order after their probe.
    private var mustReadAhead: Set<Int> = []
    /// Sources read to their end by the merge without a step back past the reorder bound.
    private var seenSorted: Set<Int> = []
    /// Problems of the run itself (not of one source): a temporary file of the reorder spool
    /// that could not be read back. Each makes the run incomplete.
    @_spi(SeamStages) public private(set) var errors: [InputError] = []
    /// Passes started over because a source turned out of order after its probe.
    @_spi(SeamStages) public private(set) var restarts = 0

    @_spi(SeamStages) public init(sources: [SourceDescriptor], config: FieldConfig, selector: Selector,
                services: ServiceTable, coverage: CoverageTracker, options: Options) {
        self.sources = sources
        self.config = config
        self.selector = selector
        self.services = services
        self.coverage = coverage
        self.options = options
        self.stats = Array(repeating: SourceStats(), count: sources.count)
        self.spool = ObservationSpool(budget: options.reorderBudget)
    }

    private func makeCursor(_ d: SourceDescriptor) -> SourceCursor<Selector> {
        // Files already decode in parallel when there are enough of them; an extra inflate
        // thread per file would only add switching.
        let pipelined = options.threads > 1 && sources.count < options.threads
        return SourceCursor(descriptor: d, config: config, selector: selector, services: services,
                            maxLineLength: options.maxLineLength, reorderBound: options.reorderBound,
                            format: options.formats(d.displayName), pipelined: pipelined,
                            strictJSON: options.strictJSON)
    }

    private func makeFeed(_ c: SourceCursor<Selector>) -> SourceFeed<Selector> {
        SourceFeed(cursor: c, stepLines: options.stepLines, threaded: options.threads > 1, depth: options.feedDepth,
                   markEvery: max(1, options.markLines))
    }


    /// Prepares another pass after `run` returned false: `coverage` is the fresh tracker the
    /// new consumers read. Sources read ahead keep their observations and accounting.
    @_spi(SeamStages) public func restart(coverage: CoverageTracker) {
        self.coverage = coverage
        errors = []
        stats = Array(repeating: SourceStats(), count: sources.count)
        restarts += 1
        if restarts >= options.maxRestarts {
            // Bound the passes: whatever was not seen sorted to its end is read ahead now.
            for d in sources where readAhead[d.index] == nil && !seenSorted.contains(d.index) {
                mustReadAhead.insert(d.index)
            }
        }
    }

    /// Reads `c` (already probed, or fresh) to its end into the shared spool and records what
    /// it contributes. The observations in `batch` (its probe's) go first.
    private func readToEnd(_ c: SourceCursor<Selector>, more: Bool, batch: inout [Observation]) -> SourceStats {
        for o in batch { spool.append(o) }
        batch.removeAll(keepingCapacity: true)
        var extents = c.takeExtents()
        var s: SourceStats
        if more {
            let feed = makeFeed(c)
            var going = true
            repeat {
                going = feed.step(into: &batch)
                for o in batch { spool.append(o) }
                batch.removeAll(keepingCapacity: true)
            } while going
            extents += feed.takeExtents()
            s = feed.stats
            feed.close()
        } else {
            s = c.stats
            c.close()
        }
        // (The worker, if any, has been joined: reading the cursor is safe.) Disorder inside a
        // read-ahead source is put right by the spool: it is not out of order.
        if c.disorderedEvents > 0 { s.reordered = true }
        readAhead[c.descriptor.index] = ReadAhead(stats: s, extents: Self.merged(extents))
        return s
    }

    /// Extents of one source folded to one (first, last) per service.
    private static func merged(_ list: [(service: Int32, first: Int64, last: Int64)])
        -> [(service: Int32, first: Int64, last: Int64)] {
        var byService: [Int32: (first: Int64, last: Int64)] = [:]
        for e in list {
            if let x = byService[e.service] {
                byService[e.service] = (min(x.first, e.first), max(x.last, e.last))
            } else {
                byService[e.service] = (e.first, e.last)
            }
        }
        return byService.keys.sorted().map { ($0, byService[$0]!.first, byService[$0]!.last) }
    }

    /// Reads everything. `deliver` gets observations (any order below the watermark);
    /// `advance` gets the watermark: every observation with time <= it has been delivered.
    /// `progress` gets bytes read so far after each step.
    ///
    /// - Returns: true when every source was read; false when a source turned out of time order
    ///   after its probe, so that what was delivered is void: call `restart(coverage:)` and run
    ///   again with fresh consumers.
    @_spi(SeamStages) public func run(deliver: (ArraySlice<Observation>) -> Void, advance: (Int64) -> Void,
                    progress: ((UInt64) -> Void)? = nil) -> Bool {
        var pending = Heap<PendingSource>()
        /// Sorted sources still open after their probe, by source index (at most `parkedSources`).
        var parked: [Int: ParkedSource] = [:]
        var batch: [Observation] = []
        var marks: [StepMark] = []
        var bytesDone: UInt64 = 0

        func finish(_ c: SourceFeed<Selector>) {
            c.flushCoverage(to: coverage)
            coverage.end(source: Int32(c.descriptor.index))
            // (No event of it ran back past its lower bound: that restarts the run.)
            let s = c.stats
            stats[c.descriptor.index] = s
            bytesDone += s.bytesIn
            c.close()
        }

        // 1. Probe.
        for d in sources {
            if readAhead[d.index] == nil {
                marks.removeAll(keepingCapacity: true)
                if !Self.isRereadable(d) || mustReadAhead.contains(d.index) {
                    _ = readToEnd(makeCursor(d), more: true, batch: &batch)
                } else {
                    let c = makeCursor(d)
                    let more = c.step(maxLines: options.probeLines, into: &batch, marks: &marks,
                                      markEvery: max(1, options.markLines))
                    if !more || c.disorderedEvents > 0 {
                        _ = readToEnd(c, more: more, batch: &batch)
                    } else {
                        // Sorted so far: the merge takes it up at its start. Parked until then, unless
                        // that makes one too many: the one reached last is closed and read again then.
                        let start = c.minTime == .max ? Int64.min : c.minTime.subtractingSaturating(options.reorderBound)
                        let p = PendingSource(start: start, index: d.index)
                        pending.insert(p)
                        parked[d.index] = ParkedSource(order: p, cursor: c, observations: batch, marks: marks)
                        batch = []
                        marks = []
                        if parked.count > options.parkedSources,
                           let last = parked.values.max(by: { $0.order < $1.order }) {
                            last.cursor.close()
                            last.observations.releaseClaims()  // read again when the merge reaches it
                            parked[last.order.index] = nil
                        }
                        continue
                    }
                }
            }
            // Read ahead (now or on an earlier pass): its coverage is known whole.
            let r = readAhead[d.index]!
            coverage.note(extents: r.extents, source: Int32(d.index))
            coverage.end(source: Int32(d.index))
            stats[d.index] = r.stats
            bytesDone += r.stats.bytesIn
            progress?(bytesDone)
        }
        let spooled: SpoolReader? = readAhead.isEmpty ? nil : spool.sorted()

        // 2. Merge.
        /// The smallest time any source may still hand on (`skip`: leave out that open source).
        func lowest(skipping skip: Int? = nil) -> Int64 {
            var w = pending.min?.start ?? .max
            for (i, o) in open.enumerated() where i != skip { w = min(w, o.bound) }
            if let t = spooled?.nextTime { w = min(w, t) }
            return w
        }
        func watermark() -> Int64 {
            let w = lowest()
            return w == .max ? .max : w.subtractingSaturating(1)
        }
        /// Hands on what is left of `o`'s step up to the first mark that takes it past `others`
        /// (the other sources' lowest time), moving the watermark at each mark.
        func consume(_ o: OpenSource, others: Int64) {
            while o.nextMark < o.marks.count {
                let m = o.marks[o.nextMark]
                o.nextMark += 1
                if m.count > o.delivered {
                    deliver(o.observations[o.delivered..<m.count])
                    o.delivered = m.count
                }
                o.bound = max(o.bound, m.lowerBound)
                let w = min(others, o.bound)
                if w != .max { advance(w.subtractingSaturating(1)) }
                if o.bound > others { return }
            }
            if o.delivered < o.observations.count { deliver(o.observations[o.delivered...]) }
            o.observations.removeAll(keepingCapacity: true)
            o.marks.removeAll(keepingCapacity: true)
            o.delivered = 0
            o.nextMark = 0
            o.bound = o.more ? max(o.bound, o.feed.lowerBound) : .max
        }
        var open: [OpenSource] = []
        advance(watermark())
        while true {
            let nextOpen = open.indices.min { open[$0].bound < open[$1].bound }
            if let r = spooled, let t = r.nextTime,
               t <= pending.min?.start ?? .max, t <= nextOpen.map({ open[$0].bound }) ?? .max {
                // The read-ahead sources are behind everyone: hand on their next observations
                // (a mark's worth at a time, so the watermark follows closely).
                while batch.count < max(1, options.markLines), let o = r.next() { batch.append(o) }
                deliver(batch[...])
                batch.removeAll(keepingCapacity: true)
                advance(watermark())
                continue
            }
            if let p = pending.min, nextOpen == nil || p.start <= open[nextOpen!].bound {
                _ = pending.removeMin()
                if let held = parked.removeValue(forKey: p.index) {
                    // Its probe's coverage and observations first, then its steps: all of them are
                    // at or after `p.start`, which has held the watermark back until now.
                    held.cursor.flushCoverage(to: coverage)
                    let o = OpenSource(feed: makeFeed(held.cursor), bound: p.start)
                    o.observations = held.observations
                    o.marks = held.marks
                    open.append(o)
                } else {
                    open.append(OpenSource(feed: makeFeed(makeCursor(sources[p.index])), bound: p.start))
                }
                continue
            }
            guard let i = nextOpen else { break }
            let o = open[i]
            if !o.hasLeft {
                o.more = o.feed.step(into: &o.observations, marks: &o.marks)
                if o.feed.disorderedEvents > 0 {
                    // It stepped back past its lower bound: the watermark may already have passed
                    // those events. Start over with this source read ahead.
                    mustReadAhead.insert(o.feed.descriptor.index)
                    for f in open {
                        f.feed.close()
                        f.observations[f.delivered...].releaseClaims()
                    }
                    for p in parked.values {
                        p.cursor.close()
                        p.observations.releaseClaims()
                    }
                    return false
                }
                o.feed.flushCoverage(to: coverage)
            }
            consume(o, others: lowest(skipping: i))
            if !o.hasLeft && !o.more {
                seenSorted.insert(o.feed.descriptor.index)
                finish(o.feed)
                open.remove(at: i)
            }
            advance(watermark())
            if let progress { progress(bytesDone + open.reduce(0) { $0 + $1.feed.stats.bytesIn }) }
        }
        if let r = spooled, r.failed {
            errors.append(InputError(
                code: .unreadable, source: "(reorder spool)", offset: nil,
                message: "a temporary file holding reordered observations could not be read back; "
                    + "verdicts of the sources read ahead are incomplete (is the temporary folder full?)"))
        }
        return true
    }

    /// A source in the merge: its feed and what is left of its last step.
    ///
    /// Invariant: every observation still to come from it, left in `observations[delivered...]`
    /// or not read yet, has time >= `bound`.
    private final class OpenSource {
        let feed: SourceFeed<Selector>
        /// The last step's observations and marks; `delivered` of them handed on, marks before
        /// `nextMark` passed.
        var observations: [Observation] = []
        var marks: [StepMark] = []
        var delivered = 0
        var nextMark = 0
        /// The feed has more steps.
        var more = true
        var bound: Int64
        init(feed: SourceFeed<Selector>, bound: Int64) {
            self.feed = feed
            self.bound = bound
        }
        /// Part of the last step is still to be handed on.
        var hasLeft: Bool { delivered < observations.count || nextMark < marks.count }
    }

    /// A probed sorted source kept open until the merge reaches it, with what its probe read.
    private struct ParkedSource {
        var order: PendingSource
        var cursor: SourceCursor<Selector>
        var observations: [Observation]
        /// The probe's marks in `observations`.
        var marks: [StepMark]
    }

    /// Regular files can be probed and read again; pipes, FIFOs and stdin cannot.
    @_spi(SeamStages) public static func isRereadable(_ d: SourceDescriptor) -> Bool {
        guard case .file(let path) = d.location else { return false }
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) == S_IFREG
    }
}

/// A sorted source not yet in the merge (closed or parked), ordered by the smallest time it can
/// hold.
struct PendingSource: Comparable {
    var start: Int64
    var index: Int
    static func < (a: PendingSource, b: PendingSource) -> Bool {
        (a.start, a.index) < (b.start, b.index)
    }
}
