@_spi(SeamStages) import SeamInput

/// One source as the merge steps it: either a `SourceCursor` stepped inline, or the same cursor
/// stepped on a worker thread a few steps ahead, behind a bounded queue.
///
/// Either way the merge sees the same sequence of steps (each `stepLines` lines, with the
/// observations, coverage extents, accounting and lower bound as of its end), so a batch run's
/// deliveries and watermarks, and so its verdicts, do not depend on the thread count.
///
/// Threading: the worker owns the cursor (reader, decoder) until it ends or `close()`; the
/// merge thread sees only finished `CursorStep`s. Memory: at most `depth` queued steps plus the one
/// being built, each `stepLines` lines' observations.
final class SourceFeed<Selector: ObservationSelector> {
    let descriptor: SourceDescriptor
    private let cursor: SourceCursor<Selector>
    private let stepLines: Int
    /// Lines between two `StepMark`s of a step.
    private let markEvery: Int
    private let queue: BoundedQueue<CursorStep>?
    private var worker: WorkerThread?
    /// State as of the last step taken (threaded); the cursor's own otherwise.
    private var lastStats = SourceStats()
    private var lastDisordered: UInt64 = 0
    private var lastLowerBound: Int64 = .min
    private var pendingExtents: [(service: Int32, first: Int64, last: Int64)] = []
    private var ended = false

    /// - Parameter threaded: step the cursor on a worker thread, up to `depth` steps ahead.
    init(cursor: SourceCursor<Selector>, stepLines: Int, threaded: Bool, depth: Int = 4, markEvery: Int = .max) {
        self.descriptor = cursor.descriptor
        self.cursor = cursor
        self.stepLines = stepLines
        self.markEvery = markEvery
        guard threaded else {
            queue = nil
            return
        }
        let queue = BoundedQueue<CursorStep>(capacity: depth)
        self.queue = queue
        // Before the worker starts, the cursor is still ours to read.
        lastLowerBound = cursor.lowerBound
        lastStats = cursor.stats
        lastDisordered = cursor.disorderedEvents
        worker = WorkerThread {
            var more = true
            // Each step's array goes to the merge thread; the next one is made at about the
            // last one's size, so it is not grown from empty by doubling (a copy per doubling).
            var lastCount = 0
            while more {
                var observations: [Observation] = []
                observations.reserveCapacity(max(16, lastCount + lastCount / 4))
                var marks: [StepMark] = []
                more = cursor.step(maxLines: stepLines, into: &observations, marks: &marks, markEvery: markEvery)
                lastCount = observations.count
                if !queue.put(cursor.finishStep(observations: observations, marks: marks, more: more)) {
                    observations.releaseClaims()  // cancelled: nobody takes this step
                    break
                }
            }
            cursor.close()
        }
    }

    deinit { close() }

    /// Steps once (`stepLines` lines), appending observations to `out`. False at the end.
    func step(into out: inout [Observation]) -> Bool {
        var marks: [StepMark] = []
        return step(into: &out, marks: &marks)
    }

    /// Steps once, appending observations to `out` and the step's marks (counts in `out`) to
    /// `marks`. False at the end.
    func step(into out: inout [Observation], marks: inout [StepMark]) -> Bool {
        guard let queue else {
            return cursor.step(maxLines: stepLines, into: &out, marks: &marks, markEvery: markEvery)
        }
        guard !ended, let s = queue.take() else {
            ended = true
            lastLowerBound = .max
            return false
        }
        let base = out.count
        for m in s.marks { marks.append(.init(count: base + m.count, lowerBound: m.lowerBound)) }
        if out.isEmpty { out = s.observations } else { out.append(contentsOf: s.observations) }
        pendingExtents.append(contentsOf: s.extents)
        lastStats = s.stats
        lastDisordered = s.disorderedEvents
        lastLowerBound = s.lowerBound
        if !s.more { ended = true }
        return s.more
    }

    /// The lower bound on times still to come (see `SourceCursor.lowerBound`).
    var lowerBound: Int64 { queue == nil ? cursor.lowerBound : lastLowerBound }
    /// Accounting as of the last step.
    var stats: SourceStats { queue == nil ? cursor.stats : lastStats }
    /// Events that ran more than the reorder bound behind the latest time, as of the last step.
    var disorderedEvents: UInt64 { queue == nil ? cursor.disorderedEvents : lastDisordered }

    /// Hands the extents of the steps taken since the last call to `coverage`.
    func flushCoverage(to coverage: CoverageTracker) {
        guard queue != nil else { return cursor.flushCoverage(to: coverage) }
        coverage.note(extents: pendingExtents, source: Int32(descriptor.index))
        pendingExtents.removeAll(keepingCapacity: true)
    }

    /// Takes the extents of the steps taken since the last call (see `SourceCursor.takeExtents`).
    func takeExtents() -> [(service: Int32, first: Int64, last: Int64)] {
        guard queue != nil else { return cursor.takeExtents() }
        defer { pendingExtents.removeAll(keepingCapacity: true) }
        return pendingExtents
    }

    /// Stops the worker (if any) and releases the source. Idempotent.
    func close() {
        if let queue {
            queue.cancel()
            worker?.join()
            worker = nil
            // Steps made and never taken (a run stopped or started over): their claims go too.
            while let s = queue.take() { s.observations.releaseClaims() }
        } else {
            cursor.close()
        }
    }
}
