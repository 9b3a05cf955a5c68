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

/// The spec's `sources:`, `derive:` and predicate tests: what loads, and every error at its place.
final class FormatsSpecTests: XCTestCase {
    private let rule = """
    handoffs:
      - {from: a, to: b, key: k, send: s, receive: r, within: 1s}
    """

    private func errors(_ text: String) -> [String] {
        do {
            _ = try SpecLoader.load(text: text, file: "s.yaml")
            return []
        } catch let e as SpecErrors {
            return e.errors.map { "\($0.line):\($0.column): \($0.message)" }
        } catch {
            return ["\(error)"]
        }
    }

    func testRealSpecsLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Fixtures/real")
        for name in ["openstack", "hdfs", "nezha-logs", "nezha-traces", "nezha-traces-pairs"] {
            let spec = try SpecLoader.load(path: root.appendingPathComponent("\(name).yaml").path)
            XCTAssertEqual(spec.sources.count, 1, name)
        }
    }

    func testSourcesAndPredicatesLoad() throws {
        let spec = try SpecLoader.load(text: """
        version: 1
        sources:
          - path: "**/*.log"
            format: text
            pattern: '^(?<ts>\\S+ \\S+) (?<msg>.*)$'
            time: {field: ts, layout: "%Y-%m-%d %H:%M:%S", zone: "+08:00"}
            service: web
          - path: "*.csv"
            format: csv
            inner: {field: Log, format: docker, inner: {field: log, format: json}}
            time: Timestamp
            service: {field: Pod, regex: '^(?<service>.+)-\\w+$'}
        derive:
          - {field: req, from: msg, regex: 'req-[0-9a-f-]{36}'}
        handoffs:
          - from: a
            to: b
            key: req
            send: {msg: {matches: 'POST .*/servers', contains: POST}, status: [202, 204], x: {exists: false}}
            receive: {msg: {equals: done}}
            within: 1s
        """, file: "s.yaml")
        XCTAssertEqual(spec.sources.count, 2)
        XCTAssertEqual(spec.sources[0].time?.layout?.offset, 28_800)
        XCTAssertEqual(spec.sources[0].service, .name("web"))
        XCTAssertEqual(spec.sources[1].layer.inner?.layer.inner?.field, "log")
        XCTAssertEqual(spec.derive.map(\.field), ["req"])
        guard case .fields(let conds) = spec.rules[0].send else { return XCTFail() }
        XCTAssertEqual(conds.count, 4)
        XCTAssertEqual(conds[2].test, .oneOf(["202", "204"]))
        XCTAssertEqual(conds[3].test, .exists(false))
        XCTAssertEqual(spec.format(for: "x/y.log")?.derive.count, 1, "top-level derive joins the entry")
        XCTAssertEqual(spec.format(for: "x/y.jsonl")?.layer.kind, .auto, "no entry: auto with the derive")
    }

    func testEveryProblemAtItsPlace() {
        let e = errors("""
        version: 1
        sources:
          - path: "a/[b"
            format: txt
            pattern: '(?<x>'
          - path: "*.log"
            format: text
            pattern: '(?<x>.*)'
            time: {field: x, layout: "%H:%M", zone: Mars}
            servce: web
        derive:
          - {field: k, from: m, regex: 'a{2,1}'}
        handoffs:
          - {from: a, to: b, key: k, send: {m: {matches: '('}, n: {in: []}, o: {exist: true}}, receive: r, within: 1s}
        """)
        XCTAssertEqual(e.count, 10, "\n" + e.joined(separator: "\n"))
        let text = e.joined(separator: "\n")
        XCTAssertTrue(text.contains("3:11: path pattern 'a/[b' has a '[' without its ']'"), text)
        XCTAssertTrue(text.contains("4:13: unknown format 'txt'; did you mean 'text'?"), text)
        XCTAssertTrue(text.contains("5:14: "), "'pattern' only applies to text: \(text)")
        XCTAssertTrue(text.contains("9:30: time layout '%H:%M' has no %m or %b, %d"), text)
        XCTAssertTrue(text.contains("9:45: zone 'Mars' is not understood"), text)
        XCTAssertTrue(text.contains("10:5: unknown key 'servce'; did you mean 'service'?"), text)
        XCTAssertTrue(text.contains("12:32: 'a{2,1}' is not a valid regular expression"), text)
        XCTAssertTrue(text.contains("14:50: '(' is not a valid regular expression"), text)
        XCTAssertTrue(text.contains("'in' must be a non-empty list"), text)
        XCTAssertTrue(text.contains("14:73: unknown key 'exist'; did you mean 'exists'?"), text)
    }

    func testTextSourceNeedsTimeAndNamedGroups() {
        let e = errors("""
        version: 1
        sources:
          - {path: x.log, format: text, pattern: '^\\w+ .*$'}
        \(rule)
        """)
        XCTAssertEqual(e.count, 2, "\(e)")
        XCTAssertTrue(e.joined().contains("has no named group"), "\(e)")
        XCTAssertTrue(e.joined().contains("needs 'time:'"), "\(e)")
    }
}
