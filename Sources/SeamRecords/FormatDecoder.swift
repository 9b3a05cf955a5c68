import SeamCore

/// Decodes one source whose spec entry needs more than JSON/logfmt detection: text by pattern,
/// CSV with a header, Docker/CRI wrappers, a record inside a field, derived fields, a service
/// cut from a field, a time written in a layout. Produces the same `RecordView`s as
/// `RecordDecoder` (same plan, so slots agree with the matcher).
///
/// How: the line is copied into a work buffer; each layer writes its fields' decoded values
/// after it and notes (start, count) per field name (names resolved to indices once, or at the
/// CSV header). The view's "line" is that buffer and each wanted slot's span points into it.
/// Decoded text never outgrows its raw form, so one layer needs at most its input's size again.
/// Per line: no allocation for CSV, Docker, CRI, JSON and logfmt layers; a regex (text pattern,
/// derived field, service regex) makes a String of the text it searches.
///
/// CSV records may span lines (a quoted field with line ends): `decode` then returns `.pending`
/// until the record is complete, and the record counts as one line, at its first line's number.
public final class FormatDecoder {
    public enum Outcome: Equatable {
        /// `body` was called once with the record (at line `line`).
        case event
        case rejected(RejectReason)
        /// The line was kept as part of a record that continues (CSV), or was the CSV header:
        /// it is neither an event nor a rejection, and does not count as a line.
        case pending
    }

    public let format: SourceFormat
    public let plan: FieldPlan
    public let config: FieldConfig
    public let services: ServiceTable
    /// Longest record (CSV joins lines) before it is rejected `malformed`.
    public var maxRecordLength = 1 << 20

    // Field table: names -> index; per line each index has a (start, count) or is absent.
    private var names: [String] = []
    private var index: [String: Int] = [:]
    private var starts: [Int32] = []
    private var counts: [Int32] = []  // -1 = absent
    /// Plan slot -> field index (-1 = never present).
    private var slotField: [Int] = []
    private var timeFields: [Int] = []
    private var serviceFields: [Int] = []
    private var eventSlots: [(slot: Int, field: Int)] = []

    // Buffers.
    private var work: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var used = 0
    private let spans: UnsafeMutablePointer<FieldSpan>
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    // Scanners for JSON/logfmt layers and Docker, with the plan extended by names the spec reads.
    private var json: JSONFieldScanner
    private let logfmt: LogfmtScanner
    private let layerPlan: FieldPlan
    private let layerSpans: UnsafeMutablePointer<FieldSpan>
    private var docker: JSONFieldScanner
    private let dockerSpans: UnsafeMutablePointer<FieldSpan>
    private var autoFormat: RecordDecoder.Format?

    // CSV state.
    private let csv = CSVRecordScanner()
    private var csvRanges: [(start: Int32, count: Int32)] = []
    private var columns: [Int]?  // field index per column, once the header was read
    private var pending: [UInt8] = []
    private var pendingLine: UInt64 = 0
    /// The line number of the last record given to `body` (its first line).
    public private(set) var recordLine: UInt64 = 0

    public init(format: SourceFormat, config: FieldConfig, extraPaths: [FieldPath], services: ServiceTable) {
        self.format = format
        self.config = config
        self.services = services
        let base = RecordDecoder(config: config, extraPaths: extraPaths, services: services)
        plan = base.plan
        // Names the spec reads beyond the plan: time, service, derive sources, inner fields.
        var extra: [FieldPath] = []
        if let t = format.time { extra.append(FieldPath(t.field)) }
        if case .field(let f, _) = format.service { extra.append(FieldPath(f)) }
        for d in format.derive { extra.append(FieldPath(d.from)) }
        var layer: FormatLayer? = format.layer
        while let l = layer { if let i = l.inner { extra.append(FieldPath(i.field)) }; layer = l.inner?.layer }
        layerPlan = FieldPlan(paths: plan.paths + extra)
        json = JSONFieldScanner(plan: layerPlan)
        logfmt = LogfmtScanner(plan: layerPlan)
        layerSpans = .allocate(capacity: layerPlan.spanCapacity)
        layerSpans.initialize(repeating: .absent, count: layerPlan.spanCapacity)
        let dockerPlan = FieldPlan(paths: ["log", "stream", "time"])
        docker = JSONFieldScanner(plan: dockerPlan)
        dockerSpans = .allocate(capacity: dockerPlan.spanCapacity)
        dockerSpans.initialize(repeating: .absent, count: dockerPlan.spanCapacity)
        spans = .allocate(capacity: max(1, plan.count))
        spans.initialize(repeating: .absent, count: max(1, plan.count))
        capacity = 4096
        work = .allocate(capacity: capacity)
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)

        // Fixed names first (plan paths, then every layer's and derived names).
        for p in layerPlan.paths { _ = fieldIndex(p.text) }
        layer = format.layer
        while let l = layer { for n in l.fixedNames { _ = fieldIndex(n) }; layer = l.inner?.layer }
        for d in format.derive { _ = fieldIndex(d.field) }
        if case .csv = format.layer.kind {} else { columns = [] }
        resolve()
    }

    deinit {
        work.deallocate()
        scratch.deallocate()
        spans.deallocate()
        layerSpans.deallocate()
        dockerSpans.deallocate()
    }

    public func slot(for path: FieldPath) -> Int? { plan.slot(for: path) }

    private func fieldIndex(_ name: String) -> Int {
        if let i = index[name] { return i }
        index[name] = names.count
        names.append(name)
        starts.append(0)
        counts.append(-1)
        return names.count - 1
    }

    /// Maps plan slots and the time/service/event lists to field indices (after names change).
    private func resolve() {
        slotField = plan.paths.map { index[$0.text] ?? -1 }
        if let t = format.time { timeFields = [index[t.field]!] } else { timeFields = config.time.compactMap { index[$0.text] } }
        if case .field(let f, _) = format.service { serviceFields = [index[f]!] } else { serviceFields = config.service.compactMap { index[$0.text] } }
        eventSlots = config.event.compactMap { p in plan.slot(for: p).flatMap { s in slotField[s] >= 0 ? (s, slotField[s]) : nil } }
    }

    private func ensure(_ extra: Int) {
        guard used + extra > capacity else { return }
        var c = capacity
        while c < used + extra { c *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        bigger.update(from: work, count: used)
        work.deallocate()
        work = bigger
        capacity = c
    }

    private func set(_ field: Int, _ start: Int, _ count: Int) {
        guard counts[field] < 0 else { return }  // the first (outer) value wins
        starts[field] = Int32(start)
        counts[field] = Int32(count)
    }

    private func bytes(_ field: Int) -> UnsafeRawBufferPointer? {
        guard counts[field] >= 0 else { return nil }
        return UnsafeRawBufferPointer(start: work + Int(starts[field]), count: Int(counts[field]))
    }

    /// Decodes one line (numbered `number`); calls `body` for an event.
    public func decode(_ line: UnsafeRawBufferPointer, number: UInt64, defaultService: Int32?,
                       _ body: (RecordView) -> Void) -> Outcome {
        for i in counts.indices { counts[i] = -1 }
        used = 0
        var recordNumber = number

        if case .csv = format.layer.kind {
            if !pending.isEmpty {
                pending.append(0x0A)
                pending.append(contentsOf: line)
                recordNumber = pendingLine
            }
            let source = pending.isEmpty ? line : UnsafeRawBufferPointer(start: nil, count: 0)
            let outcome: CSVRecordScanner.Outcome = pending.isEmpty
                ? scanCSV(source)
                : pending.withUnsafeBytes { scanCSV($0) }
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
                if columns == nil {
                    readHeader(n)
                    return .pending
                }
                guard let columns else { return .rejected(.malformed) }
                for (c, f) in columns.enumerated() where c < n {
                    set(f, Int(csvRanges[c].start), Int(csvRanges[c].count))
                }
            }
        } else {
            recordLine = number
            ensure(line.count)
            if let b = line.baseAddress { work.update(from: b.assumingMemoryBound(to: UInt8.self), count: line.count) }
            used = line.count
            guard decodeLayer(format.layer, start: 0, count: line.count) else { return .rejected(.malformed) }
        }
        // Inner records of the outer layer (CSV's inner is handled here; others in decodeLayer).
        if case .csv = format.layer.kind, let inner = format.layer.inner {
            guard decodeInner(inner) else { return .rejected(.malformed) }
        }
        return finishRecord(defaultService: defaultService, body)
    }

    /// Every field the last decoded record holds (pattern groups, CSV columns, Docker/CRI
    /// fields, derived fields; of a JSON/logfmt layer only the planned paths): index in the
    /// decoder's name table (stable for the decoder's life), name and decoded value. Valid until
    /// the next `decode`. For `seam discover`, which reads every field, not a plan's.
    public func forEachField(_ body: (_ index: Int, _ name: String, _ value: UnsafeRawBufferPointer) -> Void) {
        for i in names.indices where counts[i] >= 0 {
            body(i, names[i], UnsafeRawBufferPointer(start: work + Int(starts[i]), count: Int(counts[i])))
        }
    }

    /// A record left open at the end of input (a CSV quote never closed): its rejection.
    public func finish() -> RejectReason? {
        guard !pending.isEmpty else { return nil }
        pending.removeAll()
        recordLine = pendingLine
        return .malformed
    }

    /// The first line number of the record `finish()` rejected.
    public var finishedLine: UInt64 { pendingLine }

    private func scanCSV(_ record: UnsafeRawBufferPointer) -> CSVRecordScanner.Outcome {
        ensure(record.count)
        var ranges = csvRanges
        csvRanges = []
        let outcome = csv.scan(record, into: work + used, ranges: &ranges)
        if case .fields = outcome {
            for k in ranges.indices { ranges[k].start += Int32(used) }
            var end = used
            if let last = ranges.last { end = Int(last.start + last.count) }
            used = max(used, end)
        }
        csvRanges = ranges
        return outcome
    }

    private func readHeader(_ n: Int) {
        var cols: [Int] = []
        for c in 0..<n {
            var name = String(decoding: UnsafeRawBufferPointer(start: work + Int(csvRanges[c].start), count: Int(csvRanges[c].count)), as: UTF8.self)
            if c == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
            cols.append(fieldIndex(name.trimmingSpaces))
        }
        columns = cols
        resolve()
    }

    /// Decodes `layer` from work[start..<start+count]; false when malformed.
    private func decodeLayer(_ layer: FormatLayer, start: Int, count: Int) -> Bool {
        switch layer.kind {
        case .csv:
            return false  // only as the outer format (it needs a header)
        case .text(let pattern):
            guard let m = pattern.match(UnsafeRawBufferPointer(start: work + start, count: count)) else { return false }
            for (k, g) in m.groups.enumerated() {
                if let g { set(index[pattern.names[k]]!, start + g.start, g.count) }
            }
        case .docker:
            guard decodeDocker(start: start, count: count) else { return false }
        case .cri:
            guard decodeCRI(start: start, count: count) else { return false }
        case .auto, .json, .logfmt:
            guard decodeFields(layer.kind, start: start, count: count) else { return false }
        }
        if let inner = layer.inner { return decodeInner(inner) }
        return true
    }

    private func decodeInner(_ inner: InnerRecord) -> Bool {
        guard let f = index[inner.field], counts[f] >= 0 else { return false }
        return decodeLayer(inner.layer, start: Int(starts[f]), count: Int(counts[f]))
    }

    /// JSON or logfmt: every wanted scalar becomes a field named by its path (decoded).
    private func decodeFields(_ kind: FormatLayer.Kind, start: Int, count: Int) -> Bool {
        ensure(count)
        let text = UnsafeRawBufferPointer(start: work + start, count: count)
        var kind = kind
        if kind == .auto {
            if let f = autoFormat {
                kind = f == .json ? .json : .logfmt
            } else {
                var i = 0
                while i < count, work[start + i] == 0x20 || work[start + i] == 0x09 { i += 1 }
                kind = i < count && work[start + i] == UInt8(ascii: "{") ? .json : .logfmt
            }
        }
        if kind == .json {
            guard json.scan(text, into: layerSpans) != .malformed else { return false }
            if format.layer.kind == .auto { autoFormat = .json }
        } else {
            guard logfmt.scan(text, into: layerSpans) else { return false }
            if format.layer.kind == .auto { autoFormat = .logfmt }
        }
        for (s, p) in layerPlan.paths.enumerated() where layerSpans[s].isScalar {
            copyScalar(layerSpans[s], base: start, to: index[p.text]!)
        }
        return true
    }

    /// Copies a scanned scalar (unescaping a string) to the end of the work buffer as `field`.
    private func copyScalar(_ span: FieldSpan, base: Int, to field: Int) {
        let src = work + base + Int(span.start)
        let at = used
        switch span.kind {
        case .true, .false:
            let t: StaticString = span.kind == .true ? "true" : "false"
            ensure(t.utf8CodeUnitCount)
            (work + at).update(from: t.utf8Start, count: t.utf8CodeUnitCount)
            used += t.utf8CodeUnitCount
        default:
            // `ensure` was called for the layer's whole input, so `src` stays valid here.
            let n = span.escaped ? EscapedText.decode(src, count: Int(span.count), into: work + at)
                                 : { (work + at).update(from: src, count: Int(span.count)); return Int(span.count) }()
            used += n
        }
        set(field, at, used - at)
    }

    private func decodeDocker(start: Int, count: Int) -> Bool {
        ensure(count + 16)
        let text = UnsafeRawBufferPointer(start: work + start, count: count)
        guard docker.scan(text, into: dockerSpans) != .malformed else { return false }
        let fields = ["log", "stream", "time"]
        for (s, name) in fields.enumerated() where dockerSpans[s].isScalar {
            copyScalar(dockerSpans[s], base: start, to: index[name]!)
        }
        // The app line without the newline Docker keeps at its end.
        let log = index["log"]!
        guard counts[log] >= 0 else { return false }
        if counts[log] > 0, work[Int(starts[log] + counts[log]) - 1] == 0x0A { counts[log] -= 1 }
        if counts[log] > 0, work[Int(starts[log] + counts[log]) - 1] == 0x0D { counts[log] -= 1 }
        return true
    }

    private func decodeCRI(start: Int, count: Int) -> Bool {
        var i = start
        let end = start + count
        var bounds: [Int] = []
        bounds.reserveCapacity(3)
        while bounds.count < 3, i < end {
            if work[i] == 0x20 { bounds.append(i) }
            i += 1
        }
        if bounds.count == 2 { bounds.append(end) }  // `<time> <stream> <flag>` and an empty line
        guard bounds.count == 3 else { return false }
        set(index["time"]!, start, bounds[0] - start)
        set(index["stream"]!, bounds[0] + 1, bounds[1] - bounds[0] - 1)
        set(index["flags"]!, bounds[1] + 1, bounds[2] - bounds[1] - 1)
        let logStart = min(bounds[2] + 1, end)
        set(index["log"]!, logStart, end - logStart)
        return true
    }

    /// Derived fields, time, service, spans; then `body`.
    private func finishRecord(defaultService: Int32?, _ body: (RecordView) -> Void) -> Outcome {
        for d in format.derive {
            guard let f = index[d.from], let text = bytes(f) else { continue }
            if let c = d.capture(in: text) { set(index[d.field]!, Int(starts[f]) + c.start, c.count) }
        }
        var time: Int64?
        for f in timeFields {
            guard let b = bytes(f), b.count > 0 else { continue }
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
            if let f = serviceFields.first, let b = bytes(f), b.count > 0 {
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
                guard let b = bytes(f), b.count > 0 else { continue }
                service = services.intern(bytes: b)
                break
            }
        }
        guard let service else { return .rejected(.noService) }

        for s in 0..<plan.count {
            let f = slotField[s]
            spans[s] = f >= 0 && counts[f] >= 0
                ? FieldSpan(start: starts[f], count: counts[f], kind: .string, escaped: false) : .absent
        }
        var eventSlot: Int?
        for e in eventSlots where counts[e.field] >= 0 {
            eventSlot = e.slot
            break
        }
        if used > scratchCapacity {
            scratch.deallocate()
            while scratchCapacity < used { scratchCapacity *= 2 }
            scratch = .allocate(capacity: scratchCapacity)
        }
        body(RecordView(line: UnsafeRawBufferPointer(start: work, count: used), time: time, service: service,
                        eventSlot: eventSlot, spans: spans, slotCount: plan.count, scratch: scratch))
        return .event
    }
}
