@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
import SeamSpec

/// Reads sources for discovery, one after another, through Seam's own readers and decoders
/// (`LineReader`: files, folders, stdin, gzip; `RecordDecoder` / `FormatDecoder` as the spec's
/// `sources:` say), so every line is an event or a counted rejection exactly as in `check`.
/// Every field of each event then goes to the `DiscoveryCollector` (`FieldWalker` for JSON and
/// logfmt lines, the decoder's field table for the other formats).
///
/// Sources need no time order here: the collector's state does not depend on it. Memory: one
/// reader's buffers at a time, plus the collector.
final class DiscoveryReader {
    let spec: HandoffSpec
    let maxLineLength: Int
    let services = ServiceTable(shared: false)
    let collector: DiscoveryCollector
    private let walker = FieldWalker()
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    init(spec: HandoffSpec, maxLineLength: Int) {
        self.spec = spec
        self.maxLineLength = maxLineLength
        var structural = Set(spec.fields.time.map(\.text) + spec.fields.service.map(\.text) + spec.fields.event.map(\.text))
        for s in spec.sources {
            if let t = s.time { structural.insert(t.field) }
            if case .field(let f, _)? = s.service { structural.insert(f) }
        }
        collector = DiscoveryCollector(structuralNames: structural)
        scratchCapacity = 1 << 16
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit { scratch.deallocate() }

    private func ensureScratch(_ n: Int) {
        guard n > scratchCapacity else { return }
        scratch.deallocate()
        while scratchCapacity < n { scratchCapacity *= 2 }
        scratch = .allocate(capacity: scratchCapacity)
    }

    /// Reads one source whole; returns its accounting (lines = events + rejections).
    func read(_ descriptor: SourceDescriptor, progress: ((UInt64) -> Void)? = nil) -> SourceStats {
        let reader = LineReader(source: descriptor, maxLineLength: maxLineLength)
        defer { reader.close() }
        let format = spec.format(for: descriptor.displayName)
        let defaultService = descriptor.defaultService.map { services.intern($0) }
        var absorbed: UInt64 = 0
        let plan = FieldPlan(config: spec.fields, extraPaths: [])
        switch SourceDecoder.make(for: format, plan: plan, config: spec.fields, extraPaths: [], services: services,
                                  maxRecordLength: maxLineLength) {
        case .table(let decoder):
            var nameCache: [(hash: UInt64, bytes: [UInt8], name: String)] = []
            let (walkOuter, outerJSON, innerFields) = Self.structuredText(decoder.format)
            while let item = reader.next() {
                switch item {
                case .rejected:
                    if let r = decoder.finish() { reader.stats.reject(r.reason, line: r.line); absorbed -= 1 }
                case .line(let number, let bytes):
                    ensureScratch(bytes.count * 2 + 64)
                    let outcome = decoder.decode(bytes, number: number, defaultService: defaultService) { record, _ in
                        walker.reset()
                        // JSON or logfmt text (the line, or a field holding an inner record):
                        // every field of it, not only those the decoder planned.
                        if walkOuter { walk(bytes, json: outerJSON) }
                        decoder.forEachField { index, name, value in
                            while nameCache.count <= index { nameCache.append((0, [], "")) }
                            if nameCache[index].hash == 0 {
                                let b = Array(name.utf8)
                                nameCache[index] = (b.withUnsafeBytes { ValueHash.hash($0) }, b, name)
                            }
                            if innerFields.contains(name) { walk(value, json: nil) }
                            nameCache[index].bytes.withUnsafeBytes {
                                walker.add(nameHash: nameCache[index].hash, name: $0, value: value)
                            }
                        }
                        var eventValue: UnsafeRawBufferPointer?
                        var eventField: String?
                        if let slot = record.eventSlot {
                            eventValue = record.withScalarBytes(slot) { $0 }
                            eventField = decoder.plan.paths[slot].text
                        } else {
                            (eventValue, eventField) = fallbackEvent()
                        }
                        observe(record, eventValue: eventValue, eventField: eventField)
                    }
                    switch outcome {
                    case .event: reader.stats.events += 1
                    case .rejected(let r): reader.stats.reject(r, line: decoder.recordLine)
                    case .pending: absorbed += 1
                    }
                }
                progress?(reader.stats.bytesIn)
            }
            if let r = decoder.finish() { reader.stats.reject(r.reason, line: r.line); absorbed -= 1 }
        case .records(var decoder):
            var lines = 0
            while let item = reader.next() {
                guard case .line(_, let bytes) = item else { continue }  // counted by the reader
                ensureScratch(bytes.count + 64)
                let reason = decoder.decode(bytes, defaultService: defaultService) { record in
                    // An event's line shows the syntax the decoder read it in (a forced syntax
                    // rejects lines of the other one).
                    let line = record.line
                    walker.reset()
                    if RecordSyntax.detect(line) == .json { walker.walkJSON(line) } else { walker.walkLogfmt(line) }
                    var eventValue: UnsafeRawBufferPointer?
                    var eventField: String?
                    if let slot = record.eventSlot {
                        eventValue = record.withScalarBytes(slot) { $0 }
                        eventField = plan.paths[slot].text
                        // An escaped event value was decoded into the view's scratch, which the
                        // field walk below does not touch.
                    } else {
                        (eventValue, eventField) = fallbackEvent()
                    }
                    observe(record, eventValue: eventValue, eventField: eventField)
                }
                if let reason {
                    reader.stats.reject(reason, line: item.number)
                } else {
                    reader.stats.events += 1
                }
                lines += 1
                if lines & 1023 == 0 { progress?(reader.stats.bytesIn) }
            }
        }
        var stats = reader.stats
        stats.lines -= absorbed
        return stats
    }

    /// Which text of a formatted record is JSON or logfmt: the line itself (and whether it is
    /// JSON: nil = detect), and the fields that hold an inner JSON/logfmt record.
    static func structuredText(_ format: SourceFormat) -> (outer: Bool, json: Bool?, inner: Set<String>) {
        func structured(_ k: FormatLayer.Kind) -> (Bool, Bool?) {
            switch k {
            case .json: return (true, true)
            case .logfmt: return (true, false)
            case .auto: return (true, nil)
            default: return (false, nil)
            }
        }
        let (outer, json) = structured(format.layer.kind)
        var inner = Set<String>()
        var layer: FormatLayer? = format.layer
        while let l = layer, let i = l.inner {
            if structured(i.layer.kind).0 { inner.insert(i.field) }
            layer = i.layer
        }
        return (outer, json, inner)
    }

    /// Walks JSON (`json` true, or nil and it starts with `{`) or logfmt text into the walker.
    private func walk(_ text: UnsafeRawBufferPointer, json: Bool?) {
        var isJSON = json ?? false
        if json == nil {
            var i = 0
            while i < text.count, text[i] == 0x20 || text[i] == 0x09 { i += 1 }
            isJSON = i < text.count && text[i] == UInt8(ascii: "{")
        }
        if isJSON { walker.walkJSON(text) } else { walker.walkLogfmt(text) }
    }

    /// The first of `EventNode.textFields` the record holds, as its event.
    private func fallbackEvent() -> (UnsafeRawBufferPointer?, String?) {
        for name in EventNode.textFields {
            let h = Self.textFieldHashes[name]!
            for k in 0..<walker.count where walker.fields[k].nameHash == h && walker.fields[k].kind == .string
                && !walker.fields[k].escaped {
                let f = walker.fields[k]
                return (UnsafeRawBufferPointer(start: f.value, count: Int(f.valueCount)), name)
            }
        }
        return (nil, nil)
    }

    private static let textFieldHashes: [String: UInt64] = Dictionary(
        uniqueKeysWithValues: EventNode.textFields.map { ($0, ValueHash.hash($0)) })

    @inline(__always)
    private func observe(_ record: RecordView, eventValue: UnsafeRawBufferPointer?, eventField: String?) {
        let services = self.services
        guard let node = collector.node(service: record.service, serviceName: { services.name(record.service) },
                                        event: eventValue, eventField: eventField) else { return }
        collector.observe(node: node, time: record.time, walker: walker, scratch: scratch)
    }
}
