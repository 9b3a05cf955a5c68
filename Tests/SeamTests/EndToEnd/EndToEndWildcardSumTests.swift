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

/// Issue 16's acceptance property: a wildcard rule's per-pair tallies equal the explicit
/// per-pair rules', through `HandoffCheck` on real JSON-lines files.
///
/// Condition under which it must hold (and which the generator makes true): every service logs
/// over the whole time range (so coverage decides nothing differently), each key is used by
/// one pair of services only (so pairing within a key involves that pair's records alone), and
/// every record's `peer` names the other side truly. Then
/// - `from: {field: peer}`, `to: {field: peer}`: every count of every pair equals the explicit
///   rule of that pair;
/// - `from: "*"`, `to: "*"`: the paired verdicts (confirmed, late, duplicate, repeat, disagree,
///   latency) of every pair equal the explicit rule's; an unpaired send is tallied under
///   (A, ?) and an unpaired receive under (?, B), so unconfirmed (A, ?) is the sum over B of
///   the explicit (A, B), and orphan (?, B) the sum over A; nothing is uncovered.
/// The explicit rule of (a, b) picks its pair's records by a key prefix (`id: {matches: ^a-b-}`).
final class EndToEndWildcardSumTests: XCTestCase {
    struct Record {
        var service: Int
        var time: Int64
        var event: String
        var key: String?
        var peer: Int?
        var amount: Int?
    }

    static let base: Int64 = 1_700_000_000

    func testWildcardPairsEqualExplicitPerPairRules() throws {
        var checkedPairs = 0
        var seen: [Verdict: UInt64] = [:]
        for seed in UInt64(1)...120 {
            var g = SeededRandom(seed: seed &* 7919)
            let n = Int.random(in: 2...4, using: &g)
            let horizon = Int64.random(in: 40...150, using: &g)
            let W = Int64.random(in: 1...10, using: &g), G: Int64 = [0, W, 3].randomElement(using: &g)!
            let T: Int64 = [0, 0, 2].randomElement(using: &g)!
            let once = Bool.random(using: &g)
            var records: [Record] = []
            // Whole range covered for every service: ticks beyond every window.
            for s in 0..<n {
                records.append(Record(service: s, time: -3 * (W + G + T) - 20, event: "tick"))
                records.append(Record(service: s, time: horizon + 3 * (W + G + T) + 20, event: "tick"))
            }
            var pairs: Set<[Int]> = []
            for _ in 0..<Int.random(in: 1...5, using: &g) { pairs.insert([Int.random(in: 0..<n, using: &g), Int.random(in: 0..<n, using: &g)]) }
            let pairList = pairs.sorted { $0.lexicographicallyPrecedes($1) }
            var receives = 0
            for p in pairList {
                let (a, b) = (p[0], p[1])
                for k in 0..<Int.random(in: 1...6, using: &g) {
                    let key = "s\(a)-s\(b)-k\(k)"
                    let ts = Int64.random(in: 0...horizon, using: &g)
                    let amount = Int.random(in: 1...3, using: &g)
                    records.append(Record(service: a, time: ts, event: "send", key: key, peer: b, amount: amount))
                    if Int.random(in: 0..<5, using: &g) == 0 {
                        records.append(Record(service: a, time: ts + Int64.random(in: 0...(W + 2), using: &g), event: "send",
                                              key: key, peer: b, amount: amount))
                    }
                    if Int.random(in: 0..<10, using: &g) < 7 {
                        let tr = ts + Int64.random(in: (-T - 2)...(W + G + 2), using: &g)
                        let got = Int.random(in: 0..<4, using: &g) == 0 ? amount + 1 : amount
                        records.append(Record(service: b, time: tr, event: "receive", key: key, peer: a, amount: got))
                        receives += 1
                        if Int.random(in: 0..<4, using: &g) == 0 {
                            records.append(Record(service: b, time: tr + Int64.random(in: 0...4, using: &g), event: "receive",
                                                  key: key, peer: a, amount: got))
                        }
                    }
                }
                for k in 0..<Int.random(in: 0...2, using: &g) {  // receives nobody sent, and unkeyed sends
                    records.append(Record(service: b, time: Int64.random(in: 0...horizon, using: &g), event: "receive",
                                          key: "s\(a)-s\(b)-x\(k)", peer: a))
                    receives += 1
                }
            }
            guard receives > 0 else { continue }  // `*` with no receiver judges nothing (uncovered)
            // Files: one per service, shuffled lines (order never matters).
            let dir = TempDir()
            var paths: [String] = []
            for s in 0..<n {
                let lines = records.filter { $0.service == s }.shuffled(using: &g).map { r -> String in
                    var fields = [#""ts":\#(Self.base + r.time)"#, #""service":"s\#(r.service)""#, #""event":"\#(r.event)""#]
                    if let k = r.key { fields.append(#""id":"\#(k)""#) }
                    if let p = r.peer { fields.append(#""peer":"s\#(p)""#) }
                    if let a = r.amount { fields.append(#""amount":\#(a)"#) }
                    return "{" + fields.joined(separator: ",") + "}"
                }
                paths.append(dir.write("s\(s).jsonl", lines.joined(separator: "\n") + "\n"))
            }
            let common = "    key: id\n    within: \(W)s\n    grace: \(G)s\n    tolerance: \(T)s\n    once: \(once)\n    agree: [amount]\n"
            var spec = "version: 1\nhandoffs:\n"
            spec += "  - name: any\n    from: \"*\"\n    to: \"*\"\n    send: send\n    receive: receive\n" + common
            spec += "  - name: named\n    from: {field: peer}\n    to: {field: peer}\n    send: send\n    receive: receive\n" + common
            for p in pairList {
                let prefix = "^s\(p[0])-s\(p[1])-"
                spec += "  - name: s\(p[0])-s\(p[1])\n    from: s\(p[0])\n    to: s\(p[1])\n"
                    + "    send: {event: send, id: {matches: '\(prefix)'}}\n    receive: {event: receive, id: {matches: '\(prefix)'}}\n" + common
            }
            let summary = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "seam.yaml")).run(paths: paths)
            let context = "seed \(seed)"
            let any = summary.handoffs[0], named = summary.handoffs[1]
            func pair(_ t: HandoffTally, _ a: String?, _ b: String?) -> HandoffTally? {
                t.servicePairs.first { $0.from == a && $0.to == b }?.tally
            }
            let paired: [Verdict] = [.confirmed, .late, .duplicate, .repeat, .disagree]
            var unconfirmed: [String: UInt64] = [:], orphans: [String: UInt64] = [:]
            for (i, p) in pairList.enumerated() {
                let explicit = summary.handoffs[2 + i]
                let (a, b) = ("s\(p[0])", "s\(p[1])")
                checkedPairs += 1
                for (v, c) in explicit.counts { seen[v, default: 0] += c }
                // Field-named: every count of the pair.
                let n = pair(named, a, b)
                for v in Verdict.allCases { XCTAssertEqual(n?[v] ?? 0, explicit[v], "named \(a)->\(b) \(v), \(context)") }
                XCTAssertEqual(n?.latency.count ?? 0, explicit.latency.count, context)
                XCTAssertEqual(n?.latency.min, explicit.latency.min, context)
                // Wildcard: the paired verdicts of the pair; unpaired ones go to `?`.
                let w = pair(any, a, b)
                for v in paired { XCTAssertEqual(w?[v] ?? 0, explicit[v], "any \(a)->\(b) \(v), \(context)") }
                XCTAssertEqual(w?.latency.max, explicit.latency.max, context)
                unconfirmed[a, default: 0] += explicit[.unconfirmed]
                orphans[b, default: 0] += explicit[.orphan]
                XCTAssertEqual(explicit[.uncoveredSend] + explicit[.uncoveredReceive], 0, "the whole range is covered, \(context)")
            }
            for (a, c) in unconfirmed { XCTAssertEqual(pair(any, a, nil)?[.unconfirmed] ?? 0, c, "unconfirmed \(a)->?, \(context)") }
            for (b, c) in orphans { XCTAssertEqual(pair(any, nil, b)?[.orphan] ?? 0, c, "orphan ?->\(b), \(context)") }
            // Nothing else anywhere: the rules see the same records.
            for v in Verdict.allCases {
                let sum = summary.handoffs.dropFirst(2).reduce(0) { $0 + $1[v] }
                XCTAssertEqual(any[v], sum, "any \(v), \(context)")
                XCTAssertEqual(named[v], sum, "named \(v), \(context)")
            }
            if summary.exitCode() == 3 { XCTFail("incomplete run, \(context): \(summary.incompleteReasons)") }
        }
        XCTAssertGreaterThan(checkedPairs, 200)
        // The scenarios reach every verdict the definition can give here.
        for v in [Verdict.confirmed, .late, .unconfirmed, .orphan, .disagree] { XCTAssertGreaterThan(seen[v] ?? 0, 20, "\(v)") }
        XCTAssertGreaterThan((seen[.duplicate] ?? 0) + (seen[.repeat] ?? 0), 20)
    }
}
