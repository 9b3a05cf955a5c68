@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
/// Stage two of a run split over many tasks (`seam correlate`, issue 17): judges one partition
/// of the observation rows, sorted by time, against the whole run's coverage, and gives a
/// `PartialSummary` for `Summary.merge`.
///
/// Every observation of one (handoff, key) is in one partition (`ObservationRow` hash), and
/// coverage and each rule's participants come from every source's account, so each verdict is
/// the one `seam check` gives. Rows must come in time order (ties in any order): the watermark
/// follows them, so memory is bounded by the partition's open handoffs. A row that does not
/// parse, or that runs back in time, is an error of the part (the merged run is incomplete),
/// never silently dropped.
public final class HandoffCorrelate {
    public let spec: HandoffSpec
    public let options: RunOptions
    private let services = ServiceTable(shared: false)
    private let correlator: Correlator
    private var lastTime: Int64?
    /// Rows read (well-formed or not).
    public private(set) var rows: UInt64 = 0
    public private(set) var errors: [InputError] = []
    private var malformed: UInt64 = 0
    private var backwards: UInt64 = 0
    private let origin: String

    /// - Parameters:
    ///   - accounts: every line of the run's coverage files.
    ///   - origin: where the rows come from, for errors (`-` for stdin).
    ///   - sink: gets each finding as it is decided (tests compare them with the oracle's).
    public init(spec: HandoffSpec, options: RunOptions = RunOptions(), accounts: [InputAccount], origin: String = "-",
                sink: FindingSink? = nil) {
        self.spec = spec
        self.options = options
        self.origin = origin
        let services = self.services
        let coverage = CoverageTracker()
        for a in accounts where a.kind == .source {
            let extents = a.extents.map { (service: services.intern($0.service), first: $0.first, last: $0.last) }
            coverage.note(extents: extents, source: Int32(a.index))
        }
        // Every source has been read whole: coverage is final before the first row.
        coverage.endAll()
        correlator = Correlator.make(spec: spec, options: options, services: services, coverage: coverage, sink: sink,
                                     batch: true)
        for a in accounts where a.kind == .source {
            for p in a.participants {
                correlator.noteParticipant(rule: p.rule, side: p.side == "send" ? .send : .receive,
                                           service: services.intern(p.service))
            }
        }
    }

    /// Takes one row (without its newline). O(log n + sends of its key).
    public func take(_ line: UnsafeRawBufferPointer) {
        rows += 1
        guard var r = ObservationRow.parse(line) else {
            malformed += 1
            return
        }
        guard spec.rules.indices.contains(Int(r.rule)) else {
            r.values.release()
            malformed += 1
            return
        }
        if let last = lastTime {
            if r.time < last {
                backwards += 1
            } else if r.time > last {
                // Every row before this one is at an earlier time: they are all given.
                correlator.advance(to: r.time - 1)
            }
        }
        lastTime = max(lastTime ?? r.time, r.time)
        let service = r.service.map { $0.withUnsafeBytes { services.intern(bytes: $0) } } ?? -1
        let peer = r.peer.map { $0.withUnsafeBytes { services.intern(bytes: $0) } } ?? -1
        correlator.observe(Observation(time: r.time, position: r.position, rule: r.rule, side: r.side,
                                       service: service, peer: peer, values: r.values))
    }

    /// Reads every row of `reader` (plain or gzip), then finishes.
    @_spi(SeamStages) public func run(reader: LineReader) {
        while let item = reader.next() {
            if case .line(_, let bytes) = item { take(bytes) }
        }
        errors += reader.stats.errors
    }

    /// End of the rows: resolves everything and gives the partial summary.
    public func finish(specText: String, specFile: String, partition: Int, partitions: Int) -> PartialSummary {
        correlator.finish()
        var errs = errors
        if malformed > 0 {
            errs.append(InputError(code: .unreadable, source: origin, offset: nil,
                                   message: "\(malformed) of \(rows) observation rows of partition \(partition) did not parse (cut short or not made by seam extract); their handoffs were not judged"))
        }
        if backwards > 0 {
            errs.append(InputError(code: .unreadable, source: origin, offset: nil,
                                   message: "\(backwards) observation rows of partition \(partition) came before an earlier row's time: the rows were not sorted by time, so verdicts near them may be wrong"))
        }
        return PartialSummary(spec: specText, specFile: specFile, partition: partition, partitions: partitions,
                              rows: rows - malformed, tallies: correlator.tallies, gaps: correlator.gaps, errors: errs)
    }
}
