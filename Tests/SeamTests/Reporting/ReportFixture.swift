@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// A summary built by hand: two sources (one damaged), a missing path, two handoffs, and
/// findings of most kinds, with evidence at known `source:line`s.
enum ReportFixture {
    static let t0: Int64 = 1_795_953_601_234_000_000  // 2026-11-29T12:00:01.234Z
    static let ms: Int64 = 1_000_000
    static let s: Int64 = 1_000_000_000

    static let payments = HandoffRule(
        name: "orders->payments", from: "orders", to: "payments", sendKey: "request_id", receiveKey: "request_id",
        send: .event("payment.requested"), receive: .event("payment.received"), within: 5 * s, grace: 5 * s,
        tolerance: 0, agree: [.init(send: "amount", receive: "amount"), .init(send: "currency", receive: "currency")],
        once: true)
    static let ledger = HandoffRule(
        name: "payments->ledger", from: "payments", to: "ledger", sendKey: "payment_id", receiveKey: "payment_id",
        send: .fields([FieldCondition(path: "kind", test: .equals("settled"))]), receive: .event("booked"),
        within: 250 * ms, grace: 0, tolerance: 0, agree: [], once: true)

    static func send(_ line: UInt64, _ time: Int64) -> Finding.Evidence {
        .init(time: time, position: InputPosition(source: 0, line: line))
    }
    static func receive(_ line: UInt64, _ time: Int64) -> Finding.Evidence {
        .init(time: time, position: InputPosition(source: 1, line: line))
    }

    /// Findings of the first handoff, in the order a correlator might give them.
    static let findings: [Finding] = [
        Finding(verdict: .confirmed, rule: 0, key: "k1", send: send(10, t0), receive: receive(20, t0 + 120 * ms), latency: 120 * ms),
        Finding(verdict: .confirmed, rule: 0, key: "k2", send: send(11, t0 + s), receive: receive(21, t0 + s + 120 * ms),
                latency: 120 * ms, fields: ["currency"]),
        Finding(verdict: .confirmed, rule: 0, key: "k3", send: send(12, t0 + 2 * s), receive: receive(22, t0 + 2 * s + 130 * ms),
                latency: 130 * ms),
        Finding(verdict: .disagree, rule: 0, key: "k3", send: send(12, t0 + 2 * s), receive: receive(22, t0 + 2 * s + 130 * ms),
                latency: 130 * ms, fields: ["amount"], values: [(send: "12.50", receive: "12.6")]),
        Finding(verdict: .late, rule: 0, key: "k4", send: send(13, t0 + 3 * s), receive: receive(23, t0 + 10_200 * ms),
                latency: 7_200 * ms),
        Finding(verdict: .unconfirmed, rule: 0, key: "abc", send: send(1042, t0), receive: nil, latency: nil),
        Finding(verdict: .unconfirmed, rule: 0, key: "a\"b\nc\u{1}\u{1B}[31m", send: send(1043, t0 + 4 * s), receive: nil,
                latency: nil),
        Finding(verdict: .unconfirmed, rule: 0, key: String(decoding: [0x61, 0xFF, 0x62] as [UInt8], as: UTF8.self),
                send: send(1044, t0 + 5 * s), receive: nil, latency: nil),
        Finding(verdict: .unconfirmed, rule: 0, key: "k9", send: send(1045, t0 + 6 * s), receive: nil, latency: nil),
        Finding(verdict: .orphan, rule: 0, key: "zzz", send: nil, receive: receive(7, t0 + 30 * s), latency: nil),
        Finding(verdict: .duplicate, rule: 0, key: "k1", send: send(10, t0), receive: receive(88, t0 + 2 * s), latency: nil),
        Finding(verdict: .unkeyedSend, rule: 0, key: nil, send: send(5, t0 - 1), receive: nil, latency: nil),
    ]

    static func summary(examples: Int = 3) -> Summary {
        var orders = SourceStats()
        orders.lines = 1_000
        orders.events = 990
        for line: UInt64 in [17, 30, 31, 40, 41, 42, 43, 44] { orders.reject(.malformed, line: line) }
        orders.reject(.blank, line: 3)
        orders.reject(.blank, line: 4)
        var paymentsLog = SourceStats()
        paymentsLog.lines = 500
        paymentsLog.events = 500
        paymentsLog.outOfOrder = 2
        paymentsLog.reordered = true
        paymentsLog.errors = [InputError(code: .truncatedGzip, source: "payments.log.gz", offset: 1234,
                                      message: "the gzip stream ends early; lines after it are lost")]
        var a = HandoffTally(rule: payments, examplesPerKind: examples)
        for f in findings { a.record(f) }
        let b = HandoffTally(rule: ledger, examplesPerKind: examples)
        return Summary(
            sources: [.init(name: "orders.jsonl.gz", stats: orders), .init(name: "payments.log.gz", stats: paymentsLog)],
            inputErrors: [InputError(code: .notFound, source: "missing.log", offset: nil, message: "no such file")],
            coverage: [
                "orders": [.init(source: 0, first: t0 - 60 * s, last: t0 + 600 * s)],
                "payments": [.init(source: 1, first: t0 - 60 * s, last: t0 + 598_000 * ms)],
            ],
            handoffs: [a, b])
    }

    /// One clean source, one handoff, everything confirmed.
    static func clean() -> Summary {
        var st = SourceStats()
        st.lines = 12_345
        st.events = 12_345
        var a = HandoffTally(rule: payments, examplesPerKind: 3)
        a.record(findings[0])
        return Summary(sources: [.init(name: "all.jsonl", stats: st)], inputErrors: [], coverage: [:], handoffs: [a])
    }
}
