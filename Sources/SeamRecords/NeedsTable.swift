/// `FieldConfig` and `FieldNeeds` compiled against one decoder's plan, in flat memory, for
/// `RecordStop`: when is a slot's value final, which slot decides time, service and event,
/// and which slots a record of a given service and event still needs.
///
/// Immutable after init; freed in `deinit`. Lookups by service and event are linear in the
/// services and event names that have needs (a handful), and are done once per line.
final class NeedsTable {
    /// A list of slots: `count` entries at `ints + offset`.
    struct List {
        var offset: Int32
        var count: Int32
    }

    /// Per slot: the span index of its nested alternate (dotted paths), or -1.
    let alternate: UnsafeMutablePointer<Int32>
    let time: List
    let service: List
    let event: List
    /// Without `FieldNeeds` (nil), every record needs every extra path: this list.
    let everyone: List?
    /// Pool of the lists' slots.
    let ints: UnsafeMutablePointer<Int32>
    /// Service and event names, UTF-8.
    let names: UnsafeMutablePointer<UInt8>
    let services: UnsafeMutablePointer<Service>
    let serviceCount: Int
    let events: UnsafeMutablePointer<Event>
    /// Needs of every service (`FieldNeeds` entries without a service): `services[serviceCount]`
    /// when present (its name is empty and never matched by name); what a record of a service
    /// with no entries of its own needs. Every named service's lists include them too.
    let hasAnyService: Bool

    struct Service {
        var name: List
        /// Slots needed whatever the event (also when the record has no event name).
        var otherwise: List
        /// Event names with needs: `events[firstEvent ..< firstEvent + eventCount]`.
        var firstEvent: Int32
        var eventCount: Int32
    }

    struct Event {
        var name: List
        /// The service's `otherwise` slots plus those of every event name agreeing with this one.
        var needs: List
        /// Whether the name is a decimal number (then other texts of equal value agree with it).
        var decimal: Bool
    }

    /// Compiles `needs` (nil: every record needs `extraSlots`). Every path of `needs` must be in
    /// `plan`. O(entries² + paths) once.
    init(plan: FieldPlan, config: FieldConfig, needs: FieldNeeds?, extraSlots: [Int]) {
        var pool: [Int32] = []
        var nameBytes: [UInt8] = []
        func list(_ slots: [Int]) -> List {
            var unique: [Int] = []
            for s in slots where !unique.contains(s) { unique.append(s) }
            let l = List(offset: Int32(pool.count), count: Int32(unique.count))
            pool += unique.map { Int32($0) }
            return l
        }
        func name(_ bytes: [UInt8]) -> List {
            let l = List(offset: Int32(nameBytes.count), count: Int32(bytes.count))
            nameBytes += bytes
            return l
        }
        func slot(_ p: FieldPath) -> Int {
            guard let s = plan.slot(for: p) else { preconditionFailure("needed field \(p) is not in the plan") }
            return s
        }

        var alt = [Int32](repeating: -1, count: plan.count)
        for k in 0..<plan.trie.alternateCount { alt[Int(plan.trie.alternateSlot[k])] = Int32(plan.count + k) }
        time = list(config.time.map(slot))
        service = list(config.service.map(slot))
        event = list(config.event.map(slot))
        everyone = needs == nil ? list(extraSlots) : nil

        // Group by service (exact bytes), then by event name (exact bytes).
        var serviceNames: [[UInt8]] = []
        var anyEvent: [[Int]] = []
        var eventNames: [[[UInt8]]] = []
        var eventSlots: [[[Int]]] = []
        // Entries for every service go to each named service and to a last, nameless one.
        let entries = needs?.entries ?? []
        let named = entries.filter { $0.service != nil }
        let everyService = entries.filter { $0.service == nil }
        var expanded: [(service: [UInt8]?, entry: FieldNeeds.Entry)] = named.map { (Array($0.service!.utf8), $0) }
        if !everyService.isEmpty {
            var names: [[UInt8]] = []
            for e in named where !names.contains(Array(e.service!.utf8)) { names.append(Array(e.service!.utf8)) }
            for n in names { expanded += everyService.map { (n, $0) } }
            expanded += everyService.map { (nil, $0) }
        }
        var anyIndex = -1
        for (service, e) in expanded {
            var si: Int
            if let sname = service {
                si = serviceNames.firstIndex(of: sname) ?? -1
            } else {
                si = anyIndex
            }
            if si < 0 {
                si = serviceNames.count
                if service == nil { anyIndex = si }
                serviceNames.append(service ?? [])
                anyEvent.append([])
                eventNames.append([])
                eventSlots.append([])
            }
            let slots = e.paths.map(slot)
            guard let ev = e.event else {
                anyEvent[si] += slots
                continue
            }
            let ename = Array(ev.utf8)
            if let ei = eventNames[si].firstIndex(of: ename) {
                eventSlots[si][ei] += slots
            } else {
                eventNames[si].append(ename)
                eventSlots[si].append(slots)
            }
        }
        var serviceList: [Service] = []
        var eventList: [Event] = []
        for si in serviceNames.indices {
            let first = eventList.count
            for (ei, ename) in eventNames[si].enumerated() {
                // A record's event agreeing with this name agrees with every name that agrees
                // with it (agreement is an equivalence: equal bytes, or equal decimal values),
                // so the first agreeing name's list holds all the record needs.
                var slots = anyEvent[si] + eventSlots[si][ei]
                for (ej, other) in eventNames[si].enumerated() where ej != ei {
                    let agree = ename.withUnsafeBytes { a in other.withUnsafeBytes { b in FieldValue.scalarTextsAgree(a, b) } }
                    if agree { slots += eventSlots[si][ej] }
                }
                let decimal = ename.withUnsafeBytes { DecimalText.Parsed($0) != nil }
                eventList.append(Event(name: name(ename), needs: list(slots), decimal: decimal))
            }
            serviceList.append(Service(name: name(serviceNames[si]), otherwise: list(anyEvent[si]),
                                       firstEvent: Int32(first), eventCount: Int32(eventList.count - first)))
        }

        alternate = .copying(alt)
        ints = .copying(pool)
        names = .copying(nameBytes)
        hasAnyService = anyIndex >= 0
        // The nameless one is last (added after every named one) and not counted, so no name
        // lookup ever finds it.
        serviceCount = serviceList.count - (anyIndex >= 0 ? 1 : 0)
        services = .copying(serviceList)
        events = .copying(eventList)
    }

    deinit {
        alternate.deallocate()
        ints.deallocate()
        names.deallocate()
        services.deallocate()
        events.deallocate()
    }

    /// The table's memory as plain pointers, for `RecordStop`: reading it takes no retain.
    /// Valid while this table lives.
    var lookup: Lookup {
        Lookup(names: UnsafePointer(names), services: UnsafePointer(services), serviceCount: serviceCount,
               events: UnsafePointer(events), anyService: hasAnyService ? serviceCount : -1)
    }

    /// The name of service `index` (UTF-8).
    @inline(__always)
    func name(service index: Int) -> UnsafeRawBufferPointer { lookup.name(service: index) }

    /// The by-name lookups on a `NeedsTable`'s memory, without a class reference. Names are
    /// compared inline (`ShortBytes`), lengths first.
    struct Lookup {
        let names: UnsafePointer<UInt8>
        let services: UnsafePointer<Service>
        let serviceCount: Int
        let events: UnsafePointer<Event>
        /// The index whose needs every service has (a service without entries of its own), or -1.
        let anyService: Int

        /// The name of service `index` (UTF-8).
        @inline(__always)
        func name(service index: Int) -> UnsafeRawBufferPointer {
            let n = services[index].name
            return UnsafeRawBufferPointer(start: names + Int(n.offset), count: Int(n.count))
        }

        /// The index of the service named `bytes` among those with needs, or -1. O(services).
        @inline(__always)
        func serviceIndex(_ bytes: UnsafeRawBufferPointer) -> Int {
            for i in 0..<serviceCount {
                let n = services[i].name
                if Int(n.count) == bytes.count
                    && (n.count == 0 || ShortBytes.equal(names + Int(n.offset), bytes.baseAddress!, bytes.count)) {
                    return i
                }
            }
            return -1
        }

        /// The slots a record of service `index` with event name `event` (nil: none) needs.
        /// O(event names of the service).
        @inline(__always)
        func needs(service index: Int, event: UnsafeRawBufferPointer?) -> List {
            let s = services[index]
            if let event {
                for e in Int(s.firstEvent)..<Int(s.firstEvent + s.eventCount) {
                    // `FieldValue.scalarTextsAgree`, without parsing when the name is no number.
                    let n = events[e].name
                    if Int(n.count) == event.count
                        && (n.count == 0 || ShortBytes.equal(names + Int(n.offset), event.baseAddress!, event.count)) {
                        return events[e].needs
                    }
                    if events[e].decimal
                        && DecimalText.equal(event, UnsafeRawBufferPointer(start: names + Int(n.offset), count: Int(n.count))) {
                        return events[e].needs
                    }
                }
            }
            return s.otherwise
        }
    }
}
