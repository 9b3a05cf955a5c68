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

    /// Nine gateway lines without a time turn into seven orphans "gateway never sent it" (two
    /// more are uncovered); the orphans and the caution now name those lines.
    func testRejectedLinesAreNamedByTheOrphansTheyMake() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        var gateway = "", orders = ""
        for i in 0..<24 {
            let t = 1_764_000_000 + i
            let time = i < 2 || (5...11).contains(i) ? "" : "\"ts\":\(t),"
            gateway += "{\(time)\"service\":\"gateway\",\"event\":\"order.sent\",\"request_id\":\"r\(i)\"}\n"
            orders += "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"order.received\",\"request_id\":\"r\(i)\"}\n"
        }
        try gateway.write(to: dir.appendingPathComponent("gateway.jsonl"), atomically: true, encoding: .utf8)
        try orders.write(to: dir.appendingPathComponent("orders.jsonl"), atomically: true, encoding: .utf8)
        try ("version: 1\nhandoffs:\n  - {from: gateway, to: orders, key: request_id, send: order.sent, "
            + "receive: order.received, within: 1s}\n").write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let text = try SeamBinary.run(["check", "gateway.jsonl", "orders.jsonl"], directory: dir)
        XCTAssertEqual(text.code, 1, text.stdout)
        XCTAssertTrue(text.stdout.contains("gateway->orders: 7 orphans"), text.stdout)
        XCTAssertTrue(text.stdout.contains("caution: 7 of 7 orphans have gateway lines rejected in their window: "
            + "7 gateway lines rejected `no-time` (gateway.jsonl:6-12, between 2025-11-24T16:00:04.000Z and 16:00:12.000Z); "
            + "these orphans may be their sends"), text.stdout)
        XCTAssertTrue(text.stdout.contains("but gateway never sent it in the 2s before; in its window: 7 gateway lines rejected "
            + "`no-time` (gateway.jsonl:6-12"), text.stdout)

        let json = try SeamBinary.run(["check", "--format", "json", "gateway.jsonl", "orders.jsonl"], directory: dir).json()
        let handoff = try XCTUnwrap((json["handoffs"] as? [[String: Any]])?.first)
        let orphan = try XCTUnwrap((handoff["examples"] as? [[String: Any]])?.first { $0["kind"] as? String == "orphan" })
        let near = try XCTUnwrap((orphan["rejected_nearby"] as? [[String: Any]])?.first)
        XCTAssertEqual(near["source"] as? String, "gateway.jsonl")
        XCTAssertEqual(near["reason"] as? String, "no-time")
        XCTAssertEqual(near["count"] as? Int, 7)
        XCTAssertEqual(near["first_line"] as? Int, 6)
        XCTAssertEqual(near["earliest"] as? String, "2025-11-24T16:00:04.000Z")
        let hood = try XCTUnwrap(((handoff["diagnosis"] as? [String: Any])?["rejected_nearby"] as? [[String: Any]])?.first)
        XCTAssertEqual(hood["kind"] as? String, "orphan")
        XCTAssertEqual(hood["touched"] as? Int, 7)
        let detail = try XCTUnwrap(((json["input"] as? [String: Any])?["sources_detail"] as? [[String: Any]])?.first)
        XCTAssertEqual((detail["rejection_runs"] as? [[String: Any]])?.compactMap { $0["count"] as? Int }, [2, 7])
        XCTAssertEqual(detail["rejection_runs_capped"] as? Bool, false)
    }
}
