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

/// Per-pair tallies in every output (issue 16): text rows, JSON `handoffs[].pairs[]`, Markdown
/// rows and one Mermaid edge per pair; and `watch`'s judgement against the services known so far.
final class WildcardReportTests: XCTestCase {
    /// web calls api and auth; api's call to auth is lost (auth logs all along); a receive in
    /// auth nobody sent.
    func run(_ spec: String) throws -> Summary {
        let dir = TempDir()
        let lines = [
            #"{"ts":100,"service":"web","event":"call","id":"1"}"#,
            #"{"ts":100.2,"service":"api","event":"serve","id":"1"}"#,
            #"{"ts":101,"service":"web","event":"call","id":"2"}"#,
            #"{"ts":101.1,"service":"auth","event":"serve","id":"2"}"#,
            #"{"ts":102,"service":"api","event":"call","id":"3"}"#,
            #"{"ts":103,"service":"auth","event":"serve","id":"9"}"#,
            #"{"ts":90,"service":"auth","event":"tick"}"#, #"{"ts":120,"service":"auth","event":"tick"}"#,
            #"{"ts":90,"service":"api","event":"tick"}"#, #"{"ts":120,"service":"api","event":"tick"}"#,
            #"{"ts":90,"service":"web","event":"tick"}"#, #"{"ts":120,"service":"web","event":"tick"}"#,
        ]
        let path = dir.write("all.jsonl", lines.joined(separator: "\n") + "\n")
        return HandoffCheck(spec: try SpecLoader.load(text: spec, file: "seam.yaml")).run(paths: [path])
    }

    static let spec = """
        version: 1
        handoffs:
          - name: calls
            from: "*"
            to: "*"
            key: id
            send: call
            receive: serve
            within: 1s

        """

    func testEveryOutputShowsThePairs() throws {
        let s = try run(Self.spec)
        let h = s.handoffs[0]
        XCTAssertEqual(h.servicePairs.map { "\($0.from ?? "?")->\($0.to ?? "?")" }, ["api->?", "web->api", "web->auth", "?->auth"])
        XCTAssertEqual(h[.confirmed], 2)
        XCTAssertEqual(h[.unconfirmed], 1)
        XCTAssertEqual(h[.orphan], 1)

        let text = TextReport.render(s, width: 120)
        XCTAssertTrue(text.contains("\n  web -> api "), text)
        XCTAssertTrue(text.contains("\n  api -> ? "), text)
        // The unconfirmed call names its sender, and the services it was judged against.
        XCTAssertTrue(text.contains("api sent call for id=3"), text)

        let json = try JSONSerialization.jsonObject(with: Data(JSONReport.render(s).utf8)) as! [String: Any]
        let pairs = (json["handoffs"] as! [[String: Any]])[0]["pairs"] as! [[String: Any]]
        XCTAssertEqual(pairs.count, 4)
        let webApi = pairs.first { $0["from"] as? String == "web" && $0["to"] as? String == "api" }!
        XCTAssertEqual(webApi["confirmed"] as? Int, 1)
        XCTAssertEqual(webApi["sent"] as? Int, 1)
        XCTAssertNotNil((webApi["latency_ms"] as? [String: Any])?["p50"] as? Double)
        let lost = pairs.first { $0["from"] as? String == "api" }!
        XCTAssertTrue(lost["to"] is NSNull)
        XCTAssertEqual(lost["unconfirmed"] as? Int, 1)
        let example = ((json["handoffs"] as! [[String: Any]])[0]["examples"] as! [[String: Any]]).first { $0["kind"] as? String == "unconfirmed" }!
        XCTAssertEqual(example["from"] as? String, "api")
        XCTAssertTrue(example["to"] is NSNull)

        let md = MarkdownReport.render(s)
        XCTAssertTrue(md.contains("| ↳ web -> api |"), md)
        XCTAssertTrue(md.contains(#"web -->|"calls: 0 gaps"| api"#), md)
        XCTAssertTrue(md.contains(#"api -->|"calls: 1 gap"|"#), md)
        XCTAssertFalse(md.contains(#"["*"]"#), "no node for the wildcard itself: \(md)")
    }

    func testFixedRulesKeepTheirOneRowAndEdge() throws {
        let s = try run(Self.spec.replacingOccurrences(of: "\"*\"\n    to: \"*\"", with: "web\n    to: api"))
        let h = s.handoffs[0]
        XCTAssertEqual(h.servicePairs.count, 1)
        XCTAssertEqual(h.servicePairs[0].from, "web")
        XCTAssertFalse(TextReport.render(s, width: 120).contains("  web -> api"))
        XCTAssertTrue(MarkdownReport.render(s).contains(#"web -->|"calls: "#))
    }

    /// `watch` (no `wildcardsAtEnd`) judges an unpaired send under `to: "*"` against the
    /// receiving services known when it is decided; `check` against the whole run's.
    func testWatchJudgesAgainstTheServicesKnownSoFar() {
        let rule = HandoffRule(name: "r", fromParty: .service("a"), toParty: .any, sendKey: "k", receiveKey: "k",
                               send: .event("s"), receive: .event("r"), within: 2, grace: 0, tolerance: 0, agree: [], once: true)
        func verdict(atEnd: Bool) -> [Verdict] {
            let coverage = CoverageTracker()
            let sink = RecordingSink()
            var options = CorrelatorOptions()
            options.wildcardsAtEnd = atEnd
            let c = Correlator(rules: [rule], fromService: [0], toService: [-1], coverage: coverage, options: options, sink: sink)
            // b receives under the rule and logs all along; c joins only later, having logged nothing
            // near the send: against {b} the send is unconfirmed, against {b, c} uncovered.
            for t in [0, 100] as [Int64] { coverage.note(service: 1, source: 1, time: t) }
            coverage.note(service: 0, source: 0, time: 10)
            c.observe(Observation(time: 5, position: InputPosition(source: 1, line: 3), rule: 0, side: .receive, service: 1, key: "x", agree: []))
            c.observe(Observation(time: 10, position: InputPosition(source: 0, line: 1), rule: 0, side: .send, service: 0, key: "lost", agree: []))
            c.advance(to: 50)
            coverage.note(service: 2, source: 2, time: 60)
            c.observe(Observation(time: 60, position: InputPosition(source: 2, line: 1), rule: 0, side: .receive, service: 2, key: "y", agree: []))
            c.finish()
            return sink.findings.filter { $0.key == "lost" }.map(\.verdict)
        }
        XCTAssertEqual(verdict(atEnd: false), [.unconfirmed])
        XCTAssertEqual(verdict(atEnd: true), [.uncoveredSend])
    }
}
