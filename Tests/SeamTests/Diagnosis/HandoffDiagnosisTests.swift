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

/// A new user's first-hour mistakes in a spec are named, with the name the input held: a
/// misspelt service, event or key field, and sends whose receiver never logged then.
final class HandoffDiagnosisTests: XCTestCase {
    private func logs(_ dir: TempDir) -> [String] {
        var gateway = "", orders = ""
        for i in 0..<30 {
            let t = 1_800_000_000 + i
            gateway += "{\"ts\":\(t),\"service\":\"gateway\",\"event\":\"order.sent\",\"request_id\":\"r\(i)\",\"http\":{\"path\":\"/o\"}}\n"
            orders += "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"order.received\",\"request_id\":\"r\(i)\"}\n"
            orders += "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"tick\"}\n"
        }
        return [dir.write("gateway.jsonl", gateway), dir.write("orders.jsonl", orders)]
    }

    private func diagnose(_ handoff: String, _ paths: [String]) throws -> (Summary, HandoffDiagnosis?) {
        let spec = try SpecLoader.load(text: "version: 1\nhandoffs:\n" + handoff, file: "s.yaml")
        let summary = HandoffCheck(spec: spec).run(paths: paths)
        let (sources, _) = SourceWalker.expand(paths, services: [:])
        let sample = InputSampler.sample(sources: sources, spec: spec)
        return (summary, HandoffDiagnosis.diagnose(summary.handoffs[0], sample: sample))
    }

    func testMisspeltServiceNamesTheServiceSeen() throws {
        let dir = TempDir()
        let (summary, d) = try diagnose("""
              - {from: gatway, to: orders, key: request_id, send: order.sent, receive: order.received, within: 1s}
            """, logs(dir))
        XCTAssertEqual(summary.handoffs[0][.uncoveredReceive], 30, "the sender never logged")
        XCTAssertEqual(d?.couldNotBeJudged, true)
        let reason = try XCTUnwrap(d?.reasons.first)
        XCTAssertEqual(reason.cause, .serviceNotSeen)
        XCTAssertEqual(reason.name, "gatway")
        XCTAssertEqual(reason.nearest, "gateway")
        XCTAssertTrue(reason.message.contains("'gatway' appears in no record; did you mean 'gateway'?"), reason.message)
    }

    func testMisspeltEventNamesTheEventsSeen() throws {
        let dir = TempDir()
        let (summary, d) = try diagnose("""
              - {from: gateway, to: orders, key: request_id, send: order.snet, receive: order.received, within: 1s}
            """, logs(dir))
        // The receives read like real tears: 30 orphans. The diagnosis says why, as a caution.
        XCTAssertEqual(summary.handoffs[0][.orphan] + summary.handoffs[0][.uncoveredReceive], 30)
        XCTAssertGreaterThan(summary.handoffs[0][.orphan], 20)
        XCTAssertEqual(d?.couldNotBeJudged, false)
        XCTAssertEqual(d?.reasons.count, 1, "\(d?.reasons ?? [])")
        let reason = try XCTUnwrap(d?.reasons.first)
        XCTAssertEqual(reason.cause, .eventNotSeen)
        XCTAssertEqual(reason.side, "send")
        XCTAssertEqual(reason.nearest, "order.sent")
        XCTAssertTrue(reason.message.contains("no 'order.snet' event in 'gateway'; did you mean 'order.sent'?"), reason.message)
    }

    func testMisspeltKeyNamesTheFieldsSeen() throws {
        let dir = TempDir()
        let (summary, d) = try diagnose("""
              - {from: gateway, to: orders, key: reqest_id, send: order.sent, receive: order.received, within: 1s}
            """, logs(dir))
        XCTAssertEqual(summary.handoffs[0][.unkeyedSend], 30)
        let reason = try XCTUnwrap(d?.reasons.first)
        XCTAssertEqual(reason.cause, .keyNotSeen)
        XCTAssertEqual(reason.nearest, "request_id")
        XCTAssertTrue(reason.seen.contains("http.path"), "nested fields are listed: \(reason.seen)")
    }

    func testAJudgedHandoffHasNoDiagnosis() throws {
        let dir = TempDir()
        let (summary, d) = try diagnose("""
              - {from: gateway, to: orders, key: request_id, send: order.sent, receive: order.received, within: 1s}
            """, logs(dir))
        XCTAssertEqual(summary.handoffs[0][.confirmed], 30)
        XCTAssertNil(d)
    }
}
