import Foundation
import XCTest

/// `seam explain` through the binary on the bundled shop (issue 16): the journey of a key, and
/// verdicts equal to those `check` gives for that key.
final class ExplainCLITests: XCTestCase {
    let spec = ["--spec", "Fixtures/shop/seam.yaml"]
    let logs = "Fixtures/shop/logs"

    func testLostPaymentJourneyInText() throws {
        let r = try SeamBinary.run(["explain"] + spec + ["r-1093", logs])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("seam explain r-1093: 1 record, 1 verdict\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("orders  payment.requested  Fixtures/shop/logs/orders.jsonl.gz:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("send of payment\n    {\"ts\":\"2026-11-28T14:05:05.902Z\",\"service\":\"orders\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("  => payment: unconfirmed: no receive by 2026-11-28T14:05:09.902Z"), r.stdout)
    }

    /// For every key of `check`'s findings (jsonl: every non-confirmed one), `explain` gives the
    /// same verdicts: kind, handoff and the `source:line` of both sides.
    func testVerdictsEqualChecksForEveryFindingKey() throws {
        let check = try SeamBinary.run(["check", "--format", "jsonl"] + spec + [logs])
        XCTAssertEqual(check.code, 1, check.stderr)
        var byKey: [String: [[String]]] = [:]
        for line in check.stdout.split(separator: "\n") {
            let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard obj["summary"] == nil, let key = obj["key"] as? String else { continue }
            func place(_ side: Any?) -> String {
                guard let s = side as? [String: Any], let source = s["source"] as? String, let line = s["line"] as? Int else { return "-" }
                return "\(source):\(line)"
            }
            byKey[key, default: []].append([obj["handoff"] as? String ?? "?", obj["kind"] as? String ?? "?",
                                            place(obj["send"]), place(obj["receive"])])
        }
        XCTAssertGreaterThanOrEqual(byKey.count, 5, "the shop's planted tears")
        for (key, expected) in byKey {
            let r = try SeamBinary.run(["explain", "--format", "json"] + spec + [key, logs])
            XCTAssertEqual(r.code, 0, r.stderr)
            let j = try r.json()
            XCTAssertEqual(j["key"] as? String, key)
            let verdicts = try XCTUnwrap(j["verdicts"] as? [[String: Any]])
            let got = verdicts.filter { $0["verdict"] as? String != "confirmed" }.map {
                [$0["handoff"] as? String ?? "?", $0["verdict"] as? String ?? "?",
                 $0["send"] as? String ?? "-", $0["receive"] as? String ?? "-"]
            }
            XCTAssertEqual(got.sorted { $0.joined() < $1.joined() }, expected.sorted { $0.joined() < $1.joined() }, key)
            let records = try XCTUnwrap(j["records"] as? [[String: Any]])
            XCTAssertFalse(records.isEmpty, key)
            for rec in records {
                for field in ["source", "line", "time", "service", "event", "handoff", "side"] {
                    XCTAssertTrue(rec.keys.contains(field), "\(key): record without \(field)")
                }
            }
            let times = records.compactMap { $0["time"] as? String }
            XCTAssertEqual(times, times.sorted(), key)
        }
    }

    func testStdinIsReadTwice() throws {
        let gz = try Data(contentsOf: SeamBinary.root.appendingPathComponent("Fixtures/shop/logs/orders.jsonl.gz"))
        let r = try SeamBinary.run(["explain", "--format", "json", "--service", "orders=-"] + spec
                                   + ["r-1132", "-", "Fixtures/shop/logs/payments-a.jsonl.gz"], input: gz)
        XCTAssertEqual(r.code, 0, r.stderr)
        let j = try r.json()
        let records = try XCTUnwrap(j["records"] as? [[String: Any]])
        XCTAssertEqual(records.first?["source"] as? String, "-")
        XCTAssertEqual(records.first?["side"] as? String, "send")
        let verdicts = try XCTUnwrap(j["verdicts"] as? [[String: Any]])
        XCTAssertEqual(verdicts.compactMap { $0["verdict"] as? String }, ["confirmed", "duplicate"])
        XCTAssertTrue((verdicts.first?["send"] as? String)?.hasPrefix("-:") ?? false)
    }

    func testUnknownKeyExitsOne() throws {
        let r = try SeamBinary.run(["explain"] + spec + ["r-0000", logs])
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.stdout.contains("No record holds r-0000 in a key field (order_id, request_id, ctx.request_id)."), r.stdout)
    }

    /// An unconfirmed send names the nearest receive of its key (near misses, issue 14).
    func testUnconfirmedNamesTheNearestReceive() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try "{\"ts\":1800000000,\"service\":\"orders\",\"event\":\"sent\",\"id\":\"k1\"}\n{\"ts\":1800000009,\"service\":\"orders\",\"event\":\"tick\"}\n"
            .write(to: dir.appendingPathComponent("orders.jsonl"), atomically: true, encoding: .utf8)
        try "{\"ts\":1799999999,\"service\":\"payments\",\"event\":\"got\",\"id\":\"k0\"}\n{\"ts\":1800000003.2,\"service\":\"payments\",\"event\":\"got\",\"id\":\"k1\"}\n"
            .write(to: dir.appendingPathComponent("payments.jsonl"), atomically: true, encoding: .utf8)
        try "version: 1\nhandoffs:\n  - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 500ms}\n"
            .write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let r = try SeamBinary.run(["explain", "k1", "orders.jsonl", "payments.jsonl"], directory: dir)
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("=> pay: unconfirmed: no receive by 2027-01-15T08:00:01.000Z; "
            + "nearest receive of this key +3.2s in payments (payments.jsonl:2)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("=> pay: orphan: no send since 2027-01-15T08:00:02.200Z; "
            + "nearest send of this key -3.2s in orders (orders.jsonl:1)"), r.stdout)
    }
}
