@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords

/// Reads one source a step at a time: lines -> records -> observations, with the source's
/// accounting, its per-service time extents (coverage) and its latest event time.
///
/// Memory: one `LineReader`'s buffers, the decoder's spans, and one extent pair per service
/// seen since the last flush. Nothing grows with the number of lines.
///
/// Threading: used by one thread at a time; a batch run may step it on a worker
/// (`SourceFeed`), whose handing over of finished steps orders every access.
@_spi(SeamStages) public final class SourceCursor<Selector: ObservationSelector> {
    let descriptor: SourceDescriptor
    private let reader: LineReader
    /// The source's record format, chosen once from its `sources:` entry; nil only while a
    /// step runs (the step holds it, so that a `RecordDecoder`'s buffers stay unshared).
    private var decoder: SourceDecoder?
    private let selector: Selector
    private let defaultService: Int32?
    /// How far a source's events may run behind its latest time before counting as out of order.
    private let reorderBound: Int64

    /// Smallest and largest event time per service id since the last `flushCoverage`.
    private var extentMin: [Int64] = []
    private var extentMax: [Int64] = []
    private var touched: [Int32] = []

    /// Earliest event time seen (`nil` before the first event).
    private(set) var firstTime: Int64?
    /// Smallest event time seen.
    private(set) var minTime: Int64 = .max
    /// Latest event time the source has shown and that is trusted (`.min` until one is): what
    /// its watermark follows. A clock jump is not trusted until confirmed.
    private(set) var latestTime: Int64 = .min
    /// How far one event may run ahead of its source's latest time before it must be
    /// confirmed by a second one to move the watermark (1 hour).
    static var clockJump: Int64 { 3_600_000_000_000 }
    /// An event far ahead of `latestTime`, not yet confirmed by another.
    private var heldJump: Int64?
    /// Before the source has a trusted time: its latest event, waiting to be trusted by a
    /// second event of its own within `clockJump` of it, or by `reference`.
    private var untrustedStart: Int64?
    /// The latest time the run's other sources have shown (`watch`), which a first event
    /// within `clockJump` of it is trusted by at once; nil: only a second event trusts it.
    private let reference: ClockReference?
    /// Events that ran more than `clockJump` ahead and were not (yet) confirmed.
    private(set) var clockJumps: UInt64 = 0
    /// Events that ran more than the reorder bound behind `latestTime`.
    @_spi(SeamStages) public private(set) var disorderedEvents: UInt64 = 0
    /// How far behind the latest time the most belated of those events came (ns).
    @_spi(SeamStages) public private(set) var maxLateness: Int64 = 0
    /// True once the reader is exhausted.
    private(set) var ended = false
    /// Rejected lines in runs placed by the events around them (`stats.rejectionRuns`).
    private var rejections = RejectionTracker()
    /// For the names of the services of rejection runs' neighbours.
    private let services: ServiceTable
    /// The last `rejections.runs` made, and the tracker's version then (stats are read every
    /// step; the runs change far less often).
    private var runsSnapshot: (version: Int, runs: [RejectionRun]) = (0, [])

    @_spi(SeamStages) public init(descriptor: SourceDescriptor, config: FieldConfig, selector: Selector, services: ServiceTable,
         maxLineLength: Int, reorderBound: Int64, format: SourceFormat? = nil, pipelined: Bool = false,
         strictJSON: Bool = false, reference: ClockReference? = nil, follower: FollowedFile? = nil) {
        self.descriptor = descriptor
        self.reference = reference
        self.reader = LineReader(source: descriptor, maxLineLength: maxLineLength, pipelined: pipelined)
        reader.follower = follower
        self.decoder = SourceDecoder.make(for: format, plan: selector.plan(for: config), config: config,
                                          extraPaths: selector.fieldPaths, services: services,
                                          needs: selector.fieldNeeds, strictJSON: strictJSON,
                                          maxRecordLength: maxLineLength)
        self.selector = selector
        self.services = services
        self.defaultService = descriptor.defaultService.map { services.intern($0) }
        self.reorderBound = reorderBound
    }

    /// Lines read that belong to a record counted at an earlier line (CSV header and
    /// continuation lines): `lines` counts records for such sources.
    private var absorbedLines: UInt64 = 0

    /// Accounting so far: bytes, lines, events, rejections, errors.
    @_spi(SeamStages) public var stats: SourceStats {
        var s = reader.stats
        s.lines -= absorbedLines
        if !rejections.isEmpty {
            if runsSnapshot.version != rejections.version {
                let services = self.services
                runsSnapshot = (rejections.version, rejections.runs { services.name($0) })
            }
            s.rejectionRuns = runsSnapshot.runs
            s.rejectionRunsCapped = rejections.capped
        }
        return s
    }

    /// True when the next step starts without waiting for input (`LineReader.hasBufferedLine`).
    @_spi(SeamStages) public var hasBufferedLine: Bool { reader.hasBufferedLine }

    /// The lower bound on times still to come, given disorder within the reorder bound; `.min`
    /// (nothing claimed) until the source has a trusted time.
    @_spi(SeamStages) public var lowerBound: Int64 {
        if ended { return .max }
        return claimedBound
    }

    /// `lowerBound` as if the source went on: what a stopped run (`watch` drained on a signal)
    /// may claim for a source that was not read to its end of input.
    @_spi(SeamStages) public var claimedBound: Int64 {
        if latestTime == .min { return .min }
        return latestTime.subtractingSaturating(reorderBound)
    }

    /// Reads up to `maxLines` lines, appending observations to `out`. Returns false at the end.
    ///
    /// With `untilDry`, stops early once no complete line is buffered (after at least one
    /// line): the next line would wait on the source, so what was read should be handed on now
    /// (a live pipe's findings are not held back, and a busy pipe still goes in large steps).
    @discardableResult
    @_spi(SeamStages) public func step(maxLines: Int, untilDry: Bool = false, into out: inout [Observation]) -> Bool {
        var marks: [StepMark] = []
        return step(maxLines: maxLines, untilDry: untilDry, into: &out, marks: &marks, markEvery: .max)
    }

    /// The step just taken as a `CursorStep` for another thread: `observations` and `marks`
    /// it made, its extents (taken), accounting and bounds.
    @_spi(SeamStages) public func finishStep(observations: [Observation], more: Bool) -> CursorStep {
        finishStep(observations: observations, marks: [], more: more)
    }

    func finishStep(observations: [Observation], marks: [StepMark], more: Bool) -> CursorStep {
        CursorStep(observations: observations, marks: marks, extents: takeExtents(), stats: stats,
                   disorderedEvents: disorderedEvents, maxLateness: maxLateness, lowerBound: lowerBound, more: more)
    }

    /// `step`, noting a `StepMark` after every `markEvery` lines (counts relative to `out`'s
    /// length on entry plus what it held then). O(1) per mark.
    @discardableResult
    func step(maxLines: Int, untilDry: Bool = false, into out: inout [Observation], marks: inout [StepMark],
              markEvery: Int) -> Bool {
        guard !ended else { return false }
        defer { if let reference { settle(with: reference) } }
        // The format was chosen once; this switch picks the loop specialized for it.
        switch decoder.take()! {
        case .records(var d):
            defer { decoder = .records(d) }
            return step(&d, maxLines: maxLines, untilDry: untilDry, into: &out, marks: &marks, markEvery: markEvery)
        case .table(var d):
            defer { decoder = .table(d) }
            return step(&d, maxLines: maxLines, untilDry: untilDry, into: &out, marks: &marks, markEvery: markEvery)
        }
    }

    /// The step loop for one record format: lines -> records -> observations and accounting.
    /// Lines a record absorbs (CSV header and continuation lines) do not count as lines:
    /// `lines` counts records for such sources.
    @inline(__always)
    private func step<F: RecordFormat>(_ format: inout F, maxLines: Int, untilDry: Bool, into out: inout [Observation],
                                       marks: inout [StepMark], markEvery: Int) -> Bool {
        let sourceIndex = Int32(descriptor.index)
        // Locals, so the per-line closure below captures no `self` (a capture of `self` cost a
        // retain and a release per line).
        let selector = self.selector, defaultService = self.defaultService
        var n = 0
        while n < maxLines {
            if n > 0 && n % markEvery == 0 { marks.append(StepMark(count: out.count, lowerBound: lowerBound)) }
            if untilDry && n > 0 && !reader.hasBufferedLine { return true }
            guard let item = reader.next() else {
                finishRecord(&format)
                ended = true
                reader.close()
                return false
            }
            n += 1
            switch item {
            case .rejected(let number, let reason):
                // Counted by the reader; a CSV record it interrupts is rejected too.
                finishRecord(&format)
                rejections.reject(reason, line: number)
                continue
            case .line(let number, let bytes):
                var time: Int64 = 0, service: Int32 = 0
                let outcome = format.decode(bytes, number: number, defaultService: defaultService) { record, line in
                    time = record.time
                    service = record.service
                    let position = InputPosition(source: sourceIndex, line: line)
                    selector.observations(in: record, position: position, into: &out)
                }
                switch outcome {
                case .event:
                    reader.stats.events += 1
                    noteEvent(time: time, service: service)
                case .rejected(let reason):
                    reader.stats.reject(reason, line: format.recordLine)
                    rejections.reject(reason, line: format.recordLine)
                case .pending:
                    absorbedLines += 1
                }
            }
        }
        return true
    }

    /// Ends a CSV record left open (by the end of input or a line the reader rejected).
    private func finishRecord<F: RecordFormat>(_ format: inout F) {
        guard let (reason, line) = format.finish() else { return }
        reader.stats.reject(reason, line: line)
        rejections.reject(reason, line: line)
        absorbedLines -= 1  // its first line was absorbed; the record now counts as one line
    }

    @inline(__always)
    private func noteEvent(time: Int64, service: Int32) {
        rejections.event(time: time, service: service)
        if firstTime == nil { firstTime = time }
        if time < minTime { minTime = time }
        if time > latestTime {
            // Clocks gone wrong: one event far ahead of everything its source showed so far
            // (a year ahead, a bad default) must not drag the watermark with it and close
            // everyone else's handoffs early. It stays an event; the source's latest time
            // follows only when a second event confirms the jump (a real gap in the logs).
            if latestTime == .min {
                noteUntrusted(time)
            } else if time > latestTime.addingSaturating(Self.clockJump) {
                if let held = heldJump, time >= held.subtractingSaturating(Self.clockJump) {
                    latestTime = time
                    heldJump = nil
                } else {
                    heldJump = time
                    clockJumps += 1
                }
            } else {
                latestTime = time
            }
        } else if time < latestTime.subtractingSaturating(reorderBound) {
            disorderedEvents += 1
            maxLateness = max(maxLateness, latestTime.subtractingSaturating(time))
        }
        let s = Int(service)
        if s >= extentMin.count {
            extentMin += Array(repeating: .max, count: s + 1 - extentMin.count)
            extentMax += Array(repeating: .min, count: s + 1 - extentMax.count)
        }
        if extentMin[s] == .max { touched.append(service) }
        if time < extentMin[s] { extentMin[s] = time }
        if time > extentMax[s] { extentMax[s] = time }
    }

    /// An event before the source has a trusted time: the first event meets the same clock-jump
    /// guard as any other, against what the other sources have shown (`reference`) or against
    /// the source's next event. Rare: only until the source's time is trusted.
    private func noteUntrusted(_ time: Int64) {
        let bound = Self.clockJump
        if let start = untrustedStart, time >= start.subtractingSaturating(bound),
           time <= start.addingSaturating(bound) {
            // A second event of its own agrees: trusted.
            latestTime = max(start, time)
            untrustedStart = nil
            return
        }
        if let held = heldJump, time >= held.subtractingSaturating(bound) {
            // Confirms a jump held earlier (the start before it was the stray one, or stale).
            latestTime = time
            heldJump = nil
            untrustedStart = nil
            return
        }
        let shown = reference?.latest ?? .min
        if shown != .min, time <= shown.addingSaturating(bound) {
            // Within the bound of what other sources have shown (or behind it: a source that
            // lags holds the watermark back, which is safe).
            if let start = untrustedStart, start > time.addingSaturating(bound) {
                heldJump = start  // the start ran far ahead of this one: a jump
                clockJumps += 1
            }
            latestTime = time
            untrustedStart = nil
            return
        }
        guard let start = untrustedStart else {
            untrustedStart = time
            return
        }
        clockJumps += 1
        if time < start {
            // The start ran far ahead of this event: it is the jump, this one the new start.
            heldJump = start
            untrustedStart = time
        } else {
            heldJump = time
        }
    }

    /// After a step (`watch`): trusts a start that other sources have since caught up with,
    /// and shows the source's trusted time to the others.
    private func settle(with reference: ClockReference) {
        if latestTime == .min, let start = untrustedStart {
            let shown = reference.latest
            if shown != .min, start <= shown.addingSaturating(Self.clockJump) {
                latestTime = start
                untrustedStart = nil
            }
        }
        if latestTime != .min { reference.raise(to: latestTime) }
    }

    /// Takes the extents gathered since the last call: (service, smallest, largest time).
    @_spi(SeamStages) public func takeExtents() -> [(service: Int32, first: Int64, last: Int64)] {
        var out: [(service: Int32, first: Int64, last: Int64)] = []
        out.reserveCapacity(touched.count)
        for s in touched {
            let i = Int(s)
            out.append((s, extentMin[i], extentMax[i]))
            extentMin[i] = .max
            extentMax[i] = .min
        }
        touched.removeAll(keepingCapacity: true)
        return out
    }

    /// Hands the extents gathered since the last flush to `coverage`.
    func flushCoverage(to coverage: CoverageTracker) {
        coverage.note(extents: takeExtents(), source: Int32(descriptor.index))
    }

    /// Releases the file and zlib state.
    @_spi(SeamStages) public func close() {
        reader.close()
    }
}
