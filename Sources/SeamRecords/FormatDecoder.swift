@_spi(SeamStages) import SeamCore

/// The `RecordFormat` of a source whose spec entry needs more than JSON/logfmt: text by pattern,
/// CSV with a header, Docker/CRI wrappers, a record inside a field, derived fields, a service
/// cut from a field, a time written in a layout. Produces the same `RecordView`s as
/// `RecordDecoder` (on the same plan, handed in, so slots agree with the matcher).
///
/// How: the line is copied into a `FieldTable`; its `FieldLayer` chain writes the fields'
/// decoded values after it (names resolved to table indices once, or at the CSV header); then
/// derived fields, time, service, and each wanted slot's span pointing into the table. Decoded
/// text never outgrows its raw form, so one layer needs at most its input's size again.
/// Per line: no allocation for CSV, Docker, CRI, JSON and logfmt layers; a regex (text pattern,
/// derived field, service regex) makes a String of the text it searches.
///
/// CSV records may span lines (a quoted field with line ends): `decode` then returns `.pending`
/// until the record is complete, and the record counts as one line, at its first line's number.
@_spi(SeamStages) public final class FormatDecoder: RecordFormat {
    @_spi(SeamStages) public let format: SourceFormat
    @_spi(SeamStages) public let plan: FieldPlan
    @_spi(SeamStages) public let config: FieldConfig
    @_spi(SeamStages) public let services: ServiceTable
    /// Longest record (CSV joins lines) before it is rejected `malformed`.
    @_spi(SeamStages) public var maxRecordLength = 1 << 20

    private let table = FieldTable()
    /// The layer chain of a line (or, for CSV, of a record's columns); nil: CSV columns only.
    private let layer: (any FieldLayer)?
    private let derived: [(field: DerivedField, from: Int, to: Int)]
    /// Plan slot -> table index (-1 = never present).
    private var slotField: [Int] = []
    private var timeFields: [Int] = []
    private var serviceFields: [Int] = []
    private var eventSlots: [(slot: Int, field: Int)] = []
    private let spans: UnsafeMutablePointer<FieldSpan>
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096

    // CSV framing: records over lines, the header naming the columns.
    private let isCSV: Bool
    private let csv = CSVRecordScanner()
    private var csvRanges: [(start: Int32, count: Int32)] = []
    private var columns: [Int]?  // table index per column, once the header was read
    private var pending: [UInt8] = []
    private var pendingLine: UInt64 = 0
    /// The line number of the last record given to `body` or rejected (its first line).
    @_spi(SeamStages) public private(set) var recordLine: UInt64 = 0

    /// Reads `format` into views on `plan` (`FieldPlan(config:extraPaths:)`, built once by the
    /// caller and shared with the observation selector).
    @_spi(SeamStages) public init(format: SourceFormat, plan: FieldPlan, config: FieldConfig, services: ServiceTable) {
        self.format = format
        self.config = config
        self.services = services
        self.plan = plan
        // Names the spec reads beyond the plan: time, service, derive sources, inner fields.
        var extra: [FieldPath] = []
        if let t = format.time { extra.append(FieldPath(t.field)) }
        if case .field(let f, _) = format.service { extra.append(FieldPath(f)) }
        for d in format.derive { extra.append(FieldPath(d.from)) }
        var l: FormatLayer? = format.layer
        while let each = l { if let i = each.inner { extra.append(FieldPath(i.field)) }; l = each.inner?.layer }
        let layerPlan = FieldPlan(paths: plan.paths + extra)
        spans = .allocate(capacity: max(1, plan.count))
        spans.initialize(repeating: .absent, count: max(1, plan.count))
        scratch = .allocate(capacity: scratchCapacity)

        // Fixed names first (plan paths, then every layer's, then derived names).
        for p in layerPlan.paths { _ = table.index(of: p.text) }
        layer = format.layer.makeLayer(table: table, plan: layerPlan, outer: true)
        let table = self.table
        derived = format.derive.map { ($0, table.index(of: $0.from), table.index(of: $0.field)) }
        if case .csv = format.layer.kind { isCSV = true } else { isCSV = false; columns = [] }
        resolve()
    }

    /// The same, planning `config` and `extraPaths` itself (tests, `seam discover`).
    @_spi(SeamStages) public convenience init(format: SourceFormat, config: FieldConfig, extraPaths: [FieldPath], services: ServiceTable) {
        self.init(format: format, plan: FieldPlan(config: config, extraPaths: extraPaths), config: config,
                  services: services)
    }

    deinit {
        scratch.deallocate()
        spans.deallocate()
    }

    @_spi(SeamStages) public func slot(for path: FieldPath) -> Int? { plan.slot(for: path) }

    /// Maps plan slots and the time/service/event lists to table indices (after names change).
    private func resolve() {
        slotField = plan.paths.map { table.existingIndex(of: $0.text) ?? -1 }
        if let t = format.time {
            timeFields = [table.existingIndex(of: t.field)!]
        } else {
            timeFields = config.time.compactMap { table.existingIndex(of: $0.text) }
        }
        if case .field(let f, _) = format.service {
            serviceFields = [table.existingIndex(of: f)!]
        } else {
            serviceFields = config.service.compactMap { table.existingIndex(of: $0.text) }
        }
        eventSlots = config.event.compactMap { p in plan.slot(for: p).flatMap { s in slotField[s] >= 0 ? (s, slotField[s]) : nil } }
    }

    /// Decodes line `number`; calls `body` for an event (see `RecordFormat`).
    @_spi(SeamStages) public func decode(_ line: UnsafeRawBufferPointer, number: UInt64, defaultService: Int32?,
                       _ body: (RecordView, UInt64) -> Void) -> RecordOutcome {
        table.reset()
        if isCSV {
            if let early = frameCSV(line, number: number) { return early }
        } else {
            recordLine = number
            table.load(line)
        }
        if let layer, !layer.decode(table, start: 0, count: table.used) { return .rejected(.malformed) }
        return finishRecord(defaultService: defaultService, body)
    }

    /// CSV: joins `line` to a record left open, scans the record into columns; the outcome
    /// when there is no record to finish yet (continued, header, malformed).
    private func frameCSV(_ line: UnsafeRawBufferPointer, number: UInt64) -> RecordOutcome? {
        var recordNumber = number
        if !pending.isEmpty {
            pending.append(0x0A)
            pending.append(contentsOf: line)
            recordNumber = pendingLine
        }
        let outcome: CSVRecordScanner.Outcome = pending.isEmpty ? scanCSV(line) : pending.withUnsafeBytes { scanCSV($0) }
        switch outcome {
        case .incomplete:
            if pending.isEmpty { pending.append(contentsOf: line); pendingLine = number }
            if pending.count > maxRecordLength {
                pending.removeAll()
                recordLine = pendingLine
                return .rejected(.malformed)
            }
            return .pending
        case .malformed:
            pending.removeAll()
            recordLine = recordNumber
            return .rejected(.malformed)
        case .fields(let n):
            pending.removeAll(keepingCapacity: pending.count < 65_536)
            recordLine = recordNumber
            guard let columns else {
                readHeader(n)
                return .pending
            }
            for (c, f) in columns.enumerated() where c < n {
                table.set(f, Int(csvRanges[c].start), Int(csvRanges[c].count))
            }
            return nil
        }
    }

    /// Every field the last decoded record holds (pattern groups, CSV columns, Docker/CRI
    /// fields, derived fields; of a JSON/logfmt layer only the planned paths): index in the
    /// decoder's name table (stable for the decoder's life), name and decoded value. Valid until
    /// the next `decode`. For `seam discover`, which reads every field, not a plan's.
    @_spi(SeamStages) public func forEachField(_ body: (_ index: Int, _ name: String, _ value: UnsafeRawBufferPointer) -> Void) {
        table.forEachPresent(body)
    }

    /// A record left open at the end of input (a CSV quote never closed): its rejection and
    /// first line number.
    @_spi(SeamStages) public func finish() -> (reason: RejectReason, line: UInt64)? {
        guard !pending.isEmpty else { return nil }
        pending.removeAll()
        recordLine = pendingLine
        return (.malformed, pendingLine)
    }

    private func scanCSV(_ record: UnsafeRawBufferPointer) -> CSVRecordScanner.Outcome {
        table.ensure(record.count)
        var ranges = csvRanges
        csvRanges = []
        let base = table.used
        let outcome = csv.scan(record, into: table.work + base, ranges: &ranges)
        if case .fields = outcome {
            for k in ranges.indices { ranges[k].start += Int32(base) }
            if let last = ranges.last { table.advance(to: Int(last.start + last.count)) }
        }
        csvRanges = ranges
        return outcome
    }

    private func readHeader(_ n: Int) {
        var cols: [Int] = []
        for c in 0..<n {
            var name = String(decoding: UnsafeRawBufferPointer(start: table.work + Int(csvRanges[c].start),
                                                               count: Int(csvRanges[c].count)), as: UTF8.self)
            if c == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
            cols.append(table.index(of: name.trimmingSpaces))
        }
        columns = cols
        resolve()
    }

    /// Derived fields, time, service, spans; then `body`.
    private func finishRecord(defaultService: Int32?, _ body: (RecordView, UInt64) -> Void) -> RecordOutcome {
        for d in derived {
            guard let text = table.bytes(d.from) else { continue }
            if let c = d.field.capture(in: text) { table.set(d.to, table.start(d.from) + c.start, c.count) }
        }
        var time: Int64?
        for f in timeFields {
            guard let b = table.bytes(f), b.count > 0 else { continue }
            let parsed: Int64?
            if let layout = format.time?.layout { parsed = layout.parse(b) } else { parsed = Timestamp.parse(b, isNumber: false) }
            guard let t = parsed else { return .rejected(.badTime) }
            time = t
            break
        }
        guard let time else { return .rejected(.noTime) }

        var service = defaultService
        switch format.service {
        case .name(let n)?:
            service = services.intern(n)
        case .field(_, let pattern)?:
            if let f = serviceFields.first, let b = table.bytes(f), b.count > 0 {
                if let pattern {
                    if let c = DerivedField.capture(pattern, named: "service", in: b), c.count > 0 {
                        service = services.intern(bytes: UnsafeRawBufferPointer(rebasing: b[c.start..<(c.start + c.count)]))
                    }
                } else {
                    service = services.intern(bytes: b)
                }
            }
        case nil:
            for f in serviceFields {
                guard let b = table.bytes(f), b.count > 0 else { continue }
                service = services.intern(bytes: b)
                break
            }
        }
        guard let service else { return .rejected(.noService) }

        for s in 0..<plan.count {
            let f = slotField[s]
            spans[s] = f >= 0 && table.isPresent(f)
                ? FieldSpan(start: Int32(table.start(f)), count: Int32(table.count(f)), kind: .string, escaped: false) : .absent
        }
        var eventSlot: Int?
        for e in eventSlots where table.isPresent(e.field) {
            eventSlot = e.slot
            break
        }
        let used = table.used
        if used > scratchCapacity {
            scratch.deallocate()
            while scratchCapacity < used { scratchCapacity *= 2 }
            scratch = .allocate(capacity: scratchCapacity)
        }
        body(RecordView(line: UnsafeRawBufferPointer(start: table.work, count: used), time: time, service: service,
                        eventSlot: eventSlot, spans: spans, slotCount: plan.count, scratch: scratch), recordLine)
        return .event
    }
}
