import Foundation
import XCTest

/// A new user's first-hour mistakes (issue 14): each used to end in "Nothing tore", exit 0, or
/// in findings that read like real tears. Now each is named, with the name the logs held, and
/// the exit code says the run could not judge it.
final class FirstHourTests: XCTestCase {
    /// gateway sends, orders receives, both logging throughout.
    func logs(in dir: URL) throws {
        var gateway = "", orders = ""
        for i in 0..<24 {
            let t = 1_764_000_000 + i
            gateway += "{\"ts\":\(t),\"service\":\"gateway\",\"event\":\"order.sent\",\"request_id\":\"r\(i)\"}\n"
            orders += "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"order.received\",\"request_id\":\"r\(i)\"}\n"
        }
        try gateway.write(to: dir.appendingPathComponent("gateway.jsonl"), atomically: true, encoding: .utf8)
        try orders.write(to: dir.appendingPathComponent("orders.jsonl"), atomically: true, encoding: .utf8)
    }

    func check(_ handoff: String, _ extra: [String] = []) throws -> SeamBinary.Result {
        let dir = try SeamBinary.temporaryFolder(self)
        try logs(in: dir)
        try ("version: 1\nhandoffs:\n" + handoff + "\n").write(to: dir.appendingPathComponent("seam.yaml"),
                                                               atomically: true, encoding: .utf8)
        return try SeamBinary.run(["check"] + extra + ["gateway.jsonl", "orders.jsonl"], directory: dir)
    }

    func testMisspeltServiceIsIncompleteAndNamesTheServiceSeen() throws {
        let spec = "  - {from: gatway, to: orders, key: request_id, send: order.sent, receive: order.received, within: 1s}"
        let r = try check(spec)
        XCTAssertEqual(r.code, 3, r.stdout)
        XCTAssertTrue(r.stdout.contains("handoff_not_judged"), r.stdout)
        XCTAssertFalse(r.stdout.contains("Nothing tore"), r.stdout)
        let json = try check(spec, ["--format", "json"]).json()
        let input = try XCTUnwrap(json["input"] as? [String: Any])
        XCTAssertEqual(input["complete"] as? Bool, false)
        let causes = (input["incomplete"] as? [[String: Any]] ?? []).compactMap { $0["cause"] as? String }
        XCTAssertTrue(causes.contains("handoff_not_judged"), "\(causes)")
        let handoff = try XCTUnwrap((json["handoffs"] as? [[String: Any]])?.first)
        let reasons = (handoff["diagnosis"] as? [String: Any])?["reasons"] as? [[String: Any]]
        XCTAssertEqual(reasons?.count, 1, "\(reasons ?? [])")
        XCTAssertEqual(reasons?.first?["nearest"] as? String, "gateway")
        XCTAssertEqual(reasons?.first?["message"] as? String,
                       "'gatway' appears in no record; did you mean 'gateway'? (services seen: gateway, orders)")
        // A spec that covers more services than these logs may say so.
        XCTAssertEqual(try check(spec, ["--allow-unjudged"]).code, 0)
    }

    func testMisspeltEventCautionsTheOrphansItMakes() throws {
        let r = try check("  - {from: gateway, to: orders, key: request_id, send: order.snet, receive: order.received, within: 1s}",
                          ["--format", "json"])
        XCTAssertEqual(r.code, 1, "the orphans are findings; the caution says why: \(r.stdout)")
        let handoff = try XCTUnwrap((try r.json()["handoffs"] as? [[String: Any]])?.first)
        let caution = try XCTUnwrap(handoff["caution"] as? String, "caution was null")
        XCTAssertTrue(caution.contains("no 'order.snet' event in 'gateway'; did you mean 'order.sent'?"), caution)
    }

    func testMisspeltKeyNamesTheField() throws {
        let r = try check("  - {from: gateway, to: orders, key: reqest_id, send: order.sent, receive: order.received, within: 1s}",
                          ["--format", "json"])
        XCTAssertEqual(r.code, 3, r.stdout)
        let input = try XCTUnwrap(try r.json()["input"] as? [String: Any])
        let messages = (input["incomplete"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        XCTAssertTrue(messages.contains { $0.contains("had no 'reqest_id' field; did you mean 'request_id'?") }, "\(messages)")
    }
}
