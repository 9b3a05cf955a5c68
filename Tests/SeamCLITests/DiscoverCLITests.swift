import Foundation
import XCTest

/// `seam discover` through the binary: the README's promise, `seam discover Fixtures/shop/logs >
/// d.yaml && seam check --spec d.yaml Fixtures/shop/logs`, and its exit codes.
final class DiscoverCLITests: XCTestCase {
    func testDraftThenCheckFindsThePlantedTears() throws {
        let discover = try SeamBinary.run(["discover", "Fixtures/shop/logs"])
        XCTAssertEqual(discover.code, 0, discover.stderr)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seam-discover-cli-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let draft = dir.appendingPathComponent("d.yaml")
        try discover.stdout.write(to: draft, atomically: true, encoding: .utf8)
        let check = try SeamBinary.run(["check", "--spec", draft.path, "--format", "jsonl", "--fail-on", "all", "Fixtures/shop/logs"])
        XCTAssertEqual(check.code, 1, check.stderr)  // gaps found, the spec accepted as it is
        var tears = Set<String>()
        for line in check.stdout.split(separator: "\n") {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            if let kind = obj["kind"] as? String, let key = obj["key"] as? String { tears.insert("\(kind) \(key)") }
        }
        for planted in ["unconfirmed r-1093", "duplicate r-1132", "disagree r-1069", "late o-4152", "orphan o-9999"] {
            XCTAssertTrue(tears.contains(planted), "\(planted) not in \(tears)")
        }
    }

    func testJSONAndExitCodes() throws {
        let json = try SeamBinary.run(["discover", "--format", "json", "--max-handoffs", "2", "Fixtures/shop/logs"])
        XCTAssertEqual(json.code, 0, json.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let handoffs = obj["handoffs"] as! [[String: Any]]
        XCTAssertEqual(handoffs.count, 2)
        XCTAssertNotNil(handoffs[0]["evidence"] as? [String: Any])
        XCTAssertTrue((obj["spec"] as! String).contains("handoffs:"))
        XCTAssertEqual((obj["input"] as! [String: Any])["lines"] as? Int, 730)

        // Nothing shared: exit 1 and a note; bad options: exit 2.
        let none = try SeamBinary.run(["discover", "-"], input: Data("{\"ts\":1,\"service\":\"a\",\"event\":\"x\",\"id\":\"1\"}\n".utf8))
        XCTAssertEqual(none.code, 1)
        XCTAssertTrue(none.stderr.contains("no handoff found"), none.stderr)
        XCTAssertEqual(try SeamBinary.run(["discover", "--min-confidence", "2", "Fixtures/shop/logs"]).code, 2)
        XCTAssertEqual(try SeamBinary.run(["discover"]).code, 2)
        // A missing input makes the run incomplete: 3, the draft still printed.
        let missing = try SeamBinary.run(["discover", "Fixtures/shop/logs", "no-such-file.log"])
        XCTAssertEqual(missing.code, 3)
        XCTAssertTrue(missing.stdout.contains("handoffs:"))
    }
}
