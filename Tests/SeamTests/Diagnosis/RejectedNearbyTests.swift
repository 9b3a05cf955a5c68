import Foundation
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

/// Findings know their neighbourhood (issue 14): nine gateway lines rejected `no-time` turn into
/// seven orphans "gateway never sent it"; the orphans and the handoff's caution now name those
/// lines, placed in time by the events around them.
final class RejectedNearbyTests: XCTestCase {
    /// gateway sends r0..r23 one a second; lines of r0, r1 and r5..r11 have no time. orders
    /// receives every one at the same second.
    private func logs(_ dir: TempDir) -> [String] {
        var gateway = "", orders = ""
        for i in 0..<24 {
            let t = 1_800_000_000 + i
            let time = i < 2 || (5...11).contains(i) ? "" : "\"ts\":\(t),"
            gateway += "{\(time)\"service\":\"gateway\",\"event\":\"order.sent\",\"request_id\":\"r\(i)\"}\n"
            orders += "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"order.received\",\"request_id\":\"r\(i)\"}\n"
        }
        return [dir.write("gateway.jsonl", gateway), dir.write("orders.jsonl", orders)]
    }

    private let spec = "version: 1\nhandoffs:\n  - {name: order, from: gateway, to: orders, key: request_id, "
        + "send: order.sent, receive: order.received, within: 1s}\n"

    func testNineNoTimeLinesAreNamedByTheSevenOrphansTheyMake() throws {
        let dir = TempDir()
        let summary = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "s.yaml")).run(paths: logs(dir))
        let h = summary.handoffs[0]
        XCTAssertEqual(h[.orphan], 7, "verdicts as before")
        XCTAssertEqual(h[.uncoveredReceive], 2)
        XCTAssertEqual(summary.total.rejected[.noTime], 9)
        XCTAssertEqual(summary.sources[0].stats.rejectionRuns.map(\.count), [2, 7])

        let orphan = try XCTUnwrap(h.examples[.orphan]?.first)
        XCTAssertEqual(orphan.key, "r5")
        let near = summary.rejectedNearby(orphan)
        XCTAssertEqual(near.count, 1)
        XCTAssertEqual(near.first?.reason, .noTime)
        XCTAssertEqual(near.first?.count, 7)
        XCTAssertEqual(near.first?.firstLine, 6)
        XCTAssertEqual(near.first?.lastLine, 12)
        XCTAssertEqual(near.first?.earliest, 1_800_000_004_000_000_000, "placed after the event before (r4)")
        XCTAssertEqual(near.first?.latest, 1_800_000_012_000_000_000, "and before the event after (r12)")
        XCTAssertEqual(near.first?.services, ["gateway"])
        let why = FindingText.why(orphan, summary: summary)
        XCTAssertTrue(why.contains("but gateway never sent it in the 2s before; in its window: 7 gateway lines rejected `no-time` ("),
                      why)
        XCTAssertTrue(why.contains("gateway.jsonl:6-12, between 2027-01-15T08:00:04.000Z and 08:00:12.000Z), which may hold its send"),
                      why)

        let hoods = summary.rejectedNeighbourhoods(h)
        XCTAssertEqual(hoods.count, 1)
        XCTAssertEqual(hoods.first?.verdict, .orphan)
        XCTAssertEqual(hoods.first?.touched, 7)
        XCTAssertEqual(hoods.first?.gaps, 7)
        let caution = try XCTUnwrap(summary.caution(h))
        XCTAssertTrue(caution.contains("7 of 7 orphans have gateway lines rejected in their window: 7 gateway lines rejected `no-time`"),
                      caution)
        XCTAssertTrue(caution.contains("these orphans may be their sends"), caution)

        // The same run on 4 threads places the same runs.
        var options = RunOptions()
        options.threads = 4
        let threaded = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "s.yaml"), options: options).run(paths: logs(dir))
        XCTAssertEqual(threaded.sources.map(\.stats.rejectionRuns), summary.sources.map(\.stats.rejectionRuns))
    }

    /// Rejected lines of the receiver do not explain an orphan (its send is missing), rejected
    /// lines outside the window explain nothing, and a confirmed pair gets none.
    func testOnlyTheOtherSidesLinesInTheWindowCount() throws {
        let dir = TempDir()
        var gateway = "", orders = ""
        for i in 0..<24 {
            let t = 1_800_000_000 + i
            if i != 20 {
                gateway += "{\"ts\":\(t),\"service\":\"gateway\",\"event\":\"order.sent\",\"request_id\":\"r\(i)\"}\n"
            }
            if i == 3 { gateway += "not json\n" }  // long before r20's window
            orders += "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"order.received\",\"request_id\":\"r\(i)\"}\n"
            if i == 19 { orders += "{\"service\":\"orders\"}\n" }  // the receiver's own, in the window
        }
        let summary = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "s.yaml"))
            .run(paths: [dir.write("gateway.jsonl", gateway), dir.write("orders.jsonl", orders)])
        let h = summary.handoffs[0]
        XCTAssertEqual(h[.orphan], 1)
        XCTAssertEqual(summary.total.rejectedTotal, 2)
        let orphan = try XCTUnwrap(h.examples[.orphan]?.first)
        XCTAssertEqual(summary.rejectedNearby(orphan), [])
        XCTAssertFalse(FindingText.why(orphan, summary: summary).contains("rejected"))
        XCTAssertEqual(summary.rejectedNeighbourhoods(h), [])
        XCTAssertNil(summary.caution(h))
        let confirmed = Finding(verdict: .confirmed, rule: 0, key: "r3", send: orphan.receive, receive: orphan.receive, latency: 0)
        XCTAssertEqual(summary.rejectedNearby(confirmed), [])
    }

    /// An unconfirmed send whose receiver's lines are rejected in its window says they may hold
    /// its receive.
    func testUnconfirmedSendNamesTheReceiversRejectedLines() throws {
        let dir = TempDir()
        var gateway = "", orders = ""
        for i in 0..<24 {
            let t = 1_800_000_000 + i
            gateway += "{\"ts\":\(t),\"service\":\"gateway\",\"event\":\"order.sent\",\"request_id\":\"r\(i)\"}\n"
            orders += i == 10 ? "{\"ts\":\"yesterday\",\"service\":\"orders\",\"event\":\"order.received\"}\n"
                : "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"order.received\",\"request_id\":\"r\(i)\"}\n"
        }
        let summary = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "s.yaml"))
            .run(paths: [dir.write("gateway.jsonl", gateway), dir.write("orders.jsonl", orders)])
        let h = summary.handoffs[0]
        XCTAssertEqual(h[.unconfirmed], 1)
        let send = try XCTUnwrap(h.examples[.unconfirmed]?.first)
        let why = FindingText.why(send, summary: summary)
        XCTAssertTrue(why.contains("in its window: 1 orders line rejected `bad-time` ("), why)
        XCTAssertTrue(why.hasSuffix("which may be its receive"), why)
        let caution = try XCTUnwrap(summary.caution(h))
        XCTAssertTrue(caution.contains("1 of 1 unconfirmed send has orders lines rejected in its window"), caution)
    }

    /// The index answers "which runs of S meet [from, to]" exactly as a scan of every run does,
    /// overlapping and unplaced runs included.
    func testRejectionIndexEqualsAScan() {
        var rng = SeededRandom(seed: 16)
        for _ in 0..<300 {
            var runs: [[RejectionRun]] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                var list: [RejectionRun] = []
                for line in 0..<Int.random(in: 0...12, using: &rng) {
                    let lo = Int64.random(in: 0...100, using: &rng), span = Int64.random(in: 0...(Bool.random(using: &rng) ? 3 : 60), using: &rng)
                    let placed = Int.random(in: 0..<10, using: &rng) > 0
                    let services = [["a"], ["b"], ["a", "b"]][Int.random(in: 0..<3, using: &rng)]
                    list.append(RejectionRun(reason: .noTime, count: 1, firstLine: UInt64(line + 1), lastLine: UInt64(line + 1),
                                             earliest: placed ? lo : nil, latest: placed ? lo + span : nil, services: services))
                }
                runs.append(list)
            }
            let index = RejectionIndex(runs: runs)
            for _ in 0..<20 {
                let service = Bool.random(using: &rng) ? "a" : "b"
                let from = Int64.random(in: -10...160, using: &rng), to = from + Int64.random(in: 0...30, using: &rng)
                var expected: [(Int32, UInt64)] = []
                for (i, list) in runs.enumerated() {
                    for r in list where r.services.contains(service) {
                        if let lo = r.earliest, let hi = r.latest, lo <= to, hi >= from { expected.append((Int32(i), r.firstLine)) }
                    }
                }
                let got = index.overlapping(service: service, from: from, to: to).map { ($0.source, $0.run.firstLine) }
                XCTAssertEqual(got.map(\.0), expected.map(\.0))
                XCTAssertEqual(got.map(\.1), expected.map(\.1))
            }
        }
    }
}
