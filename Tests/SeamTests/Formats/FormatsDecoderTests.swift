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

/// FormatDecoder end to end on small files: CSV records over several lines, Docker and CRI
/// wrappers, derived fields, rejections, and the line accounting.
final class FormatsDecoderTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("seam-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func check(_ spec: String, _ files: [String: String]) throws -> Summary {
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let s = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "t.yaml")).run(paths: [dir.path])
        XCTAssertEqual(s.total.lines, s.total.events + s.total.rejectedTotal)
        return s
    }

    func testCSVRecordsOverSeveralLinesCountOnceAtTheirFirstLine() throws {
        let s = try check("""
        version: 1
        sources:
          - path: "*.csv"
            format: csv
            time: ts
            service: {field: svc}
        handoffs:
          - {from: a, to: b, key: id, send: {msg: {contains: "go"}}, receive: {msg: done}, within: 5s}
        """, ["x.csv": #"""
        ts,svc,id,msg
        2024-01-01T00:00:00Z,a,1,"let's
        go, ""now"""
        2024-01-01T00:00:01Z,b,1,done
        2024-01-01T00:00:02Z,a,2,"never
        closed
        """#])
        XCTAssertEqual(s.total.lines, 3, "3 records (header and continuation lines not counted)")
        XCTAssertEqual(s.total.events, 2)
        XCTAssertEqual(s.total.rejected[.malformed], 1, "the record left open at the end")
        XCTAssertEqual(s.sources[0].stats.firstRejectedLine[.malformed], 5)
        XCTAssertEqual(s.handoffs[0][.confirmed], 1, "\(s.handoffs[0].counts)")
        let example = try XCTUnwrap(s.handoffs[0].examples[.confirmed]?.first)
        XCTAssertEqual(example.send?.position.line, 2, "evidence at the record's first line")
    }

    func testDockerCRIAndInnerJSONWithDerivedKey() throws {
        let docker = #"{"log":"{\"msg\":\"sent order-17\",\"lvl\":\"info\"}\n","stream":"stdout","time":"2024-01-01T00:00:00.5Z"}"#
        let s = try check("""
        version: 1
        sources:
          - path: "a.log"
            format: docker
            inner: {field: log, format: json}
            time: time
            service: a
          - path: "b.log"
            format: cri
            time: time
            service: b
        derive:
          - {field: order, from: msg, regex: 'order-\\d+'}
          - {field: order, from: log, regex: 'order-\\d+'}
        handoffs:
          - {from: a, to: b, key: order, send: {msg: {matches: '^sent'}, lvl: {in: [info, warn]}}, receive: {stream: stdout, flags: {exists: true}}, within: 5s}
        """, ["a.log": docker + "\nnot json\n", "b.log": "2024-01-01T00:00:01Z stdout F got order-17\n"])
        XCTAssertEqual(s.total.lines, 3)
        XCTAssertEqual(s.total.rejected[.malformed], 1)
        XCTAssertEqual(s.handoffs[0][.confirmed], 1, "\(s.handoffs[0].counts)")
    }

    func testTextTimesAndRejections() throws {
        let s = try check("""
        version: 1
        sources:
          - path: "*.log"
            format: text
            pattern: '^(?<ts>\\w{3} +\\d+ [\\d:]+) (?<svc>\\w+): (?<msg>.*)$'
            time: {field: ts, layout: "%b %e %H:%M:%S", year: 2024, zone: "+01:00"}
            service: {field: svc}
        handoffs:
          - {from: a, to: b, key: msg, send: {msg: x}, receive: {msg: x}, within: 5s}
        """, ["s.log": "Nov  9 20:36:15 a: x\nNov  9 20:36:16 b: x\nFeb 30 00:00:00 a: y\nno match\n"])
        XCTAssertEqual(s.total.events, 2)
        XCTAssertEqual(s.total.rejected[.badTime], 1)
        XCTAssertEqual(s.total.rejected[.malformed], 1)
        XCTAssertEqual(s.handoffs[0][.confirmed], 1)
        let t = try XCTUnwrap(s.handoffs[0].examples[.confirmed]?.first?.send?.time)
        XCTAssertEqual(t, Timestamp.parse("2024-11-09T19:36:15Z"))
    }
}
