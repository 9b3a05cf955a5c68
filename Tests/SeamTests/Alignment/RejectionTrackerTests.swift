import XCTest

@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// Rejected lines gathered into runs placed by the events around them (issue 14, "findings know
/// their neighbourhood"): against a brute-force placement, bounded, nothing lost when merged.
final class RejectionTrackerTests: XCTestCase {
    func testRunsArePlacedByTheirNeighbours() {
        var t = RejectionTracker()
        t.reject(.malformed, line: 1)  // before any event
        t.event(time: 100, service: 0)
        t.reject(.noTime, line: 3)
        t.reject(.blank, line: 4)  // never part of a run
        t.reject(.noTime, line: 5)
        t.reject(.malformed, line: 6)
        t.event(time: 200, service: 1)
        t.event(time: 300, service: 1)
        t.reject(.noTime, line: 9)  // after the last event
        let runs = t.runs { ["gateway", "orders"][Int($0)] }
        XCTAssertEqual(runs, [
            RejectionRun(reason: .malformed, count: 1, firstLine: 1, lastLine: 1, earliest: 100, latest: 100, services: ["gateway"]),
            RejectionRun(reason: .noTime, count: 2, firstLine: 3, lastLine: 5, earliest: 100, latest: 200,
                         services: ["gateway", "orders"]),
            RejectionRun(reason: .malformed, count: 1, firstLine: 6, lastLine: 6, earliest: 100, latest: 200,
                         services: ["gateway", "orders"]),
            RejectionRun(reason: .noTime, count: 1, firstLine: 9, lastLine: 9, earliest: 300, latest: 300, services: ["orders"]),
        ])
        XCTAssertFalse(t.capped)
    }

    func testNoEventAtAllLeavesRunsUnplaced() {
        var t = RejectionTracker()
        for line in 1...5 { t.reject(.noService, line: UInt64(line)) }
        XCTAssertEqual(t.runs { _ in "x" },
                       [RejectionRun(reason: .noService, count: 5, firstLine: 1, lastLine: 5, earliest: nil, latest: nil, services: [])])
    }

    /// Random sequences of events and rejections: while under the cap each run is exactly the
    /// brute-force one (consecutive rejected lines of one reason between two events, joined with
    /// the previous run of its reason when their spans overlap); past it, the count is
    /// kept, the runs stay at most `cap` and every rejected line lies in some run of its reason
    /// whose span holds its neighbours' times.
    func testAgainstBruteForceAndBounded() {
        var rng = SeededRandom(seed: 7)
        for round in 0..<200 {
            var t = RejectionTracker()
            var lines: [(reason: RejectReason?, time: Int64)] = []  // nil reason: an event
            var clock: Int64 = 0
            let n = Int.random(in: 1...(round < 100 ? 60 : 2_000), using: &rng)
            for i in 1...n {
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    let reason = [RejectReason.malformed, .noTime, .badTime, .blank][Int.random(in: 0..<4, using: &rng)]
                    t.reject(reason, line: UInt64(i))
                    lines.append((reason, 0))
                } else {
                    clock += Int64.random(in: 0...2, using: &rng)
                    t.event(time: clock, service: 0)
                    lines.append((nil, clock))
                }
            }
            let runs = t.runs { _ in "s" }
            let expected = lines.filter { $0.reason != nil && $0.reason != .blank }.count
            XCTAssertEqual(runs.reduce(0) { $0 + $1.count }, UInt64(expected), "round \(round)")
            XCTAssertLessThanOrEqual(runs.count, RejectionTracker.cap + 4)
            // Every rejected line: its neighbours' times lie in a run of its reason holding its line.
            for (i, l) in lines.enumerated() {
                guard let reason = l.reason, reason != .blank else { continue }
                let before = lines[..<i].last { $0.reason == nil }?.time
                let after = lines[(i + 1)...].first { $0.reason == nil }?.time
                let holding = runs.filter {
                    $0.reason == reason && $0.firstLine <= UInt64(i + 1) && UInt64(i + 1) <= $0.lastLine
                }
                XCTAssertFalse(holding.isEmpty, "round \(round): line \(i + 1) in no run")
                for time in [before, after].compactMap({ $0 }) {
                    XCTAssertTrue(holding.contains { ($0.earliest ?? .max) <= time && time <= ($0.latest ?? .min) },
                                  "round \(round): line \(i + 1)'s neighbour at \(time) outside its run")
                }
            }
            if !t.capped {
                // Under the cap: the runs are exactly the maximal groups (brute force).
                var groups: [RejectionRun] = []
                var open: [RejectReason: RejectionRun] = [:]
                var order: [RejectReason] = []
                var last: Int64?
                func close(_ time: Int64?) {
                    for r in order {
                        var run = open[r]!
                        if let time { run.earliest = min(run.earliest ?? time, time); run.latest = max(run.latest ?? time, time) }
                        if let k = groups.lastIndex(where: { $0.reason == r }), let le = groups[k].latest, let re = run.earliest,
                           re < le, time != nil {
                            groups[k].count += run.count
                            groups[k].lastLine = run.lastLine
                            groups[k].latest = max(le, run.latest!)
                        } else {
                            groups.append(run)
                        }
                    }
                    open = [:]
                    order = []
                }
                for (i, l) in lines.enumerated() {
                    if let reason = l.reason {
                        guard reason != .blank else { continue }
                        if open[reason] == nil {
                            open[reason] = RejectionRun(reason: reason, count: 0, firstLine: UInt64(i + 1), lastLine: 0,
                                                        earliest: last, latest: last, services: last == nil ? [] : ["s"])
                            order.append(reason)
                        }
                        open[reason]!.count += 1
                        open[reason]!.lastLine = UInt64(i + 1)
                    } else {
                        close(l.time)
                        last = l.time
                    }
                }
                let tail = order.map { open[$0]! }
                groups = groups.map { var g = $0; g.services = ["s"]; return g } + tail
                XCTAssertEqual(runs.map(\.count), groups.map(\.count), "round \(round)")
                XCTAssertEqual(runs.map(\.firstLine), groups.map(\.firstLine), "round \(round)")
                XCTAssertEqual(runs.map(\.earliest), groups.map(\.earliest), "round \(round)")
                XCTAssertEqual(runs.map(\.latest), groups.map(\.latest), "round \(round)")
            }
        }
    }

    /// Every other line rejected: one run per line until the cap, then merged into runs of about
    /// even width (none swallows the source), counts kept.
    func testCapMergesEvenlyAndSaysSo() {
        var t = RejectionTracker()
        for i in 0..<6_400 {
            t.event(time: Int64(i) * 10, service: 0)
            t.reject(i % 2 == 0 ? .noTime : .malformed, line: UInt64(2 * i + 2))
        }
        t.event(time: 64_000, service: 0)
        let runs = t.runs { _ in "s" }
        XCTAssertTrue(t.capped)
        XCTAssertLessThanOrEqual(runs.count, RejectionTracker.cap)
        XCTAssertEqual(runs.reduce(0) { $0 + $1.count }, 6_400)
        XCTAssertEqual(runs.filter { $0.reason == .noTime }.reduce(0) { $0 + $1.count }, 3_200)
        let widths = runs.map { $0.latest! - $0.earliest! }
        XCTAssertLessThanOrEqual(widths.max()!, 64_000 / 8, "no run spans more than an eighth of the source: \(widths)")
    }

    /// Runs one event apart stay apart (each is placed between its own neighbours).
    func testRunsOneEventApartStayApart() {
        var t = RejectionTracker()
        for i in 0..<9 {
            t.event(time: Int64(i) * 1_000, service: 0)
            t.reject(.noTime, line: UInt64(2 * i + 2))
        }
        t.event(time: 9_000, service: 0)
        let runs = t.runs { _ in "gateway" }
        XCTAssertEqual(runs.count, 9)
        XCTAssertEqual(runs.map(\.earliest), (0..<9).map { Int64($0) * 1_000 })
        XCTAssertEqual(runs.map(\.latest), (1...9).map { Int64($0) * 1_000 })
    }
}
