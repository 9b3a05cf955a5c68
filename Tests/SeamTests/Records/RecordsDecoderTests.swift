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

final class RecordsDecoderTests: XCTestCase {
    struct Decoded: Equatable {
        var time: Int64
        var service: String
        var event: String?
    }

    /// Decodes `lines` with one decoder (one source); each result is an event or a rejection.
    func decode(_ lines: [String], config: FieldConfig = FieldConfig(), extra: [FieldPath] = [],
                defaultService: String? = nil, inspect: ((RecordView, RecordDecoder) -> Void)? = nil)
        -> [Result<Decoded, RejectReasonError>] {
        let services = ServiceTable()
        var decoder = RecordDecoder(config: config, extraPaths: extra, services: services)
        let fallback = defaultService.map { services.intern($0) }
        let snapshot = decoder
        return lines.map { line in
            var out: Decoded?
            let bytes = Array(line.utf8)
            var calls = 0
            let reason = bytes.withUnsafeBytes { raw in
                decoder.decode(raw, defaultService: fallback) { view in
                    calls += 1
                    let event = view.eventSlot.flatMap { view.value($0) }.map(\.text)
                    out = Decoded(time: view.time, service: services.name(view.service), event: event)
                    inspect?(view, snapshot)
                }
            }
            XCTAssertEqual(calls, reason == nil ? 1 : 0)
            if let reason { return .failure(RejectReasonError(reason: reason)) }
            return .success(out!)
        }
    }

    struct RejectReasonError: Error, Equatable { let reason: RejectReason }

    func event(_ t: Int64, _ s: String, _ e: String? = nil) -> Result<Decoded, RejectReasonError> {
        .success(Decoded(time: t, service: s, event: e))
    }

    func reject(_ r: RejectReason) -> Result<Decoded, RejectReasonError> { .failure(RejectReasonError(reason: r)) }

    func testJSONEventsAndRejections() {
        let r = decode([
            #"{"ts":"1970-01-01T00:00:01Z","service":"api","event":"sent"}"#,
            #"{"ts":2,"service":"api","msg":"hello"}"#,
            #"{"ts":3,"service":"api""#,
            #"{"service":"api"}"#,
            #"{"ts":"yesterday","service":"api"}"#,
            #"{"ts":4}"#,
            #"{"ts":"bad","time":5}"#,
            #"a=b ts=6 service=api"#,
            #"   "#,
        ])
        XCTAssertEqual(r, [
            event(1_000_000_000, "api", "sent"),
            event(2_000_000_000, "api", "hello"),
            reject(.malformed), reject(.noTime), reject(.badTime), reject(.noService),
            reject(.badTime),  // a present time that does not parse never falls through
            reject(.malformed),  // a JSON source's logfmt line
            reject(.malformed),
        ])
    }

    func testRejectionPrecedence() {
        // No time and no service: no-time wins; bad time and no service: bad-time wins.
        XCTAssertEqual(decode([#"{"x":1}"#, #"{"ts":"x"}"#, #"{"ts":"x","service":"a"#]),
                       [reject(.noTime), reject(.badTime), reject(.malformed)])
    }

    func testListOrderNotRecordOrderAndScalarsOnly() {
        let r = decode([
            #"{"time":5,"ts":6,"app":"x","service":"y"}"#,
            #"{"ts":null,"time":7,"service":{"name":"nested"}}"#,
            #"{"ts":{"a":1},"time":[1],"timestamp":8,"service":null,"service.name":"lit","app":"z"}"#,
            #"{"@timestamp":9,"service":["a"],"app":"fallback","event":{"x":1},"msg":"m"}"#,
            #"{"ts":10,"service":{"name":null},"message":"mm"}"#,
        ], defaultService: "file")
        XCTAssertEqual(r, [
            event(6_000_000_000, "y"),
            event(7_000_000_000, "nested"),
            event(8_000_000_000, "lit"),
            event(9_000_000_000, "fallback", "m"),
            event(10_000_000_000, "file", "mm"),
        ])
    }

    func testLogfmtSource() {
        let r = decode([
            "just a banner line",
            #"ts=1.5 service=billing event="payment sent" amount=10.50"#,
            #"time="1970-01-01 00:00:03" app=web msg=ok"#,
            #"ts=4 msg="unterminated"#,
            #"{"ts":5,"service":"x"}"#,
            "ts=x service=a",
            "ts service=a",
            "ts=7",
        ])
        XCTAssertEqual(r, [
            reject(.malformed),
            event(1_500_000_000, "billing", "payment sent"),
            event(3_000_000_000, "web", "ok"),
            reject(.malformed), reject(.malformed), reject(.badTime),
            reject(.badTime),  // bare key: `true` is no time
            reject(.noService),
        ])
    }

    func testFormatIsRemembered() {
        let services = ServiceTable()
        var d = RecordDecoder(config: FieldConfig(), extraPaths: [], services: services)
        XCTAssertNil(d.format)
        _ = Array("hello".utf8).withUnsafeBytes { d.decode($0, defaultService: nil) { _ in } }
        XCTAssertNil(d.format, "a line that is neither format decides nothing")
        _ = Array("{".utf8).withUnsafeBytes { d.decode($0, defaultService: nil) { _ in } }
        XCTAssertEqual(d.format, .json)
    }

    func testViewAccessors() {
        let config = FieldConfig()
        var checked = 0
        _ = decode([#"{"ts":1,"service":"a\u0062c","event":"pay\u006D","order":{"id":"0042","amount":1250.0},"n":null,"tags":["x"],"ok":true}"#],
                   config: config, extra: ["order.id", "order.amount", "n", "tags", "ok", "nope"]) { view, d in
            let id = d.slot(for: "order.id")!, amount = d.slot(for: "order.amount")!
            XCTAssertEqual(view.value(id), .string(Array("0042".utf8)))
            XCTAssertTrue(view.equals(id, Array("42".utf8)), "decimal equality: 0042 = 42")
            XCTAssertTrue(view.equals(amount, Array("1.25e3".utf8)))
            XCTAssertFalse(view.equals(amount, Array("125".utf8)))
            XCTAssertTrue(view.eventEquals(Array("paym".utf8)), "escapes decoded before comparing")
            XCTAssertFalse(view.eventEquals(Array("pay".utf8)))
            XCTAssertFalse(view.isPresent(d.slot(for: "n")!))
            XCTAssertNil(view.value(d.slot(for: "n")!))
            XCTAssertNil(view.value(d.slot(for: "nope")!))
            XCTAssertEqual(view.value(d.slot(for: "tags")!), .composite(Array(#"["x"]"#.utf8)))
            XCTAssertFalse(view.equals(d.slot(for: "tags")!, Array(#"["x"]"#.utf8)), "composites are not scalars")
            XCTAssertEqual(view.value(d.slot(for: "ok")!), .bool(true))
            XCTAssertTrue(view.equals(d.slot(for: "ok")!, Array("true".utf8)))
            XCTAssertNil(d.slot(for: "order"), "only planned paths are slots")
            checked += 1
        }
        XCTAssertEqual(checked, 1)
    }
}

final class RecordsRobustnessTests: XCTestCase {
    /// Random bytes and near-valid lines through every entry point: never a trap, always a result.
    func testGarbageNeverTraps() {
        var rng = RecordsRNG(seed: 0xBAD)
        let alphabet = Array("{}[]:,\"\\ =0123456789.eE+-tfnul\u{1}\t\nTZ:abc".utf8) + [0xC3, 0xA9, 0xFF]
        let services = ServiceTable()
        var json = RecordDecoder(config: FieldConfig(), extraPaths: ["a.b", "k"], services: services)
        var logfmt = RecordDecoder(config: FieldConfig(), extraPaths: ["a.b", "k"], services: services)
        _ = Array("a=b".utf8).withUnsafeBytes { logfmt.decode($0, defaultService: nil) { _ in } }
        _ = Array("{}".utf8).withUnsafeBytes { json.decode($0, defaultService: nil) { _ in } }
        var outcomes: [String: Int] = [:]
        let jsonSlots = json.plan.count, logfmtSlots = logfmt.plan.count
        for _ in 0..<4000 {
            var line: [UInt8] = rng.chance(50) ? Array(#"{"ts":"#.utf8) : Array("ts=".utf8)
            for _ in 0..<rng.int(60) { line.append(rng.pick(alphabet)) }
            line.withUnsafeBytes { raw in
                for k in 0..<2 {
                    var events = 0
                    let reason = k == 0 ? json.decode(raw, defaultService: 0) { v in
                        events += 1
                        for s in 0..<jsonSlots { _ = v.value(s); _ = v.equals(s, [0x31]) }
                    } : logfmt.decode(raw, defaultService: nil) { v in
                        events += 1
                        for s in 0..<logfmtSlots { _ = v.value(s); _ = v.equals(s, [0x31]) }
                    }
                    XCTAssertEqual(events, reason == nil ? 1 : 0)
                    outcomes[reason?.rawValue ?? "event", default: 0] += 1
                }
                _ = Timestamp.parse(raw, isNumber: false)
                _ = DecimalText.equal(raw, raw)
                _ = FieldValue.composite([UInt8](raw)).agrees(with: .composite([UInt8](raw) + [0x20]))
            }
        }
        XCTAssertGreaterThan(outcomes["malformed", default: 0], 100)
        XCTAssertGreaterThan(outcomes["event", default: 0] + outcomes["bad-time", default: 0], 100)
    }
}

final class RecordsFieldPlanTests: XCTestCase {
    func testDedupAndDenseSlots() {
        let plan = FieldPlan(paths: ["ts", "a.b", "ts", "c", "a.b"])
        XCTAssertEqual(plan.count, 3)
        XCTAssertEqual(plan.paths, ["ts", "a.b", "c"])
        XCTAssertEqual(plan.slot(for: "ts"), 0)
        XCTAssertEqual(plan.slot(for: "a.b"), 1)
        XCTAssertEqual(plan.slot(for: "c"), 2)
        XCTAssertNil(plan.slot(for: "a"))
        XCTAssertEqual(plan.spanCapacity, 4, "one nested alternate for the dotted path")
        XCTAssertEqual(FieldPlan(paths: []).count, 0)
        XCTAssertEqual(scanJSON("{}", []).0, .complete)
    }

    func testByteOrderMarkIsSkipped() {
        let services = ServiceTable()
        var d = RecordDecoder(config: FieldConfig(), extraPaths: [], services: services)
        var time: Int64?
        let line: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"ts":1,"service":"a"}"#.utf8)
        let reason = line.withUnsafeBytes { d.decode($0, defaultService: nil) { time = $0.time } }
        XCTAssertNil(reason)
        XCTAssertEqual(time, 1_000_000_000)
        XCTAssertEqual(d.format, .json)
    }
}
