import Foundation
import XCTest
@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// One detection rule (`RecordSyntax.detect`) and one choice of decoder per source
/// (`SourceDecoder.make`): a `format:` always wins, and a source reads the same through the
/// plain decoder and through the field-table one (a derived field only adds a field).
final class FormatsDetectionTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("seam-detect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private static let rule = """
        handoffs:
          - {from: orders, to: payments, key: id, send: sent, receive: got, within: 5s}
        """

    private func run(_ spec: String, _ text: String) throws -> Summary {
        let path = dir.appendingPathComponent("app.log")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let s = HandoffCheck(spec: try SpecLoader.load(text: spec, file: "t.yaml")).run(paths: [path.path])
        XCTAssertEqual(s.total.lines, s.total.events + s.total.rejectedTotal)
        return s
    }

    private static func bytes(_ s: String, _ body: (UnsafeRawBufferPointer) -> RecordSyntax?) -> RecordSyntax? {
        Array(s.utf8).withUnsafeBytes(body)
    }

    func testDetectSkipsByteOrderMarkAndAllWhitespace() {
        XCTAssertEqual(Self.bytes(#"{"a":1}"#, RecordSyntax.detect), .json)
        XCTAssertEqual(Self.bytes(" \t\r{\"a\":1}", RecordSyntax.detect), .json, "CR before the record too")
        XCTAssertEqual(Self.bytes("\u{FEFF}{\"a\":1}", RecordSyntax.detect), .json, "a BOM is not the record")
        XCTAssertEqual(Self.bytes("a=1 b=2", RecordSyntax.detect), .logfmt)
        XCTAssertEqual(Self.bytes("Picked up JAVA_TOOL_OPTIONS", RecordSyntax.detect), .logfmt)
        XCTAssertNil(Self.bytes(" \t\r", RecordSyntax.detect), "whitespace only shows nothing")
        XCTAssertNil(Self.bytes("", RecordSyntax.detect))
    }

    /// The user's case: an entry that says only `format: json` is a plain source, and its
    /// format is forced, not sniffed; `format: logfmt` likewise.
    func testFormatAloneIsForcedOnThePlainDecoder() throws {
        let spec = try SpecLoader.load(text: "version: 1\nsources:\n  - {path: \"*.log\", format: json}\n" + Self.rule,
                                       file: "t.yaml")
        let entry = try XCTUnwrap(spec.format(for: "app.log"))
        let plan = FieldPlan(config: spec.fields, extraPaths: [])
        guard case .records(let d) = SourceDecoder.make(for: entry, plan: plan, config: spec.fields, extraPaths: [],
                                                        services: ServiceTable()) else {
            return XCTFail("format: json alone is read by the plain JSON/logfmt decoder")
        }
        XCTAssertEqual(d.format, .json, "forced before the first line")
        var logfmt = entry
        logfmt.layer.kind = .logfmt
        guard case .records(let l) = SourceDecoder.make(for: logfmt, plan: plan, config: spec.fields, extraPaths: [],
                                                        services: ServiceTable()) else { return XCTFail() }
        XCTAssertEqual(l.format, .logfmt)
        guard case .records(let auto) = SourceDecoder.make(for: nil, plan: plan, config: spec.fields, extraPaths: [],
                                                           services: ServiceTable()) else { return XCTFail() }
        XCTAssertNil(auto.format, "no entry: detected at the first line")
    }

    private static func jsonLines(_ n: Int) -> String {
        (0..<n).map { #"{"ts":\#(1_700_000_000 + $0),"service":"orders","event":"sent","id":"k\#($0)"}"# }
            .joined(separator: "\n") + "\n"
    }

    private static let derive = """
        derive:
          - {field: n, from: id, regex: 'k(?<n>\\d+)'}

        """

    /// A byte order mark before the first JSON line: the plain decoder skipped it, the
    /// field-table one (a source with derived fields) rejected the line as malformed.
    func testByteOrderMarkIsSkippedWithDerivedFieldsToo() throws {
        let text = "\u{FEFF}" + Self.jsonLines(8)
        let plain = try run("version: 1\n" + Self.rule, text)
        let derived = try run("version: 1\n" + Self.derive + Self.rule, text)
        XCTAssertEqual(plain.total.events, 8)
        XCTAssertEqual(derived.total.events, 8, "\(derived.total.rejected)")
    }

    /// Detection locks JSON at the first `{` line in both decoders: a damaged first JSON line
    /// does not let the logfmt lines after it through in one and not the other.
    func testDetectionLocksTheSameWayWithDerivedFields() throws {
        let logfmt = (0..<5).map { "ts=\(1_700_000_000 + $0) service=orders event=sent id=k\($0)" }
            .joined(separator: "\n")
        let text = #"{"ts":1700000000,"service":"orders","#  + "\n" + logfmt + "\n" + Self.jsonLines(3)
        let plain = try run("version: 1\n" + Self.rule, text)
        let derived = try run("version: 1\n" + Self.derive + Self.rule, text)
        XCTAssertEqual(plain.total.events, 3)
        XCTAssertEqual(plain.total.rejected[.malformed], 6)
        XCTAssertEqual(derived.total.events, plain.total.events, "\(derived.total.rejected)")
        XCTAssertEqual(derived.total.rejected, plain.total.rejected)
    }
}
