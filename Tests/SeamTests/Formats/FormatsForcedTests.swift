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

/// A `sources:` entry's `format:` always wins over sniffing the first line, and its glob also
/// matches compressed copies of the files it names.
final class FormatsForcedTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("seam-forced-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A JVM writes this to stdout before the app's first JSON line.
    static let banner = "Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=75.0 -Dfile.encoding=UTF-8"

    private static func jsonLines(_ n: Int) -> String {
        (0..<n).map { #"{"ts":\#(1_700_000_000 + $0),"service":"orders","event":"sent","id":"k\#($0)"}"# }
            .joined(separator: "\n") + "\n"
    }

    private func run(_ spec: String, file: String, _ text: String) throws -> Summary {
        let path = dir.appendingPathComponent(file)
        try text.write(to: path, atomically: true, encoding: .utf8)
        let s = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "t.yaml")).run(paths: [path.path])
        XCTAssertEqual(s.total.lines, s.total.events + s.total.rejectedTotal)
        return s
    }

    private static let rule = """
        handoffs:
          - {from: orders, to: payments, key: id, send: sent, receive: got, within: 5s}
        """

    func testForcedJSONSkipsDetectionSoABannerLineIsOneMalformedLine() throws {
        let s = try run("""
            version: 1
            sources:
              - {path: "app.log", format: json}
            \(Self.rule)
            """, file: "app.log", Self.banner + "\n" + Self.jsonLines(46))
        XCTAssertEqual(s.total.lines, 47)
        XCTAssertEqual(s.total.events, 46, "every JSON line is an event: \(s.total.rejected)")
        XCTAssertEqual(s.total.rejected[.malformed], 1, "the banner line only")
        XCTAssertEqual(s.sources[0].stats.firstRejectedLine[.malformed], 1)
    }

    func testWithoutAFormatTheBannerStillDecidesLogfmt() throws {
        // What `format: json` is for: auto-detection takes the banner's k=v as logfmt.
        let s = try run("version: 1\n" + Self.rule, file: "app.log", Self.banner + "\n" + Self.jsonLines(46))
        XCTAssertEqual(s.total.rejected[.malformed], 46)
    }

    func testForcedJSONWithDerivedFieldsToo() throws {
        // Not a plain format (it derives a field): FormatDecoder reads it, and it must agree.
        let s = try run("""
            version: 1
            sources:
              - path: "app.log"
                format: json
                derive: [{field: k2, from: id, regex: 'k(?<n>\\d+)'}]
            \(Self.rule)
            """, file: "app.log", Self.banner + "\n" + Self.jsonLines(10))
        XCTAssertEqual(s.total.events, 10)
        XCTAssertEqual(s.total.rejected[.malformed], 1)
    }

    func testForcedLogfmtRejectsAJSONFirstLine() throws {
        let logfmt = (0..<5).map { "ts=\(1_700_000_000 + $0) service=orders event=sent id=k\($0)" }.joined(separator: "\n")
        let s = try run("""
            version: 1
            sources:
              - {path: "*.log", format: logfmt}
            \(Self.rule)
            """, file: "app.log", #"{"ts":1700000000,"service":"orders","event":"sent","id":"j"}"# + "\n" + logfmt + "\n")
        XCTAssertEqual(s.total.events, 5, "\(s.total.rejected)")
        XCTAssertEqual(s.total.rejected[.malformed], 1)
    }

    func testGlobMatchesCompressedCopies() throws {
        let csv = try PathGlob("*.csv")
        XCTAssertTrue(csv.matches("logs/x.csv"))
        XCTAssertTrue(csv.matches("logs/x.csv.gz"))
        XCTAssertTrue(csv.matches("x.csv.zst"))
        XCTAssertFalse(csv.matches("x.csv.bz2"))
        XCTAssertFalse(csv.matches("x.gz"))
        XCTAssertFalse(csv.matches("x.csvgz"))
        XCTAssertTrue(try PathGlob("*.gz").matches("x.csv.gz"), "a pattern for the compressed name still matches")
        XCTAssertTrue(try PathGlob("logs/**/app.log").matches("logs/a/app.log.gz"))
    }

    func testCompressedSourceTakesItsEntry() throws {
        let spec = try SpecLoader.load(text: """
            version: 1
            sources:
              - {path: "*.csv", format: csv, time: ts, service: svc}
            \(Self.rule)
            """, file: "t.yaml")
        guard case .csv = try XCTUnwrap(spec.format(for: "/var/log/x.csv.gz")).layer.kind else {
            return XCTFail("x.csv.gz is read as CSV")
        }
    }

    func testStdinIsDashInSourcesPaths() throws {
        let spec = try SpecLoader.load(text: """
            version: 1
            sources:
              - {path: "-", format: json}
              - {path: "*", format: logfmt}
            \(Self.rule)
            """, file: "t.yaml")
        XCTAssertEqual(spec.format(for: "-")?.layer.kind, .json)
        XCTAssertEqual(spec.format(for: "logs/a.log")?.layer.kind, .logfmt)
    }
}
