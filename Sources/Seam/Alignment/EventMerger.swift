import Glibc
import HeapModule

/// Merges many sources by event time for a batch run, handing observations and watermarks to
/// a consumer, with memory bounded by open handoffs rather than by input.
///
/// How (each source is streamed; none is loaded whole unless it must be reordered):
/// 1. *Probe.* Every regular file is opened and its first `probeLines` lines read. A source
///    that ends within them is done. A source whose times run backwards by more than the
///    reorder bound (newest-first exports, shuffled files) is read to its end at once, its
///    coverage noted whole and its observations put in time order by an `ObservationSpool`
///    (in memory up to `reorderBudget`, sorted runs in temporary files past it); they then join
///    the merge like a sorted source. A sorted source waits for the merge to reach the smallest
///    time seen: up to `parkedSources` of them stay open, *parked* with the observations their
///    probe read, those reached first; the others are closed and read again from the start.
/// 2. *Merge.* A source is (re)opened only when the merge reaches its first time, so a thousand
///    hourly archives do not mean a thousand open decoders. A parked one hands on its probe's
///    coverage and observations, then goes on from where its probe stopped (its head is not
///    inflated and decoded twice). The open source with the smallest lower bound is stepped;
///    after each step the watermark (the smallest lower bound of all unfinished sources, minus
///    one) is handed on.
/// Stdin and FIFOs cannot be read twice: they are not probed and are opened first.
///
/// Threads (`Options.threads` > 1): every open source's cursor steps on a worker thread
/// (`SourceFeed`), a few steps ahead behind a bounded queue, while this thread merges and
/// correlates; the steps consumed, and so deliveries and watermarks, are the same as with one
/// thread. When there are fewer sources than threads, gzip is also inflated on a thread of its
/// own (`LineReader` pipelined), so a single file or stdin uses two cores. The `ServiceTable`
/// must then be made `shared`.
///
/// A source that looked sorted in its probe but runs backwards later by more than the reorder
/// bound has those events counted `out_of_order`; they are still correlated where their
/// handoff is still open.
public final class EventMerger<Selector: ObservationSelector> {
    public struct Options {
        /// Lines read from each source to decide whether it is time-sorted.
        public var probeLines = 4096
        /// Lines read from one source before looking again which source is behind. Small enough
        /// that a step's lines and observations do not push the correlator's open handoffs out
        /// of the CPU caches (4096 cost ~5% more CPU), large enough to amortize a step.
        public var stepLines = 512
        public var maxLineLength = 1 << 20
        /// Disorder within one source that is tolerated without reordering (ns).
        public var reorderBound: Int64 = 1_000_000_000
        /// Observations of one reordered source held in memory before sorted runs go to
        /// temporary files.
        public var reorderBudget = 131_072
        /// Probed sorted sources kept open until the merge reaches them, so their heads are not
        /// read twice. Each holds a reader's buffers (~1.3 MiB) and its probe's observations;
        /// past the bound, those reached last are read again instead (0: all are).
        public var parkedSources = 8
        /// Threads that decode (1: everything on the caller's thread).
        public var threads = 1
        /// Steps a worker may run ahead of the merge (threads > 1). With more sources than
        /// cores, a worker is often off its core when the merge wants its step: 16 queued steps
        /// (each at most `stepLines` lines' observations) cut wall time 7% against 4 on 4 files.
        public var feedDepth = 16
        /// Validate every JSON line whole (`RecordDecoder.strictJSON`).
        public var strictJSON = false
        /// The spec's per-source formats (`HandoffSpec.format(for:)`); none: auto-detect all.
        public var formats: (String) -> SourceFormat? = { _ in nil }
        public init() {}
    }

    private let sources: [SourceDescriptor]
    private let config: FieldConfig
    private let selector: Selector
    private let services: ServiceTable
    private let coverage: CoverageTracker
    private let options: Options
    /// Final accounting per source, filled as sources finish.
    public private(set) var stats: [SourceStats]

    public init(sources: [SourceDescriptor], config: FieldConfig, selector: Selector,
                services: ServiceTable, coverage: CoverageTracker, options: Options) {
        self.sources = sources
        self.config = config
        self.selector = selector
        self.services = services
        self.coverage = coverage
        self.options = options
        self.stats = Array(repeating: SourceStats(), count: sources.count)
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
        SourceFeed(cursor: c, stepLines: options.stepLines, threaded: options.threads > 1, depth: options.feedDepth)
    }

    /// Reads everything. `deliver` gets observations (any order below the watermark);
    /// `advance` gets the watermark: every observation with time <= it has been delivered.
    /// `progress` gets bytes read so far after each step.
    public func run(deliver: ([Observation]) -> Void, advance: (Int64) -> Void,
                    progress: ((UInt64) -> Void)? = nil) {
        var pending = Heap<PendingSource>()
        /// Sorted sources still open after their probe, by source index (at most `parkedSources`).
        var parked: [Int: ParkedSource] = [:]
        var open: [SourceFeed<Selector>] = []
        /// Reordered sources, read whole, waiting to hand their observations on in time order.
        var spooled: [SpoolReader] = []
        var batch: [Observation] = []
        var bytesDone: UInt64 = 0

        func finish(_ c: SourceFeed<Selector>) {
            c.flushCoverage(to: coverage)
            coverage.end(source: Int32(c.descriptor.index))
            var s = c.stats
            s.outOfOrder += c.disorderedEvents
            stats[c.descriptor.index] = s
            bytesDone += s.bytesIn
            c.close()
        }

        // 1. Probe.
        for d in sources {
            guard Self.isRereadable(d) else {
                open.append(makeFeed(makeCursor(d)))
                continue
            }
            let c = makeCursor(d)
            let more = c.step(maxLines: options.probeLines, into: &batch)
            if !more || c.disorderedEvents > 0 {
                // Not time-sorted (or short enough to have been read whole): read it to its end
                // now; arrival order does not matter below the watermark, and its coverage is
                // then known whole.
                c.flushCoverage(to: coverage)
                var s: SourceStats
                if more {
                    // Its observations join the merge in time order through a spool (in memory
                    // up to a budget, sorted runs in temporary files past it), so a big
                    // newest-first archive does not hold every open handoff at once.
                    let spool = ObservationSpool(budget: options.reorderBudget)
                    let feed = makeFeed(c)
                    var more = true
                    repeat {
                        more = feed.step(into: &batch)
                        for o in batch { spool.append(o) }
                        batch.removeAll(keepingCapacity: true)
                    } while more
                    spooled.append(spool.sorted())
                    feed.flushCoverage(to: coverage)
                    s = feed.stats
                    feed.close()
                } else {
                    s = c.stats
                    c.close()
                }
                // Disorder inside a reordered source is not out of order.
                // (The worker, if any, has been joined: reading the cursor is safe.)
                if c.disorderedEvents > 0 { s.reordered = true }
                coverage.end(source: Int32(d.index))
                stats[d.index] = s
                bytesDone += s.bytesIn
                deliver(batch)
                batch.removeAll(keepingCapacity: true)
                progress?(bytesDone)
            } else {
                // Sorted so far: the merge takes it up at its start. Parked until then, unless
                // that makes one too many: the one reached last is closed and read again then.
                let start = c.minTime == .max ? Int64.min : c.minTime.subtractingSaturating(options.reorderBound)
                let p = PendingSource(start: start, index: d.index)
                pending.insert(p)
                parked[d.index] = ParkedSource(order: p, cursor: c, observations: batch)
                batch = []
                if parked.count > options.parkedSources,
                   let last = parked.values.max(by: { $0.order < $1.order }) {
                    last.cursor.close()
                    parked[last.order.index] = nil
                }
            }
        }

        // 2. Merge.
        func watermark() -> Int64 {
            var w = pending.min?.start ?? .max
            for c in open { w = min(w, c.lowerBound) }
            for r in spooled { w = min(w, r.nextTime ?? .max) }
            return w == .max ? .max : w.subtractingSaturating(1)
        }
        advance(watermark())
        while true {
            let nextOpen = open.indices.min { open[$0].lowerBound < open[$1].lowerBound }
            spooled.removeAll { $0.nextTime == nil }
            if let r = spooled.min(by: { $0.nextTime! < $1.nextTime! }), let t = r.nextTime,
               t <= pending.min?.start ?? .max, t <= nextOpen.map({ open[$0].lowerBound }) ?? .max {
                // A reordered source is behind everyone: hand on its next observations.
                while batch.count < options.stepLines, let o = r.next() { batch.append(o) }
                deliver(batch)
                batch.removeAll(keepingCapacity: true)
                advance(watermark())
                continue
            }
            if let p = pending.min, nextOpen == nil || p.start <= open[nextOpen!].lowerBound {
                _ = pending.removeMin()
                if let held = parked.removeValue(forKey: p.index) {
                    // Its probe's coverage and observations first, then its steps: all of them are
                    // at or after `p.start`, which has held the watermark back until now.
                    held.cursor.flushCoverage(to: coverage)
                    if !held.observations.isEmpty { deliver(held.observations) }
                    open.append(makeFeed(held.cursor))
                } else {
                    open.append(makeFeed(makeCursor(sources[p.index])))
                }
                continue
            }
            guard let i = nextOpen else { break }
            let c = open[i]
            let more = c.step(into: &batch)
            c.flushCoverage(to: coverage)
            if !batch.isEmpty {
                deliver(batch)
                batch.removeAll(keepingCapacity: true)
            }
            if !more {
                finish(c)
                open.remove(at: i)
            }
            advance(watermark())
            if let progress { progress(bytesDone + open.reduce(0) { $0 + $1.stats.bytesIn }) }
        }
    }

    /// A probed sorted source kept open until the merge reaches it, with what its probe read.
    private struct ParkedSource {
        var order: PendingSource
        var cursor: SourceCursor<Selector>
        var observations: [Observation]
    }

    /// Regular files can be probed and read again; pipes, FIFOs and stdin cannot.
    static func isRereadable(_ d: SourceDescriptor) -> Bool {
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
