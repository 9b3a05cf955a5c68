@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
import SeamSpec

/// The one-pass state of `seam discover`: every (service, event) seen, with its fields and their
/// sketches. Fed record by record (`observe`), in any order of sources and times: nothing in it
/// depends on order but the first record of each name (which only fixes display order).
///
/// Memory is bounded whatever the input: at most `maxServices` services (more are counted, not
/// kept), `maxEventsPerService` events per service (the rest share an overflow event),
/// `EventNode.maxFields` fields per event, and `maxSketches` key sketches in all (a field past
/// the budget is counted but no key candidate; the evidence says so). With the defaults the
/// sketches hold at most ~60 MiB; real logs use a small part of it, since fields with few
/// distinct values keep small sketches and text, numbers and times drop theirs.
final class DiscoveryCollector {
    static let maxServices = 512
    static let maxEventsPerService = 200
    static let maxSketches = 4096

    private let structuralNames: Set<String>
    private(set) var nodes: [EventNode] = []
    private var nodeIndex: [NodeKey: Int] = [:]
    private var eventsPerService: [String: Int] = [:]
    private var overflowNode: [String: Int] = [:]
    private(set) var sketchesMade = 0
    private(set) var fieldsWithoutSketch = 0
    private(set) var servicesDropped: Set<String> = []
    private(set) var recordsDropped: UInt64 = 0
    private var serviceNames: [Int32: String] = [:]

    struct NodeKey: Hashable {
        var service: Int32
        var event: UInt64
    }

    /// `structuralNames`: the time, service and event field names (no key is one of them).
    init(structuralNames: Set<String>) {
        self.structuralNames = structuralNames
    }

    /// The event node for a record of `service` with event value `event` (from field
    /// `eventField`), made on first sight.
    func node(service: Int32, serviceName: () -> String, event: UnsafeRawBufferPointer?, eventField: String?) -> Int? {
        var hash: UInt64 = 0
        var freeText = false
        if let event, let b = event.baseAddress {
            let p = b.assumingMemoryBound(to: UInt8.self)
            freeText = MessageTemplate.isFreeText(p, event.count)
            hash = freeText ? MessageTemplate.hash(p, event.count) : ValueHash.hash(p, event.count)
        }
        let key = NodeKey(service: service, event: hash)
        if let n = nodeIndex[key] { return n }
        let name: String
        if let known = serviceNames[service] {
            name = known
        } else {
            name = serviceName()
            serviceNames[service] = name
        }
        let events = eventsPerService[name, default: 0]
        if events == 0 && eventsPerService.count >= Self.maxServices {
            servicesDropped.insert(name)
            recordsDropped += 1
            return nil
        }
        let nodeName: EventNode.Name
        if events >= Self.maxEventsPerService {
            if let o = overflowNode[name] {
                nodeIndex[key] = o
                return o
            }
            nodeName = .overflow
        } else if let event, let b = event.baseAddress {
            let p = b.assumingMemoryBound(to: UInt8.self)
            if freeText {
                let words = MessageTemplate.words(p, event.count)
                var tokens = 0, i = 0
                while i < event.count {
                    while i < event.count, MessageTemplate.isSpace(p[i]) { i += 1 }
                    if i < event.count { tokens += 1 }
                    while i < event.count, !MessageTemplate.isSpace(p[i]) { i += 1 }
                }
                nodeName = .template(words, cut: tokens > MessageTemplate.maxTokens)
            } else {
                nodeName = .literal(String(decoding: event, as: UTF8.self))
            }
        } else {
            nodeName = .none
        }
        let node = EventNode(service: name, name: nodeName, eventField: nodeName == .overflow || nodeName == .none ? nil : eventField)
        nodes.append(node)
        let index = nodes.count - 1
        nodeIndex[key] = index
        eventsPerService[name] = events + 1
        if nodeName == .overflow { overflowNode[name] = index }
        return index
    }

    /// One record: its node (from `node(...)`), time, and the fields found by `walker`.
    @inline(__always)
    func observe(node index: Int, time: Int64, walker: FieldWalker, scratch: UnsafeMutablePointer<UInt8>) {
        let node = nodes[index]
        node.noteRecord(time: time)
        guard node.name != .overflow else { return }
        let n = walker.count
        let fields = walker.fields
        // Field indices, through the event's last layout when the record repeats it.
        let sameLayout = node.layoutHashes.count == n && {
            for k in 0..<n where node.layoutHashes[k] != fields[k].nameHash { return false }
            return true
        }()
        if !sameLayout {
            node.layoutHashes.removeAll(keepingCapacity: true)
            node.layoutIndices.removeAll(keepingCapacity: true)
            for k in 0..<n {
                let h = fields[k].nameHash
                var idx = node.field(hash: h)
                if idx == nil {
                    let name = walker.name(k)
                    let sketched = sketchesMade < Self.maxSketches
                    idx = node.addField(hash: h, name: name, structural: structuralNames.contains(name), sketched: sketched)
                    if let i = idx {
                        if node.fields[i].sketch != nil { sketchesMade += 1 } else if !node.fields[i].structural { fieldsWithoutSketch += 1 }
                    }
                }
                node.layoutHashes.append(h)
                node.layoutIndices.append(idx ?? -1)
            }
        }
        var inserted: [(field: Int, slot: Int)] = []
        for k in 0..<n {
            let fi = node.layoutIndices[k]
            guard fi >= 0 else { continue }
            let f = fields[k]
            guard f.kind != .composite else { continue }
            let stats = node.fields[fi]
            let (p, c) = valueBytes(f, scratch: scratch)
            guard stats.note(p, c, isNumber: f.kind == .number) else { continue }
            let h = ValueHash.hash(p, c)
            if let slot = stats.sketch!.offer(h, time: time) {
                inserted.append((fi, slot))
            }
        }
        // Digests of the record's first fields for the values just kept (agree fields).
        if !inserted.isEmpty {
            var digest = [UInt16](repeating: 0, count: KeySketch.digestWidth)
            for k in 0..<n {
                let fi = node.layoutIndices[k]
                guard fi >= 0, fields[k].kind != .composite else { continue }
                let slot = node.fields[fi].digestSlot
                guard slot >= 0 else { continue }
                let (p, c) = valueBytes(fields[k], scratch: scratch)
                let h = ValueHash.value(p, c)
                digest[slot] = UInt16(truncatingIfNeeded: h >> 48) | 1
            }
            for (fi, slot) in inserted {
                for d in 0..<KeySketch.digestWidth where digest[d] != 0 {
                    node.fields[fi].sketch!.setDigest(slot: slot, field: d, digest[d])
                }
            }
        }
    }

    /// The value's bytes (decoded into `scratch` when escaped; `true` for a bare logfmt key).
    @inline(__always)
    private func valueBytes(_ f: WalkedField, scratch: UnsafeMutablePointer<UInt8>)
        -> (UnsafePointer<UInt8>, Int) {
        if f.kind == .bool && f.valueCount == 0 {
            scratch.initialize(from: Array("true".utf8), count: 4)
            return (UnsafePointer(scratch), 4)
        }
        let p = f.value
        if f.escaped {
            let c = EscapedText.decode(p, count: Int(f.valueCount), into: scratch)
            return (UnsafePointer(scratch), c)
        }
        return (p, Int(f.valueCount))
    }

    /// Approximate bytes held by the sketches.
    var sketchBytes: Int {
        nodes.reduce(0) { sum, n in sum + n.fields.reduce(0) { $0 + ($1.sketch?.bytes ?? 0) } }
    }
}
