@_spi(SeamStages) import SeamCore

/// The `RecordFormat` of JSON lines and logfmt: one source's lines into events (`RecordView`)
/// or rejections: syntax, fields, time, service. The hot path: spans point straight into the line.
///
/// One decoder per source: unless a spec's `format:` forced it, it detects the syntax with
/// `RecordSyntax.detect` from the first line that is not all whitespace (`{` first: JSON lines,
/// kept at once; else logfmt, kept once a line holds a `k=v` pair; else the line is malformed
/// and detection waits for the next line). A later line in the
/// other format is then malformed (a JSON source's logfmt line fails JSON; a logfmt source's
/// JSON line has a `"` in its first key). A leading UTF-8 byte order mark is skipped (the
/// view's `line` then starts after it).
///
/// Fields (SEMANTICS.md): time, service and event are each the first field of their
/// `FieldConfig` list that is present with a scalar value (list order, not record order;
/// objects, arrays and nulls are skipped). Rejection precedence: `malformed`, then `no-time` or
/// `bad-time` (exclusive: the first present scalar time field decides, it never falls through),
/// then `no-service` (a service field, else `defaultService`).
///
/// JSON lines: by default a line is read only until its outcome is decided (`RecordStop`): time,
/// service and event, then the fields `needs` names for that service and event (without
/// `needs`: every extra path). The unread rest is only checked to end in `}` (after trailing
/// whitespace), which catches truncated lines; other damage there goes unnoticed. Events,
/// rejections, time, service, event and the needed slots are exactly those of a full scan; the
/// view's other slots may then read absent. With `strictJSON`, every line is validated whole.
///
/// Per line: no allocation (spans and scratch are reused; a new service name allocates once).
@_spi(SeamStages) public struct RecordDecoder: RecordFormat {
    @_spi(SeamStages) public let plan: FieldPlan
    @_spi(SeamStages) public let config: FieldConfig
    @_spi(SeamStages) public let services: ServiceTable
    /// The format: detected (nil until a line showed it), or forced before the first line by a
    /// spec's `format: json` / `format: logfmt`, which then skips detection altogether (a
    /// non-JSON banner line of a JSON source is `malformed`, not taken as logfmt).
    @_spi(SeamStages) public var format: RecordSyntax?
    /// Validate every JSON line whole instead of stopping once its outcome is decided.
    @_spi(SeamStages) public var strictJSON = false
    /// Every record is one line: the last line decoded.
    @_spi(SeamStages) public private(set) var recordLine: UInt64 = 0

    private let timeSlots: [Int]
    private let serviceSlots: [Int]
    private let eventSlots: [Int]
    private let json: JSONFieldScanner
    private let logfmt: LogfmtScanner
    private var storage: DecoderBuffers
    /// Kept here so that `stop`'s unowned reference stays valid.
    private let needsTable: NeedsTable
    private var stop: RecordStop
    /// The default service last seen and its index in `needsTable` (-1: needs nothing).
    private var lastDefault: Int32 = -1
    private var lastDefaultNeeds = -1
    /// Service id per `needsTable` service once interned (-1 before): a line whose service
    /// `stop` already matched by name skips hashing it again.
    private var serviceIDs: [Int32]
    /// Service names this source used lately (most lines repeat one of a few).
    private var recent = ServiceCache()
    /// The last time's date and second (most lines repeat it).
    private var times = TimestampCache()

    /// Plans `config`'s time, service and event paths, then `extraPaths` (keys, predicates,
    /// agree fields), deduplicated: `slot(for:)` finds any of them. `needs` says which of them a
    /// record needs, by service and event (its paths must be among these); nil: all of
    /// `extraPaths`, in every record.
    @_spi(SeamStages) public init(config: FieldConfig, extraPaths: [FieldPath], services: ServiceTable, needs: FieldNeeds? = nil) {
        self.init(plan: FieldPlan(config: config, extraPaths: extraPaths), config: config, extraPaths: extraPaths,
                  services: services, needs: needs)
    }

    /// The same on a plan already built (`FieldPlan(config:extraPaths:)` of the same
    /// arguments, e.g. the observation selector's), so that slots agree by construction.
    @_spi(SeamStages) public init(plan: FieldPlan, config: FieldConfig, extraPaths: [FieldPath], services: ServiceTable,
                needs: FieldNeeds? = nil) {
        self.plan = plan
        self.config = config
        self.services = services
        timeSlots = config.time.map { plan.slot(for: $0)! }
        serviceSlots = config.service.map { plan.slot(for: $0)! }
        eventSlots = config.event.map { plan.slot(for: $0)! }
        json = JSONFieldScanner(plan: plan)
        logfmt = LogfmtScanner(plan: plan)
        storage = DecoderBuffers(spanCapacity: plan.spanCapacity, scan: json.makeBuffers())
        needsTable = NeedsTable(plan: plan, config: config, needs: needs,
                                extraSlots: extraPaths.map { plan.slot(for: $0)! })
        stop = RecordStop(table: needsTable)
        serviceIDs = Array(repeating: -1, count: needsTable.serviceCount)
    }

    @_spi(SeamStages) public func slot(for path: FieldPath) -> Int? { plan.slot(for: path) }

    /// Decodes `line` (without its line end). For an event, calls `body` exactly once and returns
    /// nil; else returns the rejection without calling `body`. `defaultService` (from
    /// `--service` or the file name) is used when no service field is present.
    @_spi(SeamStages) public mutating func decode(_ line: UnsafeRawBufferPointer, defaultService: Int32?,
                                _ body: (RecordView) -> Void) -> RejectReason? {
        // Value semantics: a copy of this decoder gets memory of its own on first use.
        if !isKnownUniquelyReferenced(&storage) {
            storage = DecoderBuffers(spanCapacity: plan.spanCapacity, scan: json.makeBuffers())
        }
        let buffers = storage
        let spans = buffers.spans
        guard line.baseAddress != nil, line.count > 0 else { return .malformed }
        var line = line
        // A UTF-8 byte order mark (first line of some files) is not part of the record.
        if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeRawBufferPointer(rebasing: line[3...])
            guard line.count > 0 else { return .malformed }
        }

        let fmt: RecordSyntax
        if let f = format {
            fmt = f
        } else {
            guard let f = RecordSyntax.detect(line) else { return .malformed }
            fmt = f
            if fmt == .json { format = .json }
        }
        let scratch = buffers.scratch(capacity: line.count)
        switch fmt {
        case .json where strictJSON:
            var never = NeverStop()
            if json.scan(line, into: spans, buffers: buffers.scan, stop: &never) == .malformed { return .malformed }
        case .json:
            stop.begin(line: line, scratch: scratch, defaultIndex: needsIndex(defaultService))
            switch json.scan(line, into: spans, buffers: buffers.scan, stop: &stop) {
            case .malformed: return .malformed
            case .stoppedEarly: if !JSONFieldScanner.endsWithClosingBrace(line) { return .malformed }
            case .complete: break
            }
        case .logfmt:
            guard logfmt.scan(line, into: spans) else { return .malformed }
            format = .logfmt
        }

        var time: Int64?
        for s in timeSlots where spans[s].isScalar {
            let parsed = RecordView.withScalarBytes(spans[s], line: line, scratch: scratch) {
                times.parse($0, isNumber: spans[s].kind == .number)
            }
            guard let t = parsed ?? nil else { return .badTime }
            time = t
            break
        }
        guard let time else { return .noTime }

        var service = defaultService
        let matched = fmt == .json && !strictJSON ? stop.serviceMatch : -1
        if matched >= 0 {
            // The same name the loop below would intern (the stop decided it from final values).
            if serviceIDs[matched] < 0 { serviceIDs[matched] = services.intern(bytes: needsTable.name(service: matched)) }
            service = serviceIDs[matched]
        } else {
            for s in serviceSlots where spans[s].isScalar {
                service = RecordView.withScalarBytes(spans[s], line: line, scratch: scratch) { recent.id(of: $0, in: services) }
                break
            }
        }
        guard let service else { return .noService }

        var eventSlot: Int?
        for s in eventSlots where spans[s].isScalar {
            eventSlot = s
            break
        }
        body(RecordView(line: line, time: time, service: service, eventSlot: eventSlot,
                        spans: spans, slotCount: plan.count, scratch: scratch,
                        needsNothingMore: fmt == .json && !strictJSON && stop.needsNothing))
        return nil
    }

    /// `RecordFormat`: the line is the record; `body` gets the event, else the rejection.
    @inline(__always)
    @_spi(SeamStages) public mutating func decode(_ line: UnsafeRawBufferPointer, number: UInt64, defaultService: Int32?,
                                _ body: (RecordView, UInt64) -> Void) -> RecordOutcome {
        recordLine = number
        if let reason = decode(line, defaultService: defaultService, { body($0, number) }) { return .rejected(reason) }
        return .event
    }

    /// Nothing spans lines here.
    @_spi(SeamStages) public func finish() -> (reason: RejectReason, line: UInt64)? { nil }

    /// `RecordStop`'s index of the default service `id`: -2 for none, -1 when nothing is
    /// needed of its records. Cached: a source's default service does not change.
    @inline(__always)
    private mutating func needsIndex(_ id: Int32?) -> Int {
        guard let id else { return -2 }
        if id != lastDefault {
            lastDefault = id
            lastDefaultNeeds = -1
            for i in 0..<needsTable.serviceCount where services.id(bytes: needsTable.name(service: i)) == id {
                lastDefaultNeeds = i
                break
            }
        }
        return lastDefaultNeeds
    }
}
