import Foundation
import SeamFuzzSupport
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

/// `seam explain` at library level on the shop fixture (issue 16): the journey of a key holds
/// every record whose key field holds it (checked against a plain text search of the
/// decompressed logs), in time order, and exactly the verdicts `check` gives that key.
final class KeyJourneyTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private var logs: String { Self.root.appendingPathComponent("Fixtures/shop/logs").path }
    private func spec() throws -> HandoffSpec {
        try SpecLoader.load(path: Self.root.appendingPathComponent("Fixtures/shop/seam.yaml").path)
    }

    /// Every finding of a plain `check` run, confirmed pairs included.
    private final class All: FindingSink {
        var findings: [Finding] = []
        func found(_ f: Finding) { findings.append(f) }
        func discardFindings() { findings.removeAll() }
    }

    /// Lines of the shop's logs whose key fields (order_id, request_id, ctx.request_id) hold
    /// `key`, as a JSON string or a logfmt value (`ctx.order` holds order ids too: not a key).
    private func linesHolding(_ key: String) throws -> [String: [UInt64]] {
        var out: [String: [UInt64]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: logs).sorted() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: logs + "/" + name)))
            let text = String(decoding: ReferenceGunzip(bytes).decoded, as: UTF8.self)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where ["order_id", "request_id"].contains(where: { field in
                line.contains("\"\(field)\":\"\(key)\"") || line.contains("\(field)=\(key) ") || line.hasSuffix("\(field)=\(key)")
            }) {
                out[logs + "/" + name, default: []].append(UInt64(i + 1))
            }
        }
        return out
    }

    private struct Verdict: Hashable {
        var kind: String, rule: Int32, send: InputPosition?, receive: InputPosition?, latency: Int64?
        init(_ f: Finding) {
            (kind, rule, send, receive, latency) = (f.verdict.rawValue, f.rule, f.send?.position, f.receive?.position, f.latency)
        }
    }

    func testShopLostPaymentIsOneSendAndItsUnconfirmed() throws {
        let j = KeyJourney.trace(spec: try spec(), key: "r-1093", paths: [logs])
        XCTAssertEqual(j.records.count, 1)
        XCTAssertEqual(j.records.first?.service, "orders")
        XCTAssertEqual(j.records.first?.event, "payment.requested")
        XCTAssertEqual(j.records.first?.roles, [KeyJourney.Role(rule: 1, side: .send)])
        XCTAssertTrue(j.records.first?.raw.contains("\"request_id\":\"r-1093\"") ?? false)
        XCTAssertEqual(j.verdicts.map(\.verdict), [.unconfirmed])
        let text = KeyJourneyReport.text(j)
        XCTAssertTrue(text.contains("orders.jsonl.gz:\(j.records[0].position.line)  send of payment"), text)
        XCTAssertTrue(text.contains("  => payment: unconfirmed: no receive by 2026-11-28T14:05:09.902Z"), text)
    }

    /// o-4152: submitted on web, received by orders (confirmed), the shipment accepted 7.3 s
    /// after its request (late); the payment request carries the order id too (no side of a
    /// handoff keyed by it).
    func testShopLateShipmentJourneyInTimeOrder() throws {
        let j = KeyJourney.trace(spec: try spec(), key: "o-4152", paths: [logs])
        XCTAssertEqual(j.records.map(\.service), ["web", "orders", "orders", "orders", "shipping"])
        XCTAssertEqual(j.records.map(\.time), j.records.map(\.time).sorted())
        XCTAssertEqual(j.records.map { $0.roles.map(\.side) }, [[.send], [.receive], [], [.send], [.receive]])
        XCTAssertEqual(j.verdicts.map(\.verdict), [.confirmed, .late])
        let text = KeyJourneyReport.text(j)
        let confirmed = try XCTUnwrap(text.range(of: "=> checkout: confirmed in 119ms"))
        let late = try XCTUnwrap(text.range(of: "=> shipment: late: confirmed after 7.3s, past within 5s"))
        let shipping = try XCTUnwrap(text.range(of: "shipping.log.gz:"))
        XCTAssertLessThan(confirmed.lowerBound, shipping.lowerBound, "each verdict after the last record it took part in")
        XCTAssertLessThan(shipping.lowerBound, late.lowerBound)
    }

    /// Over every key of the shop's non-confirmed findings and a sample of confirmed ones: the
    /// journey's verdicts are exactly `check`'s findings of that key, each of their sides is a
    /// record of the journey, and the records are exactly the lines holding the key.
    func testVerdictsEqualChecksAndRecordsEqualATextSearch() throws {
        let spec = try spec()
        let all = All()
        _ = HandoffCheck(spec: spec, sink: all).run(paths: [logs])
        var keys = Set(all.findings.filter { $0.verdict != .confirmed }.compactMap(\.key))
        XCTAssertGreaterThanOrEqual(keys.count, 5)
        keys.formUnion(all.findings.compactMap(\.key).sorted().prefix(12))
        for key in keys.sorted() {
            let j = KeyJourney.trace(spec: spec, key: key, paths: [logs])
            let expected = all.findings.filter { $0.key == key }.map(Verdict.init)
            XCTAssertEqual(Set(j.verdicts.map(Verdict.init)), Set(expected), key)
            XCTAssertEqual(j.verdicts.count, expected.count, key)
            let positions = Set(j.records.map(\.position))
            for f in j.verdicts {
                for e in [f.send, f.receive].compactMap({ $0 }) {
                    XCTAssertTrue(positions.contains(e.position), "\(key): \(f.verdict) evidence not among the records")
                }
            }
            var found: [String: [UInt64]] = [:]
            for r in j.records { found[j.summary.sourceName(r.position.source), default: []].append(r.position.line) }
            XCTAssertEqual(found.mapValues { $0.sorted() }, try linesHolding(key), key)
            XCTAssertEqual(j.records, j.records.sorted(by: JourneySelector.before), key)
        }
    }

    func testUnknownKeyHasNothing() throws {
        let j = KeyJourney.trace(spec: try spec(), key: "r-0000", paths: [logs])
        XCTAssertEqual(j.records, [])
        XCTAssertEqual(j.verdicts, [])
        XCTAssertTrue(KeyJourneyReport.text(j).contains("No record holds r-0000 in a key field (order_id, request_id, ctx.request_id)."))
    }

    func testLongLinesAreCutAtACharacterBoundary() {
        let text = String(repeating: "é", count: 300)  // 600 bytes
        let bytes = Array(text.utf8)
        let (raw, cut) = bytes.withUnsafeBytes { JourneySelector.cut($0, to: 401) }
        XCTAssertEqual(raw, String(repeating: "é", count: 200))
        XCTAssertEqual(cut, 200)
    }
}
