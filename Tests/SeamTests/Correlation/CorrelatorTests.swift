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

/// Hand-written cases that read like SEMANTICS.md. Services: A = 0 (orders), B = 1 (payments).
/// Times are plain integers (the correlator does not care about units).
private let A: Int32 = 0, B: Int32 = 1

final class CorrelatorTests: XCTestCase {

    /// A small world: one rule A -> B, coverage noted by hand, observations by helper.
    final class World {
        let coverage = CoverageTracker()
        let sink = RecordingSink()
        let correlator: Correlator
        var line: UInt64 = 0

        init(within: Int64 = 10, grace: Int64 = 5, tolerance: Int64 = 0, once: Bool = true, agree: [String] = [],
             options: CorrelatorOptions = CorrelatorOptions())
        {
            let rule = HandoffRule(
                name: "orders->payments", from: "orders", to: "payments", sendKey: "id", receiveKey: "id",
                send: .event("payment.requested"), receive: .event("payment.received"), within: within, grace: grace,
                tolerance: tolerance, agree: agree.map { .init(send: FieldPath($0), receive: FieldPath($0)) }, once: once)
            correlator = Correlator(
                rules: [rule], fromService: [A], toService: [B], coverage: coverage, options: options, sink: sink)
        }

        /// Notes a plain event of `service` (coverage only).
        func log(_ service: Int32, at t: Int64, source: Int32? = nil) {
            coverage.note(service: service, source: source ?? service, time: t)
        }

        @discardableResult
        func send(_ key: String?, at t: Int64, source: Int32 = A, agree: [FieldValue?] = []) -> InputPosition {
            observe(.send, key, t, source, A, agree)
        }

        @discardableResult
        func receive(_ key: String?, at t: Int64, source: Int32 = B, agree: [FieldValue?] = []) -> InputPosition {
            observe(.receive, key, t, source, B, agree)
        }

        private func observe(_ side: Observation.Side, _ key: String?, _ t: Int64, _ source: Int32, _ service: Int32,
                             _ agree: [FieldValue?]) -> InputPosition
        {
            line += 1
            let pos = InputPosition(source: source, line: line)
            coverage.note(service: service, source: source, time: t)
            correlator.observe(Observation(time: t, position: pos, rule: 0, side: side, key: key, agree: agree))
            return pos
        }

        /// The verdict given to the send (or receive) at `pos`; pairs count for both sides.
        func verdicts(of pos: InputPosition) -> [Verdict] {
            sink.findings.filter { $0.send?.position == pos && $0.verdict.isSendSide || $0.receive?.position == pos && $0.verdict.isReceiveSide }
                .map(\.verdict)
        }

        var tally: HandoffTally { correlator.tallies[0] }
    }

    func testRetryLeavesEarlierAttemptUnconfirmedEvenThoughRetryGotThrough() {
        let w = World()
        w.log(B, at: 0)
        let first = w.send("o1", at: 10)
        let retry = w.send("o1", at: 13)
        let r = w.receive("o1", at: 14)
        w.log(B, at: 100)
        w.correlator.finish()
        XCTAssertEqual(w.verdicts(of: retry), [.confirmed])
        XCTAssertEqual(w.verdicts(of: r), [.confirmed])
        XCTAssertEqual(w.verdicts(of: first), [.unconfirmed])
        XCTAssertEqual(w.sink.findings.first { $0.verdict == .confirmed }?.latency, 1)
    }

    func testSecondReceiveIsDuplicateWithOnceAndRepeatWithout() {
        for once in [true, false] {
            let w = World(once: once)
            w.log(A, at: 0)
            w.send("o1", at: 10)
            w.receive("o1", at: 11)
            let second = w.receive("o1", at: 12)
            w.log(A, at: 100)
            w.correlator.finish()
            XCTAssertEqual(w.verdicts(of: second), [once ? .duplicate : .repeat])
            XCTAssertEqual(w.tally.received, 2)
            XCTAssertEqual(w.tally.sent, 1)
        }
    }

    func testReceiveMayPrecedeItsSendByToleranceAndNoMore() {
        let w = World(tolerance: 2)
        w.log(A, at: 0); w.log(B, at: 0)
        let s1 = w.send("a", at: 50), r1 = w.receive("a", at: 48)  // L = -T: confirmed
        let s2 = w.send("b", at: 80), r2 = w.receive("b", at: 77)  // L = -T - 1: no pair
        w.log(A, at: 200); w.log(B, at: 200)
        w.correlator.finish()
        XCTAssertEqual(w.verdicts(of: s1), [.confirmed])
        XCTAssertEqual(w.verdicts(of: r1), [.confirmed])
        XCTAssertEqual(w.sink.findings.first { $0.verdict == .confirmed }?.latency, -2)
        XCTAssertEqual(w.verdicts(of: s2), [.unconfirmed])
        XCTAssertEqual(w.verdicts(of: r2), [.orphan])
        XCTAssertEqual(w.tally.latency.min, -2)
    }

    func testLatenessBoundariesWithinAndGrace() {
        let w = World(within: 10, grace: 5)
        w.log(A, at: 0); w.log(B, at: 0)
        var expected: [(InputPosition, Verdict)] = []
        for (i, latency) in [Int64(10), 11, 15, 16].enumerated() {
            let ts = Int64(100 * (i + 1))
            let s = w.send("k\(i)", at: ts)
            let r = w.receive("k\(i)", at: ts + latency)
            switch latency {
            case 10: expected += [(s, .confirmed), (r, .confirmed)]
            case 11, 15: expected += [(s, .late), (r, .late)]
            default: expected += [(s, .unconfirmed), (r, .orphan)]
            }
        }
        w.log(A, at: 1000); w.log(B, at: 1000)
        w.correlator.finish()
        for (pos, v) in expected { XCTAssertEqual(w.verdicts(of: pos), [v], "\(pos)") }
    }

    func testSendWhoseWindowRunsPastTheReceiversLastLineIsUncovered() {
        for (lastB, expected) in [(Int64(114), Verdict.uncoveredSend), (115, .unconfirmed)] {
            let w = World(within: 10, grace: 5)
            w.log(B, at: 0)
            let s = w.send("o1", at: 100)  // window [100, 115]
            w.log(B, at: lastB)
            w.correlator.finish()
            XCTAssertEqual(w.verdicts(of: s), [expected], "B last at \(lastB)")
        }
    }

    func testReceiveBeforeTheSendersFirstLineIsUncovered() {
        let w = World(within: 10, grace: 5)
        w.log(A, at: 100)
        let early = w.receive("x", at: 110)  // window [95, 110]: A starts at 100
        let inside = w.receive("y", at: 120)  // window [105, 120]
        w.log(A, at: 200)
        w.correlator.finish()
        XCTAssertEqual(w.verdicts(of: early), [.uncoveredReceive])
        XCTAssertEqual(w.verdicts(of: inside), [.orphan])
    }

    func testSilenceInsideOneSourceIsCovered() {
        let w = World()
        w.log(B, at: 0)
        w.log(B, at: 10_000)  // B said nothing in between: still covered
        let s = w.send("o1", at: 5_000)
        w.correlator.finish()
        XCTAssertEqual(w.verdicts(of: s), [.unconfirmed])
    }

    func testReplicasCoverTogetherButAGapBetweenThemIsAGap() {
        // B runs as two replicas (sources 1 and 2); window of a send at 95 is [95, 110].
        for (secondStart, expected) in [(Int64(100), Verdict.unconfirmed), (101, .uncoveredSend)] {
            let w = World(within: 10, grace: 5)
            w.log(B, at: 0, source: 1)
            w.log(B, at: 100, source: 1)
            w.log(B, at: secondStart, source: 2)
            w.log(B, at: 300, source: 2)
            let s = w.send("o1", at: 95)
            w.correlator.finish()
            XCTAssertEqual(w.verdicts(of: s), [expected], "second replica from \(secondStart)")
        }
    }

    func testAgreeComparesDecimalsExactlyAndAbsentIsUnverified() {
        let w = World(agree: ["amount", "currency"])
        w.log(A, at: 0); w.log(B, at: 0)
        func n(_ t: String) -> FieldValue { .number(Array(t.utf8)) }
        func s(_ t: String) -> FieldValue { .string(Array(t.utf8)) }
        w.send("a", at: 10, agree: [n("5"), s("EUR")])
        w.receive("a", at: 11, agree: [s("5.00"), s("EUR")])  // agree
        w.send("b", at: 20, agree: [n("1250"), s("EUR")])
        w.receive("b", at: 21, agree: [s("1.25e3"), nil])  // agree; currency unverified
        w.send("c", at: 30, agree: [n("5"), s("EUR")])
        w.receive("c", at: 31, agree: [n("6"), s("eur")])  // both differ
        w.log(A, at: 100); w.log(B, at: 100)
        w.correlator.finish()
        let d = w.sink.findings.filter { $0.verdict == .disagree }
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.first?.key, "c")
        XCTAssertEqual(d.first?.fields, ["amount", "currency"])
        XCTAssertEqual(d.first?.values.map { [$0.send, $0.receive] }, [["5", "6"], ["EUR", "eur"]])
        XCTAssertEqual(w.tally[.confirmed], 3)
        XCTAssertEqual(w.tally.unverified, ["currency": 1])
        XCTAssertEqual(w.sink.findings.first { $0.key == "b" && $0.verdict == .confirmed }?.fields, ["currency"])
    }

    func testUnkeyedAreCountedAtOnceAndNeverPaired() {
        let w = World()
        w.send(nil, at: 10)
        w.receive(nil, at: 11)
        XCTAssertEqual(w.tally[.unkeyedSend], 1)
        XCTAssertEqual(w.tally[.unkeyedReceive], 1)
        XCTAssertEqual(w.correlator.openCount, 0)
        w.correlator.finish()
        XCTAssertEqual(w.tally.sent, 0)
        XCTAssertEqual(w.tally.received, 0)
    }

    func testStreamingDecidesAtWindowEndAndForgets() {
        let w = World(within: 10, grace: 5)
        w.log(A, at: 0); w.log(B, at: 0)
        w.send("o1", at: 100)
        w.receive("o1", at: 104)
        w.correlator.advance(to: 103)
        XCTAssertTrue(w.sink.findings.isEmpty, "the receive's window is still open")
        w.correlator.advance(to: 104)
        XCTAssertEqual(w.sink.findings.map(\.verdict), [.confirmed], "a pair is decided when made")
        XCTAssertEqual(w.correlator.openCount, 1, "the paired send stays for duplicate detection")
        w.correlator.advance(to: 115)
        XCTAssertEqual(w.correlator.openCount, 0, "forgotten once its window closed")
    }

    func testUnpairedSendWaitsWhileTheReceiverMightStillSpeak() {
        for speaks in [true, false] {
            let w = World(within: 10, grace: 5)
            w.log(A, at: 0); w.log(B, at: 0)
            w.log(B, at: 50)  // B's only source, still open, last heard at 50
            let s = w.send("o1", at: 100)  // window [100, 115]
            w.correlator.advance(to: 200)
            XCTAssertEqual(w.verdicts(of: s), [], "B may still extend its coverage")
            XCTAssertEqual(w.correlator.openCount, 1)
            if speaks {
                w.log(B, at: 201)
            } else {
                w.coverage.end(source: B)
            }
            w.correlator.advance(to: 201)
            XCTAssertEqual(w.verdicts(of: s), [speaks ? .unconfirmed : .uncoveredSend])
            XCTAssertEqual(w.correlator.openCount, 0)
        }
    }

    func testSilentNoticeOncePerEpisode() {
        let w = World(within: 10, grace: 5, options: CorrelatorOptions(idleBound: 30))
        w.log(B, at: 0)
        w.send("o1", at: 5)
        w.correlator.advance(to: 29)
        XCTAssertEqual(w.sink.silences.count, 0)
        w.correlator.advance(to: 30)
        w.correlator.advance(to: 40)
        XCTAssertEqual(w.sink.silences.count, 1)
        XCTAssertEqual(w.sink.silences.first?.service, "payments")
        XCTAssertEqual(w.sink.silences.first?.since, 0)
        XCTAssertEqual(w.sink.silences.first?.pending, 1)
        w.log(B, at: 41)  // B speaks: the episode ends
        w.send("o2", at: 45)
        w.correlator.advance(to: 70)
        XCTAssertEqual(w.sink.silences.count, 1)
        w.correlator.advance(to: 71)
        XCTAssertEqual(w.sink.silences.count, 2)
        XCTAssertEqual(w.sink.silences.last?.since, 41)
    }

    func testNoSilentNoticeWithoutPendingSends() {
        let w = World(options: CorrelatorOptions(idleBound: 30))
        w.log(B, at: 0)
        w.correlator.advance(to: 1000)
        XCTAssertTrue(w.sink.silences.isEmpty)
    }

    func testTimesNearTheLimitsDoNotTrap() {
        let w = World(within: .max / 2, grace: .max / 2, tolerance: .max / 2)
        w.log(A, at: .min); w.log(B, at: .min)
        w.send("hi", at: .max - 1)
        w.receive("hi", at: .max)
        w.send("lo", at: .min + 1)
        w.receive("lo2", at: .min)
        w.correlator.advance(to: .max - 2)
        w.correlator.finish()
        XCTAssertEqual(w.tally[.confirmed], 1)
        XCTAssertEqual(w.tally.sent, 2)
        XCTAssertEqual(w.tally.received, 2)
        XCTAssertEqual(w.tally.checkInvariants(), [])
    }

    func testMaxOpenEvictsTheOldestCountedNeverSilent() {
        let w = World(options: CorrelatorOptions(maxOpen: 2))
        w.log(A, at: 0); w.log(B, at: 0)
        let old = w.send("a", at: 10)
        w.send("b", at: 20)
        w.receive("c", at: 30)
        XCTAssertEqual(w.correlator.openCount, 2)
        XCTAssertEqual(w.verdicts(of: old), [.evictedSend])
        // Its window [10, 25] reaches evicted sends (b goes now): it cannot be judged orphan.
        let r = w.receive("a", at: 25)
        w.correlator.finish()
        XCTAssertEqual(w.verdicts(of: r), [.evictedReceive])
        XCTAssertEqual(w.tally.sent, 2)
        XCTAssertEqual(w.tally.received, 2)
    }

    /// Issue 13 item 5: with `once: false`, evicting a receive let a later receive pair with the
    /// send it had taken: late + disagree, where the full run has confirmed + repeat. Both sides
    /// of that pair must be evicted instead.
    func testEvictedReceiveLeavesNoPairTheFullRunLacks() {
        func run(maxOpen: Int) -> (World, InputPosition, InputPosition, InputPosition) {
            let w = World(within: 10, grace: 5, tolerance: 2, once: false, agree: ["amount"],
                          options: CorrelatorOptions(maxOpen: maxOpen))
            w.log(A, at: -20); w.log(B, at: -20); w.log(A, at: 40); w.log(B, at: 40)
            let r1 = w.receive("k", at: -1, agree: [.number(Array("5".utf8))])
            let s = w.send("k", at: 0, agree: [.number(Array("5".utf8))])
            w.receive("other", at: 1)  // a third item: past maxOpen 2, r1 (the oldest) goes
            w.correlator.advance(to: 3)  // "other" is judged orphan: s alone stays open
            let r2 = w.receive("k", at: 12, agree: [.number(Array("6".utf8))])
            w.correlator.finish()
            return (w, r1, s, r2)
        }
        let (full, fr1, fs, fr2) = run(maxOpen: 100)
        XCTAssertEqual(full.verdicts(of: fr1), [.confirmed])
        XCTAssertEqual(full.verdicts(of: fs), [.confirmed])
        XCTAssertEqual(full.verdicts(of: fr2), [.repeat])

        let (w, r1, s, r2) = run(maxOpen: 2)
        XCTAssertEqual(w.verdicts(of: r1), [.evictedReceive])
        XCTAssertEqual(w.verdicts(of: s), [.evictedSend])
        XCTAssertEqual(w.verdicts(of: r2), [.evictedReceive])
        XCTAssertEqual(w.tally[.late] + w.tally[.disagree] + w.tally[.confirmed], 0)
        XCTAssertEqual(w.tally.checkInvariants(), [])
    }

    /// An eviction casts doubt on its own handoff (rule, key) only: receives of other keys in
    /// its window are still judged orphan. The filter is a bounded table of key hashes, so a key
    /// may share a bucket with "a" (about 1 in 64 here) and be given up too: most must not.
    func testEvictionOfOneKeyLeavesOtherKeysJudged() {
        let w = World(within: 10, grace: 5, options: CorrelatorOptions(maxOpen: 1))
        w.log(A, at: -20); w.log(B, at: -20); w.log(A, at: 100); w.log(B, at: 100)
        let old = w.send("a", at: 10)
        var orphans: [InputPosition] = []
        for i in 0..<20 {
            orphans.append(w.receive("c\(i)", at: 12))  // the first one pushes "a" out
            w.correlator.advance(to: 12)
        }
        w.correlator.finish()
        XCTAssertEqual(w.verdicts(of: old), [.evictedSend])
        XCTAssertGreaterThanOrEqual(orphans.filter { w.verdicts(of: $0) == [.orphan] }.count, 15)
        XCTAssertEqual(w.tally[.orphan] + w.tally[.evictedReceive], 20)
    }

    /// Memory follows the handoffs in flight, not the input: a long steady stream keeps only its
    /// last windows open.
    func testMemoryIsBoundedByOpenHandoffs() {
        let w = World(within: 10, grace: 10)
        var peak = 0
        for i in Int64(0)..<20_000 {
            let t = i * 3
            w.log(A, at: t); w.log(B, at: t)
            w.send("k\(i)", at: t)
            if i % 7 != 0 { w.receive("k\(i)", at: t + 4) }
            w.correlator.advance(to: t - 5)
            peak = max(peak, w.correlator.openCount)
        }
        w.correlator.finish()
        XCTAssertLessThan(peak, 30)
        XCTAssertTrue(w.correlator.held.isEmpty)
        XCTAssertEqual(w.tally[.confirmed], 20_000 - 2_858)
        XCTAssertEqual(w.tally[.unconfirmed] + w.tally[.uncoveredSend], 2_858)
    }

    func testLateReceiveBehindTheWatermarkStillPairsWithAHeldSend() {
        let w = World(within: 10, grace: 5)
        w.log(A, at: 0); w.log(B, at: 0)
        let s = w.send("o1", at: 100)
        w.correlator.advance(to: 110)
        let r = w.receive("o1", at: 105)  // behind the watermark: out of order
        XCTAssertEqual(w.verdicts(of: r), [.confirmed])
        XCTAssertEqual(w.verdicts(of: s), [.confirmed])
    }
}

extension Verdict {
    var isSendSide: Bool {
        [.confirmed, .late, .unconfirmed, .uncoveredSend, .evictedSend, .unkeyedSend].contains(self)
    }
    var isReceiveSide: Bool {
        [.confirmed, .late, .orphan, .duplicate, .repeat, .uncoveredReceive, .evictedReceive, .unkeyedReceive].contains(self)
    }
}
