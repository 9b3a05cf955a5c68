import SeamCore
import SeamInput

/// Gathers one source's rejected lines into `RejectionRun`s placed by the events around them,
/// for `SourceCursor` (which sees every line, event or rejection, in line order).
///
/// Bounded: rejections since the last event are one open run per reason (at most 7); closed
/// runs are at most `cap`: past it, the two runs of one reason nearest in time merge (O(cap)),
/// and `capped` is set. Per event: one branch and two stores when no run is open.
package struct RejectionTracker {
    /// Most closed runs kept per source.
    package static let cap = 64

    struct Run {
        var reason: RejectReason
        var count: UInt64
        var firstLine: UInt64
        var lastLine: UInt64
        var earliest: Int64?
        var latest: Int64?
        /// Neighbours' service ids, distinct, at most 4.
        var services: [Int32]
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
        if let i = open.firstIndex(where: { $0.reason == reason }) {
            open[i].count += 1
            open[i].firstLine = min(open[i].firstLine, line)
            open[i].lastLine = max(open[i].lastLine, line)
            return
        }
        open.append(Run(reason: reason, count: 1, firstLine: line, lastLine: line, earliest: lastTime, latest: lastTime,
                        services: lastService.map { [$0] } ?? []))
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
            if !r.services.contains(service) { r.services.append(service) }
            // Runs of one reason and service that the events between leave no time apart are
            // one run.
            if let last = closed.lastIndex(where: { $0.reason == r.reason }), closed[last].services == r.services,
               let le = closed[last].latest, let re = r.earliest, re <= le {
                Self.merge(&closed[last], r)
            } else {
                closed.append(r)
            }
        }
        open.removeAll(keepingCapacity: true)
        while closed.count > Self.cap { mergeNearest() }
    }

    /// Merges the two runs of one reason nearest in time (adjacent in that reason's line order).
    private mutating func mergeNearest() {
        capped = true
        var lastOf: [RejectReason: Int] = [:]
        var best: (i: Int, j: Int, gap: Int64)?
        for j in closed.indices {
            let reason = closed[j].reason
            if let i = lastOf[reason] {
                let gap = max(0, (closed[j].earliest ?? .max).subtractingSaturating(closed[i].latest ?? .min))
                if best == nil || gap < best!.gap { best = (i, j, gap) }
            }
            lastOf[reason] = j
        }
        guard let (i, j, _) = best else {
            closed.removeFirst()  // cannot happen: more runs than reasons
            return
        }
        let r = closed.remove(at: j)
        Self.merge(&closed[i], r)
    }

    private static func merge(_ a: inout Run, _ b: Run) {
        a.count += b.count
        a.firstLine = min(a.firstLine, b.firstLine)
        a.lastLine = max(a.lastLine, b.lastLine)
        a.earliest = [a.earliest, b.earliest].compactMap { $0 }.min()
        a.latest = [a.latest, b.latest].compactMap { $0 }.max()
        for s in b.services where !a.services.contains(s) && a.services.count < 4 { a.services.append(s) }
    }

    /// The runs so far, closed then open, with service names.
    func runs(names: (Int32) -> String) -> [RejectionRun] {
        (closed + open).map {
            RejectionRun(reason: $0.reason, count: $0.count, firstLine: $0.firstLine, lastLine: $0.lastLine,
                         earliest: $0.earliest, latest: $0.latest, services: $0.services.map(names))
        }
    }
}
