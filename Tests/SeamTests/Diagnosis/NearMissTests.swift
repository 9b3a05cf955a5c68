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

/// Near misses (issue 14): an unconfirmed send and an orphan receive of one key name each other,
/// with the offset; a handoff's caution names the `within`, `grace` or `tolerance` that would
/// pair them. Verdicts never change.
final class NearMissTests: XCTestCase {
    /// Keeps every finding (confirmed too), for the brute-force check.
    private final class Everything: FindingSink {
        var findings: [Finding] = []
        func found(_ f: Finding) { findings.append(f) }
        func discardFindings() { findings.removeAll() }
    }

    private func run(_ handoff: String, orders: String, payments: String, options: RunOptions = RunOptions())
        throws -> (Summary, [Finding]) {
        let dir = TempDir()
        let spec = try SpecLoader.load(text: "version: 1\nhandoffs:\n" + handoff, file: "s.yaml")
        let sink = Everything()
        let summary = HandoffCheck(spec: spec, options: options, sink: sink)
            .run(paths: [dir.write("orders.jsonl", orders), dir.write("payments.jsonl", payments)])
        return (summary, sink.findings)
    }

    private static let t0: Int64 = 1_800_000_000_000_000_000

    /// `{"ts":1800000000.000150000,"service":S,"event":E,"id":K}` at t0 + ns (epoch seconds, to
    /// the nanosecond).
    private static func line(_ service: String, _ event: String, _ key: String, _ ns: Int64) -> String {
        let t = t0 + ns, fraction = String(t % 1_000_000_000)
        let ts = "\(t / 1_000_000_000)." + String(repeating: "0", count: 9 - fraction.count) + fraction
        return "{\"ts\":\(ts),\"service\":\"\(service)\",\"event\":\"\(event)\",\"id\":\"\(key)\"}\n"
    }

    /// The case: W + G = 1 s, one receive 3 s after its send. It stays an unconfirmed send
    /// and an orphan receive; each now names the other, and the caution the setting that pairs them.
    func testReceiveThreeSecondsLateNamesItsSendAndSuggestsWithin() throws {
        var orders = "", payments = ""
        for i in 0..<12 {
            let t = Int64(i) * 1_000_000_000
            orders += Self.line("orders", "sent", "k\(i)", t)
            payments += Self.line("payments", "got", "k\(i)", t + (i == 5 ? 3_000_000_000 : 100_000_000))
        }
        let (summary, _) = try run("  - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 500ms}\n",
                                   orders: orders, payments: payments)
        let h = summary.handoffs[0]
        XCTAssertEqual(h[.unconfirmed], 1)
        XCTAssertEqual(h[.orphan], 1)
        XCTAssertEqual(h[.confirmed], 11)
        let send = try XCTUnwrap(h.examples[.unconfirmed]?.first)
        let receive = try XCTUnwrap(h.examples[.orphan]?.first)
        let sendMiss = try XCTUnwrap(summary.nearMiss(of: send))
        XCTAssertEqual(sendMiss.offset, 3_000_000_000)
        XCTAssertEqual(sendMiss.position, receive.receive?.position)
        XCTAssertEqual(sendMiss.service, "payments")
        XCTAssertEqual(sendMiss.verdict, .orphan)
        let receiveMiss = try XCTUnwrap(summary.nearMiss(of: receive))
        XCTAssertEqual(receiveMiss.offset, -3_000_000_000)
        XCTAssertEqual(receiveMiss.position, send.send?.position)
        XCTAssertEqual(receiveMiss.service, "orders")

        let why = FindingText.why(send, summary: summary)
        XCTAssertTrue(why.contains("; near miss: payments received this key at +3s ("), why)
        XCTAssertTrue(why.hasSuffix("payments.jsonl:6, judged orphan), outside the window of within + grace = 1s"), why)
        let orphanWhy = FindingText.why(receive, summary: summary)
        XCTAssertTrue(orphanWhy.contains("never sent it in the 1s before; near miss: orders sent this key at -3s ("), orphanWhy)
        XCTAssertTrue(orphanWhy.contains("orders.jsonl:6, judged unconfirmed)"), orphanWhy)

        let advice = summary.nearMissAdvice(h)
        XCTAssertEqual(advice.count, 1)
        XCTAssertEqual(advice.first?.direction, .late)
        XCTAssertEqual(advice.first?.pairs, 1)
        XCTAssertEqual(advice.first?.settings, [.init(name: "within", value: 4_000_000_000), .init(name: "grace", value: 3_000_000_000)])
        let caution = try XCTUnwrap(summary.caution(h))
        XCTAssertTrue(caution.contains("`within: 4s` (or `grace: 3s`) would pair them"), caution)
    }

    /// Client and server span starts 120-150 us apart, the receive first: every pair is an
    /// orphan and an unconfirmed send. The caution names a tolerance that covers them all.
    func testSubMillisecondSkewSuggestsTolerance() throws {
        var orders = "", payments = ""
        for i in 0..<12 {
            let t = Int64(i) * 1_000_000_000 + 1_000_000
            orders += Self.line("orders", "sent", "k\(i)", t)
            payments += Self.line("payments", "got", "k\(i)", t - (i % 2 == 0 ? 150_000 : 120_000))
        }
        let (summary, _) = try run("  - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 1s}\n",
                                   orders: orders, payments: payments)
        let h = summary.handoffs[0]
        XCTAssertEqual(h[.confirmed], 0, "verdicts as the spec says")
        XCTAssertEqual(h[.unconfirmed] + h[.uncoveredSend], 12)
        let send = try XCTUnwrap(h.examples[.unconfirmed]?.first)
        let miss = try XCTUnwrap(summary.nearMiss(of: send))
        XCTAssertTrue(miss.offset == -150_000 || miss.offset == -120_000, "\(miss.offset)")
        XCTAssertTrue(FindingText.why(send, summary: summary).contains("beyond the tolerance of 0s"))
        let advice = summary.nearMissAdvice(h)
        XCTAssertEqual(advice.map(\.direction), [.early])
        XCTAssertEqual(advice.first?.minLag, -150_000)
        XCTAssertEqual(advice.first?.maxLag, -120_000)
        XCTAssertEqual(advice.first?.settings, [.init(name: "tolerance", value: 200_000)])
        let caution = try XCTUnwrap(summary.caution(h))
        XCTAssertTrue(caution.contains("logged 120us to 150us before their sends"), caution)
        XCTAssertTrue(caution.contains("`tolerance: 200us` would pair them"), caution)
        // With that tolerance, they pair.
        let (paired, _) = try run(
            "  - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 1s, tolerance: 200us}\n",
            orders: orders, payments: payments)
        XCTAssertEqual(paired.handoffs[0][.unconfirmed] + paired.handoffs[0][.orphan], 0)
    }

    /// A real tear (a send never received, a receive never sent, other keys) has no near miss,
    /// and a handoff without near misses gets no advice.
    func testDifferentKeysAreNoNearMiss() throws {
        let orders = Self.line("orders", "sent", "a", 0) + Self.line("orders", "sent", "b", 5_000_000_000)
            + Self.line("orders", "sent", "z", 9_000_000_000)
        let payments = Self.line("payments", "got", "a", 100) + Self.line("payments", "got", "c", 6_000_000_000)
            + Self.line("payments", "got", "z", 9_000_000_100)
        let (summary, _) = try run("  - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 1s}\n",
                                   orders: orders, payments: payments)
        let h = summary.handoffs[0]
        XCTAssertEqual(h[.unconfirmed], 1)
        XCTAssertEqual(h[.orphan], 1)
        XCTAssertNil(summary.nearMiss(of: h.examples[.unconfirmed]![0]))
        XCTAssertNil(summary.nearMiss(of: h.examples[.orphan]![0]))
        XCTAssertEqual(summary.nearMissAdvice(h), [])
        XCTAssertNil(summary.caution(h))
    }

    /// Against brute force over every finding of random runs: each unconfirmed send's and
    /// orphan receive's near miss is the nearest other-side gap (or uncovered side) of its key,
    /// and lies outside the window the spec gives.
    func testNearMissIsTheNearestOtherSideOfItsKey() throws {
        var rng = SeededRandom(seed: 14)
        var named = 0, none = 0
        for round in 0..<20 {
            var orders: [(Int64, String)] = [], payments: [(Int64, String)] = []
            for _ in 0..<60 {
                let key = "k\(Int.random(in: 0..<15, using: &rng))"
                let t = Int64.random(in: 0..<20_000, using: &rng) * 1_000_000
                if Bool.random(using: &rng) { orders.append((t, Self.line("orders", "sent", key, t))) }
                if Int.random(in: 0..<3, using: &rng) > 0 {
                    let lag = Int64.random(in: -400...3_000, using: &rng) * 1_000_000
                    payments.append((t + lag, Self.line("payments", "got", key, t + lag)))
                }
            }
            let within = [200, 500, 1_000][round % 3], tolerance = [0, 100][round % 2]
            let handoff = "  - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, "
                + "within: \(within)ms, grace: 0s, tolerance: \(tolerance)ms}\n"
            let (summary, all) = try run(handoff, orders: orders.sorted { $0.0 < $1.0 }.map(\.1).joined(),
                                         payments: payments.sorted { $0.0 < $1.0 }.map(\.1).joined())
            let window = Int64(within) * 1_000_000, T = Int64(tolerance) * 1_000_000
            for f in all where f.verdict == .unconfirmed || f.verdict == .orphan {
                let isSend = f.verdict == .unconfirmed
                let own = (isSend ? f.send : f.receive)!
                let others = all.filter {
                    $0.key == f.key && (isSend ? [Verdict.orphan, .uncoveredReceive] : [.unconfirmed, .uncoveredSend]).contains($0.verdict)
                }.map { ($0.send ?? $0.receive)! }
                let expected = others.min { a, b in
                    let da = (a.time - own.time).magnitude, db = (b.time - own.time).magnitude
                    return da != db ? da < db : a.time < b.time
                }
                let miss = summary.nearMiss(of: f)
                XCTAssertEqual(miss?.position, expected?.position, "round \(round): \(f)")
                XCTAssertEqual(miss?.offset, expected.map { $0.time - own.time })
                if miss == nil { none += 1 } else { named += 1 }
                if let miss {
                    let lag = isSend ? miss.offset : -miss.offset
                    XCTAssertTrue(lag > window || lag < -T, "round \(round): a near miss inside the window: \(lag)")
                }
            }
        }
        XCTAssertGreaterThan(named, 50, "the runs hold near misses")
        XCTAssertGreaterThan(none, 10, "and gaps without one")
    }

    /// The index is bounded: past its capacity gaps are counted, not kept, and the caution says
    /// near misses were looked for among the first ones only.
    func testGapIndexIsBoundedAndSaysSo() throws {
        var index = GapIndex(capacity: 2)
        for i in 0..<5 {
            index.add(Finding(verdict: .unconfirmed, rule: 0, key: "k\(i)",
                              send: .init(time: Int64(i), position: InputPosition(source: 0, line: UInt64(i + 1))),
                              receive: nil, latency: nil))
        }
        index.add(Finding(verdict: .confirmed, rule: 0, key: "k0", send: nil, receive: nil, latency: 0))
        XCTAssertEqual(index.count, 2)
        XCTAssertEqual(index.dropped, 3)
        XCTAssertEqual(index.entries(rule: 0, key: "k1").count, 1)
        XCTAssertEqual(index.entries(rule: 0, key: "k3").count, 0)

        var orders = "", payments = ""
        for i in 0..<12 {
            let t = Int64(i) * 1_000_000_000
            orders += Self.line("orders", "sent", "k\(i)", t)
            payments += Self.line("payments", "got", "k\(i)", t + (i % 3 == 0 ? 3_000_000_000 : 100_000_000))
        }
        // Small files are read whole and resolved at once, receives first: the index keeps the
        // four receive-side gaps, then the sends of k0 (uncovered) and k3, and drops the rest.
        var options = RunOptions()
        options.gapCapacity = 6
        let (summary, _) = try run("  - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 1s}\n",
                                   orders: orders, payments: payments, options: options)
        XCTAssertEqual(summary.gapIndex.count, 6, "\(summary.gapIndex.keys(of: 0))")
        XCTAssertGreaterThan(summary.gapIndex.dropped, 0)
        let caution = try XCTUnwrap(summary.caution(summary.handoffs[0]), "\(summary.gapIndex.keys(of: 0))")
        XCTAssertTrue(caution.contains("looked for among the first 6 gaps of the run only"), caution)
    }

    /// Under `to: "*"` the spec names no receiver: the near miss names the service of the
    /// receive's own record.
    func testWildcardSideNamesTheCounterpartsOwnService() throws {
        var orders = "", payments = ""
        for i in 0..<12 {
            let t = Int64(i) * 1_000_000_000
            orders += Self.line("orders", "sent", "k\(i)", t)
            payments += Self.line("payments", "got", "k\(i)", t + (i == 5 ? 3_000_000_000 : 100_000_000))
        }
        let (summary, _) = try run("  - {name: pay, from: orders, to: \"*\", key: id, send: sent, receive: got, within: 500ms}\n",
                                   orders: orders, payments: payments)
        let h = summary.handoffs[0]
        let send = try XCTUnwrap(h.examples[.unconfirmed]?.first, "\(h.counts)")
        XCTAssertEqual(summary.nearMiss(of: send)?.service, "payments")
        XCTAssertTrue(FindingText.why(send, summary: summary).contains("near miss: payments received this key at +3s"))
        let orphan = try XCTUnwrap(h.examples[.orphan]?.first)
        XCTAssertEqual(summary.nearMiss(of: orphan)?.service, "orders")
    }
}
