import Foundation
import XCTest

/// Golden end-to-end runs of `seam check` on the bundled shop: its planted tears are known from
/// how the fixture was made (Scripts/make-shop-fixture), not from a previous run.
final class CheckGoldenTests: XCTestCase {
    let shop = ["--spec", "Fixtures/shop/seam.yaml", "Fixtures/shop/logs"]

    func testShopJSONCountsEveryPlantedTear() throws {
        let r = try SeamBinary.run(["check", "--format", "json"] + shop)
        XCTAssertEqual(r.code, 1, r.stderr)
        let s = try r.json()
        XCTAssertEqual(int(s["schema"]), 1)
        let input = try XCTUnwrap(s["input"] as? [String: Any])
        XCTAssertEqual(int(input["sources"]), 5)
        XCTAssertEqual(input["complete"] as? Bool, true)
        XCTAssertEqual(int(input["lines"]), 730)
        XCTAssertEqual(int(input["events"]), 730)

        let checkout = try XCTUnwrap(handoff(s, "checkout"))
        XCTAssertEqual(int(checkout["sent"]), 60)
        XCTAssertEqual(int(checkout["confirmed"]), 60)

        let payment = try XCTUnwrap(handoff(s, "payment"))
        XCTAssertEqual(int(payment["sent"]), 60)
        XCTAssertEqual(int(payment["received"]), 60)
        XCTAssertEqual(int(payment["confirmed"]), 59)
        XCTAssertEqual(int(payment["unconfirmed"]), 1)
        XCTAssertEqual(int(payment["duplicate"]), 1)
        XCTAssertEqual(int(payment["disagree"]), 1)
        let examples = try XCTUnwrap(payment["examples"] as? [[String: Any]])
        let lost = try XCTUnwrap(examples.first { $0["kind"] as? String == "unconfirmed" })
        XCTAssertEqual(lost["key"] as? String, "r-1093")
        let send = try XCTUnwrap(lost["send"] as? [String: Any])
        XCTAssertEqual(send["source"] as? String, "Fixtures/shop/logs/orders.jsonl.gz")
        XCTAssertNotNil(int(send["line"]))
        let disagree = try XCTUnwrap(examples.first { $0["kind"] as? String == "disagree" })
        XCTAssertEqual(disagree["key"] as? String, "r-1069")
        XCTAssertEqual(disagree["fields"] as? [String], ["amount"])

        let shipment = try XCTUnwrap(handoff(s, "shipment"))
        XCTAssertEqual(int(shipment["confirmed"]), 59)
        XCTAssertEqual(int(shipment["late"]), 1)
        XCTAssertEqual(int(shipment["orphan"]), 1)

        let totals = try XCTUnwrap(s["totals"] as? [String: Any])
        XCTAssertEqual(int(totals["gaps"]), 2)
        XCTAssertEqual(int(totals["defects"]), 3)
    }

    func testTextReportNamesEvidence() throws {
        let r = try SeamBinary.run(["check"] + shop, environment: ["NO_COLOR": "1"])
        XCTAssertEqual(r.code, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("r-1093"), r.stdout)
        XCTAssertTrue(r.stdout.contains("orders.jsonl.gz:"), r.stdout)
        XCTAssertFalse(r.stdout.contains("\u{1B}["), "no colour when not a terminal")
        // Not a terminal: nothing wraps, so each finding is one line that grep finds whole
        // (on a terminal the text fits its width: CLIMannersTests).
        let lines = r.stdout.split(separator: "\n")
        XCTAssertFalse(lines.contains { $0.hasPrefix("    ") }, "no continuation lines: \(r.stdout)")
        let r1093 = try XCTUnwrap(lines.first { $0.contains("r-1093") })
        XCTAssertTrue(r1093.contains(".jsonl.gz:"), "the finding's evidence on its line: \(r1093)")
    }

    func testMarkdownHasMermaidGraph() throws {
        let r = try SeamBinary.run(["check", "--format", "markdown"] + shop)
        XCTAssertEqual(r.code, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("```mermaid"), r.stdout)
        XCTAssertTrue(r.stdout.contains("orders"), r.stdout)
    }

    func testFailOnChoosesKinds() throws {
        XCTAssertEqual(try SeamBinary.run(["check", "--format", "json", "--fail-on", "none"] + shop).code, 0)
        XCTAssertEqual(try SeamBinary.run(["check", "--format", "json", "--fail-on", "late"] + shop).code, 1)
        XCTAssertEqual(try SeamBinary.run(["check", "--format", "json", "--fail-on", "repeat"] + shop).code, 0)
        let bad = try SeamBinary.run(["check", "--fail-on", "nonsense"] + shop)
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.stderr.contains("seam: "), bad.stderr)
    }

    func testJSONLinesEndsWithSummary() throws {
        let r = try SeamBinary.run(["check", "--format", "jsonl"] + shop)
        XCTAssertEqual(r.code, 1, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertGreaterThanOrEqual(lines.count, 6)
        for l in lines {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(l.utf8)), l)
        }
        let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        XCTAssertNotNil(last["summary"] as? [String: Any])
        let kinds = lines.dropLast().compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["kind"] as? String
        }
        XCTAssertFalse(kinds.contains("confirmed"))
        XCTAssertEqual(Set(kinds), ["unconfirmed", "duplicate", "disagree", "late", "orphan"])
    }
}
