import Foundation
import XCTest

/// `watch` on a stream whose events arrive later than `--reorder` allows (a trace export
/// grouped by key): it says how far behind they came and the `--reorder` that would have held
/// them, and with that bound its verdicts equal `check`'s.
final class WatchReorderAdviceTests: XCTestCase {
    func testBelatedEventsNameTheReorderThatHoldsThem() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try SeamBinary.paySpec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        // Groups of 20 handoffs; within a group every send first, then every receive, so each
        // group's sends run up to ~2.9 s ahead of the receives that follow them.
        var lines: [String] = []
        let base = 1_764_000_000_000
        for g in 0..<40 {
            let ids = (0..<20).map { g * 20 + $0 }
            for i in ids { lines.append("{\"ts\":\(base + i * 150),\"service\":\"orders\",\"event\":\"sent\",\"id\":\"k\(i)\"}") }
            for i in ids where i % 13 != 0 {
                lines.append("{\"ts\":\(base + i * 150 + 40),\"service\":\"payments\",\"event\":\"got\",\"id\":\"k\(i)\"}")
            }
        }
        let stream = Data((lines.joined(separator: "\n") + "\n").utf8)
        try stream.write(to: dir.appendingPathComponent("s.jsonl"))
        let check = try SeamBinary.run(["check", "--format", "json", "--fail-on", "none", "s.jsonl"], directory: dir)
        let expected = handoff(try check.json(), "pay")

        let watch = try SeamBinary.run(["watch", "--format", "jsonl", "--fail-on", "none"], input: stream, directory: dir)
        XCTAssertTrue(watch.stderr.contains("arrived behind their source's watermark"), watch.stderr)
        // The most belated receive came 19 x 150 ms - 40 ms = 2.81 s behind: 3s holds it.
        XCTAssertTrue(watch.stderr.contains("up to 2.81s behind"), watch.stderr)
        XCTAssertTrue(watch.stderr.contains("--reorder 3s would have held them all"), watch.stderr)
        let last = try XCTUnwrap(watch.stdout.split(separator: "\n").last)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])["summary"]
        let input = try XCTUnwrap((summary as? [String: Any])?["input"] as? [String: Any])
        XCTAssertEqual(input["reorder_to_hold_all"] as? String, "3s")

        let held = try SeamBinary.run(["watch", "--format", "jsonl", "--fail-on", "none", "--reorder", "3s"],
                                      input: stream, directory: dir)
        XCTAssertFalse(held.stderr.contains("arrived behind"), held.stderr)
        let heldSummary = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(try XCTUnwrap(held.stdout.split(separator: "\n").last).utf8)) as? [String: Any])["summary"]
        let got = handoff(try XCTUnwrap(heldSummary as? [String: Any]), "pay")
        for key in ["sent", "received", "confirmed", "unconfirmed", "orphan"] {
            XCTAssertEqual(int(got?[key]), int(expected?[key]), key)
        }
        // Every lost send is found, by check and by watch with the bound it advised.
        let lost = (0..<800).filter { $0 % 13 == 0 }.count
        XCTAssertEqual((int(expected?["unconfirmed"]) ?? 0) + (int(expected?["uncovered_sends"]) ?? 0), lost)
        XCTAssertEqual((int(got?["unconfirmed"]) ?? 0) + (int(got?["uncovered_sends"]) ?? 0), lost)
    }
}
