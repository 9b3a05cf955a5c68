@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput

/// Gathers one source's rejected lines into `RejectionRun`s placed by the events around them,
/// for `SourceCursor` (which sees every line, event or rejection, in line order).
///
/// Bounded: rejections since the last event are one open run per reason (at most 7); closed
/// runs are at most `cap`: past it, the two adjacent runs of one reason whose merged span is
/// the narrowest merge (O(cap), no allocation), and `capped` is set. Per event: one branch and
/// two stores when no run is open. A run holds its services inline (no allocation per run):
/// a file whose every other line is rejected costs about 1 us more per rejected line (release,
/// measured: 87k such lines, 0.57 -> 0.65 s CPU; a clean 100 MB corpus: no difference).
@_spi(SeamStages) public struct RejectionTracker {
    /// Most closed runs kept per source.
    @_spi(SeamStages) public static let cap = 64

    /// Up to 4 distinct service ids, inline.
    struct Services: Equatable {
        private var ids: (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        private(set) var count = 0

        init() {}
        init(_ id: Int32?) { if let id { insert(id) } }

        subscript(i: Int) -> Int32 {
            switch i {
            case 0: return ids.0
            case 1: return ids.1
            case 2: return ids.2
            default: return ids.3
            }
        }

        func contains(_ id: Int32) -> Bool {
            for i in 0..<count where self[i] == id { return true }
            return false
        }

        /// Adds `id` unless present or full.
        mutating func insert(_ id: Int32) {
            guard !contains(id), count < 4 else { return }
            switch count {
            case 0: ids.0 = id
            case 1: ids.1 = id
            case 2: ids.2 = id
            default: ids.3 = id
            }
            count += 1
        }

        static func == (a: Services, b: Services) -> Bool {
            a.count == b.count && (0..<a.count).allSatisfy { a[$0] == b[$0] }
        }
    }

    struct Run {
        var reason: RejectReason
        var count: UInt64
        var firstLine: UInt64
        var lastLine: UInt64
        var earliest: Int64?
        var latest: Int64?
        /// Neighbours' service ids, distinct, at most 4.
        var services: Services
    }

    /// Runs since the last event (their `earliest`/`latest` hold the event before only).
    private(set) var open: [Run] = []
    private(set) var closed: [Run] = []
    private(set) var capped = false
    private var lastTime: Int64?
    private var lastService: Int32?
    /// Changes whenever the runs do, so a snapshot of them can be reused until then.
    private(set) var version = 0

    var isEmpty: Bool { open.isEmpty && closed.isEmpty }

    /// A rejected line (blank lines are not kept).
    mutating func reject(_ reason: RejectReason, line: UInt64) {
        guard reason != .blank else { return }
        version &+= 1
        for i in open.indices where open[i].reason == reason {
            open[i].count += 1
            open[i].firstLine = min(open[i].firstLine, line)
            open[i].lastLine = max(open[i].lastLine, line)
            return
        }
        open.append(Run(reason: reason, count: 1, firstLine: line, lastLine: line, earliest: lastTime, latest: lastTime,
                        services: Services(lastService)))
    }

    /// An event: closes the open runs (this is their next neighbour) and becomes the last one.
    @inline(__always)
    mutating func event(time: Int64, service: Int32) {
        if !open.isEmpty { close(time: time, service: service) }
        lastTime = time
        lastService = service
    }

    private mutating func close(time: Int64, service: Int32) {
        version &+= 1
        for var r in open {
            r.earliest = min(r.earliest ?? time, time)
            r.latest = max(r.latest ?? time, time)
            r.services.insert(service)
            // Runs of one reason and service whose spans overlap (a source out of time order) are
            // one run; runs that only touch at the event between them stay apart.
            if let last = closed.lastIndex(where: { $0.reason == r.reason }), closed[last].services == r.services,
               let le = closed[last].latest, let re = r.earliest, re < le {
                Self.merge(&closed[last], r)
            } else {
                closed.append(r)
            }
        }
        open.removeAll(keepingCapacity: true)
        while closed.count > Self.cap { mergeNarrowest() }
    }

    /// Merges two runs of one reason, adjacent in that reason's line order, whose merged span
    /// is the narrowest (ties: the earliest pair): spans stay about even in width, so every
    /// part of the source keeps about the same precision. O(cap), one 8-entry array (a merge
    /// runs only once a source has more than `cap` runs: not worth unsafe memory).
    private mutating func mergeNarrowest() {
        capped = true
        var last = [Int](repeating: -1, count: 8)
        var best = (i: -1, j: -1, width: Int64.max)
        for j in closed.indices {
            let k = Self.ordinal(closed[j].reason)
            let i = last[k]
            last[k] = j
            guard i >= 0 else { continue }
            let lo = min(closed[i].earliest ?? .max, closed[j].earliest ?? .max)
            let hi = max(closed[i].latest ?? .min, closed[j].latest ?? .min)
            let width = lo == .max ? 0 : hi.subtractingSaturating(lo)
            if width < best.width || best.i < 0 { best = (i, j, width) }
        }
        guard best.i >= 0 else {
            closed.removeFirst()  // cannot happen: more runs than reasons
            return
        }
        let r = closed.remove(at: best.j)
        Self.merge(&closed[best.i], r)
    }

    @inline(__always)
    private static func ordinal(_ r: RejectReason) -> Int {
        switch r {
        case .blank: return 0
        case .malformed: return 1
        case .noTime: return 2
        case .badTime: return 3
        case .noService: return 4
        case .tooLong: return 5
        case .binary: return 6
        case .truncated: return 7
        }
    }

    private static func merge(_ a: inout Run, _ b: Run) {
        a.count += b.count
        a.firstLine = min(a.firstLine, b.firstLine)
        a.lastLine = max(a.lastLine, b.lastLine)
        if let e = b.earliest { a.earliest = min(a.earliest ?? e, e) }
        if let l = b.latest { a.latest = max(a.latest ?? l, l) }
        for k in 0..<b.services.count { a.services.insert(b.services[k]) }
    }

    /// The runs so far, closed then open, with service names.
    func runs(names: (Int32) -> String) -> [RejectionRun] {
        (closed + open).map { r in
            RejectionRun(reason: r.reason, count: r.count, firstLine: r.firstLine, lastLine: r.lastLine,
                         earliest: r.earliest, latest: r.latest, services: (0..<r.services.count).map { names(r.services[$0]) })
        }
    }
}
