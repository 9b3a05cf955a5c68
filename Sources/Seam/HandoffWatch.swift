import Foundation
@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords

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
    /// Batches from the readers to the correlator; the readers and the folder scanner are its
    /// participants.
    private let queue = BoundedQueue<Batch>(capacity: 16, countsParticipants: true)
    /// Followed files and folders (`--follow`); nil: every source is read to its end once.
    public let follow: FollowOptions?
    private let control: FollowControl

    public init(spec: HandoffSpec, options: RunOptions = RunOptions(), sink: FindingSink? = nil,
                follow: FollowOptions? = nil) {
        self.spec = spec
        self.options = options
        self.sink = sink
        self.follow = follow
        self.control = FollowControl(pollInterval: follow?.pollInterval ?? 250_000_000)
    }

    /// Asks a running `run` to stop and summarize what was decided so far. Safe to call from
    /// any thread, and from a signal's handler thread.
    ///
    /// What is buffered is drained first: each reader finishes the step it is in (a live pipe
    /// hands over what it holds, a followed file is read to its current end), the correlator
    /// takes every batch handed over and moves the watermark as those claim, then the run
    /// returns. A reader blocked on a quiet pipe holds nothing and is not waited for; the drain
    /// waits at most `drainLimit` in all. Handoffs still open are left out of the summary (they
    /// are not decided): a stop is not the end of input.
    public func requestStop() {
        // The queue first: a follower woken by the control must find the run draining, or its
        // reader would take the wake-up for the file's end and let the watermark pass it.
        queue.drain(limit: drainLimit)
        control.drain()
    }

    /// Wall time a stop waits for readers to hand over what they hold (10 s).
    public var drainLimit: Double = 10

    /// Told a snapshot of the run every `progressInterval` (wall time) while batches come, 0.1 s
    /// into a pause after a batch not yet told, and once at the end. Set before `run`.
    public var progress: WatchProgress?
    /// Seconds between two snapshots while busy (0.5).
    public var progressInterval: Double = 0.5
    /// Told every pair's latency as it is made (on the correlator's thread). Set before `run`.
    public var pairObserver: PairObserver?

    /// Reads until every source ends (or `requestStop`), then returns the summary. After a
    /// stop, handoffs still open are left out: the summary holds only what was decided.
    public func run(paths: [String], services: [String: String] = [:]) -> (summary: Summary, stopped: Bool) {
        let (sources, errors) = SourceWalker.expand(paths, services: services)
        return run(sources: sources, inputErrors: errors, folders: follow == nil ? [] : SourceWalker.folders(in: paths),
                   services: services)
    }

    /// Runs on sources already expanded; `inputErrors` are carried into the summary. With
    /// `follow`, `folders` (the folders among the paths given) are scanned for new files.
    package func run(sources initial: [SourceDescriptor], inputErrors errors: [InputError],
                     folders: [String] = [], services: [String: String] = [:]) -> (summary: Summary, stopped: Bool) {
        let table = ServiceTable(shared: true)
        let coverage = CoverageTracker()
        let selector = HandoffSelector(rules: spec.rules, config: spec.fields, services: table)
        let correlator = Correlator.make(spec: spec, options: options, services: table, coverage: coverage, sink: sink,
                                         batch: false)
        correlator.pairObserver = pairObserver
        // What a source's first event is checked against: one line dated 2099 at the head of
        // a source does not move its watermark unless other sources have shown times near it.
        let clock = ClockReference()
        let registry = SourceRegistry()
        var errors = errors

        func start(_ d: SourceDescriptor) {
            var follower: FollowedFile?
            if follow != nil, case .file(let path) = d.location {
                var st = stat()
                if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG {
                    follower = FollowedFile(path: path, control: control)
                }
            }
            registry.add(d, follower: follower)
            queue.register()
            let cursor = SourceCursor(descriptor: d, config: spec.fields, selector: selector, services: table,
                                      maxLineLength: options.maxLineLength, reorderBound: options.reorderBound,
                                      format: spec.format(for: d.displayName), strictJSON: options.strictJSON,
                                      reference: clock, follower: follower)
            let live = follower != nil || !EventMerger<HandoffSelector>.isRereadable(d)
            let pipe = follower == nil && live
            let queue = self.queue
            let followed = follower != nil
            // Joined at the end of the run, except a reader still parked on a quiet pipe after a
            // stop: it may wait on its input for good, so it is detached (it ends with the process).
            let thread = WorkerThread {
                var batch: [Observation] = []
                var more = true
                while more && !queue.isCancelled {
                    // A pipe about to wait for input holds nothing: a stop need not wait for it.
                    // Once the run is over (cancelled) it must not start that wait at all.
                    let parks = pipe && !cursor.hasBufferedLine
                    if parks && !queue.park(d.index, true) { break }
                    // A live source hands over what it has whenever it would wait; a file in steps.
                    more = cursor.step(maxLines: 4096, untilDry: live, into: &batch)
                    if parks { queue.park(d.index, false) }
                    // Draining: this reader leaves after this step, but only a source read to its
                    // end (not stopped) lets the watermark pass it.
                    let draining = queue.isDraining
                    var step = cursor.finishStep(observations: batch, more: more)
                    if draining { step.lowerBound = cursor.claimedBound }
                    if !queue.put(Batch(source: d.index, step: step, ended: !more && !draining),
                                  leaving: !more || (draining && !followed)) {
                        batch.releaseClaims()  // stopped: nobody takes this batch
                    }
                    batch.removeAll(keepingCapacity: true)
                    // A followed file is read on to its current end (its follower then ends).
                    if draining && !followed { break }
                }
            }
            registry.attach(thread, to: d.index)
        }

        var scanner: FolderScanner?
        var scannerThread: WorkerThread?
        if let follow, !folders.isEmpty {
            let s = FolderScanner(folders: folders, include: follow.include, control: control)
            scanner = s
        }
        for d in initial {
            if let scanner, case .file(let path) = d.location, isInside(path, folders), !scanner.includes(path) { continue }
            start(d)
            if let scanner, case .file(let path) = d.location, let f = registry.follower(of: d.index) {
                scanner.note(path: path, follower: f)
            }
        }
        if let scanner {
            // The scanner is one more participant that leaves only when the run stops, so a run
            // following folders ends only on a stop.
            queue.register()
            let control = self.control, queue = self.queue
            scannerThread = WorkerThread {
                while !control.isDraining {
                    control.sleep()
                    if control.isDraining { break }
                    for path in scanner.scan() {
                        let (found, problems) = SourceWalker.expand([path], services: services)
                        registry.note(problems)
                        for var d in found {
                            d.index = registry.nextIndex
                            start(d)
                            if let f = registry.follower(of: d.index) { scanner.note(path: path, follower: f) }
                        }
                    }
                }
                queue.leave()
            }
        }

        var stats: [SourceStats] = []
        var lowerBounds: [Int64] = []
        var stopped = false
        var runWatermark: Int64?
        let interval = UInt64(max(0, progressInterval) * 1e9)
        var lastProgress: UInt64 = 0
        var owed = false
        func report(final: Bool) {
            guard let progress else { return }
            progress.progressed(WatchSnapshot.make(sources: registry.descriptors, stats: stats, lowerBounds: lowerBounds,
                                                   correlator: correlator, watermark: runWatermark, final: final))
        }
        var quietAfter = follow?.quietAfter ?? .max
        if quietAfter == 0 { quietAfter = .max }
        while true {
            // With a snapshot owed, wait at most 0.1 s: the last batch before a pause is seen soon.
            var timedOut = false
            guard let b = queue.take(waitingAtMost: owed ? 0.1 : nil, timedOut: &timedOut) else {
                if timedOut {
                    owed = false
                    lastProgress = FollowControl.now()
                    report(final: false)
                    continue
                }
                stopped = queue.isDraining || queue.isCancelled
                break
            }
            if b.source >= stats.count {
                stats += Array(repeating: SourceStats(), count: b.source + 1 - stats.count)
                lowerBounds += Array(repeating: Int64.min, count: b.source + 1 - lowerBounds.count)
            }
            coverage.note(extents: b.step.extents, source: Int32(b.source))
            for o in b.step.observations { correlator.observe(o) }
            stats[b.source] = b.step.stats
            stats[b.source].outOfOrder += b.step.disorderedEvents
            stats[b.source].maxLateness = b.step.maxLateness
            lowerBounds[b.source] = b.step.lowerBound
            if b.ended {
                coverage.end(source: Int32(b.source))
                lowerBounds[b.source] = .max
            }
            // The run's watermark: the least over sources still to come; a source not yet seen
            // (registered, no batch) holds it at nothing claimed; a followed file quiet for
            // `quietAfter` of wall time does not hold it (its later events count as out of order).
            let now = FollowControl.now()
            var w = Int64.max
            var holding = false, unended = false
            for i in 0..<max(registry.count, lowerBounds.count) {
                let bound = i < lowerBounds.count ? lowerBounds[i] : .min
                if bound == .max { continue }
                unended = true
                if quietAfter != .max, registry.follower(of: i)?.isQuiet(for: quietAfter, now: now) == true { continue }
                holding = true
                w = min(w, bound)
            }
            // Every source still to come is quiet: nothing moves until one speaks.
            if (holding || !unended) && w != .min {
                correlator.advance(to: w == .max ? .max : w - 1)
                if w != .max { runWatermark = max(runWatermark ?? .min, w - 1) }
            }
            // Every `interval` while batches come, and 0.1 s into a pause (`owed`).
            if progress != nil {
                if now &- lastProgress >= interval {
                    lastProgress = now
                    owed = false
                    report(final: false)
                } else {
                    owed = true
                }
            }
        }
        // Every thread of the run ends here. At the end of input every reader has handed over its
        // last batch and returns. After a stop, late batches are dropped (cancel) and no reader
        // parks anew: the scanner ends with the stop (`control`), a reader not parked finishes
        // its step (a pipe's buffered lines, a file's step) and returns; a parked one is left.
        if stopped { queue.cancel() }
        scannerThread?.join()
        for (index, reader) in registry.readers {
            if stopped && queue.isParked(index) { reader.detach() } else { reader.join() }
        }
        // Batches handed over and not taken before the stop: their long claims go with them.
        while stopped, let b = queue.take() { b.step.observations.releaseClaims() }
        if !stopped { correlator.finish() }
        report(final: true)
        let all = registry.descriptors
        if stats.count < all.count {
            stats += Array(repeating: SourceStats(), count: all.count - stats.count)
        }
        errors += registry.problems
        let summary = Summary.make(sources: all, stats: stats, inputErrors: errors, services: table,
                                   coverage: coverage, tallies: correlator.tallies, gaps: correlator.gaps)
        return (summary, stopped)
    }

    private func isInside(_ path: String, _ folders: [String]) -> Bool {
        folders.contains { path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }
}

/// How `watch --follow` follows files and folders.
public struct FollowOptions: Sendable {
    /// Wall time between two looks at a followed file at its end, and at the folders (ns).
    public var pollInterval: UInt64 = 250_000_000
    /// Files found in followed folders are followed only when their name matches this
    /// `fnmatch` pattern (`*.log`); nil: every file. Keeps rotated copies out.
    public var include: String?
    /// A followed file that has not grown for this long (wall time, ns) stops holding back the
    /// run's watermark until it grows again, so the others' verdicts and `silent` notices go on;
    /// 0: never.
    public var quietAfter: UInt64 = 10_000_000_000
    public init() {}
}

/// The sources of a run as they become known (a followed folder adds files while it runs).
/// `@unchecked Sendable`: behind its lock.
final class SourceRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [SourceDescriptor] = []
    private var followers: [FollowedFile?] = []
    private var notes: [InputError] = []
    private var threads: [(index: Int, thread: WorkerThread)] = []

    func add(_ d: SourceDescriptor, follower: FollowedFile?) {
        lock.lock(); defer { lock.unlock() }
        precondition(d.index == list.count, "sources are added in index order")
        list.append(d)
        followers.append(follower)
    }

    var nextIndex: Int { lock.lock(); defer { lock.unlock() }; return list.count }
    var count: Int { nextIndex }
    var descriptors: [SourceDescriptor] { lock.lock(); defer { lock.unlock() }; return list }
    var problems: [InputError] { lock.lock(); defer { lock.unlock() }; return notes }

    /// The reader thread of source `index`.
    func attach(_ thread: WorkerThread, to index: Int) {
        lock.lock(); defer { lock.unlock() }
        threads.append((index, thread))
    }

    /// Every reader thread started, with its source's index.
    var readers: [(index: Int, thread: WorkerThread)] { lock.lock(); defer { lock.unlock() }; return threads }

    func note(_ errors: [InputError]) {
        lock.lock(); defer { lock.unlock() }
        notes += errors
    }

    func follower(of index: Int) -> FollowedFile? {
        lock.lock(); defer { lock.unlock() }
        return index < followers.count ? followers[index] : nil
    }

}

/// What a reader thread hands to the correlator: one step of its source.
struct Batch {
    var source: Int
    /// Its `lowerBound` is the source's claimed bound once the run drains (a stopped source has
    /// not ended, whatever its cursor says).
    var step: CursorStep
    /// The source was read to its end: the watermark no longer waits for it.
    var ended: Bool
}
