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

/// Unit tests of the format building blocks: time layouts, patterns, CSV records, path globs.
final class FormatsPartsTests: XCTestCase {
    private func ns(_ rfc: String) -> Int64 { Timestamp.parse(rfc)! }

    func testTimeLayoutsOfTheRealDatasets() throws {
        XCTAssertEqual(try TimeLayout("%y%m%d %H%M%S").parse("081109 203615"), ns("2008-11-09T20:36:15Z"))
        XCTAssertEqual(try TimeLayout("%Y-%m-%d %H:%M:%S.%f").parse("2017-05-16 00:02:34.773"), ns("2017-05-16T00:02:34.773Z"))
        let syslog = try TimeLayout("%b %e %H:%M:%S", year: 2024, offset: 8 * 3600)
        XCTAssertEqual(syslog.parse("Nov  9 20:36:15"), ns("2024-11-09T20:36:15+08:00"))
        XCTAssertEqual(syslog.parse("Nov 19 20:36:15"), ns("2024-11-19T20:36:15+08:00"))
        XCTAssertEqual(try TimeLayout("%Y-%m-%dT%H:%M:%S%z").parse("2024-02-29T23:59:59-05:30"), ns("2024-02-29T23:59:59-05:30"))
        XCTAssertEqual(try TimeLayout("%y%m%d %H%M%S").parse("690101 000000"), ns("1969-01-01T00:00:00Z"))
    }

    func testTimeLayoutRejects() throws {
        let l = try TimeLayout("%Y-%m-%d %H:%M:%S")
        XCTAssertNil(l.parse("2023-02-29 00:00:00"), "not a leap year")
        XCTAssertNil(l.parse("2023-01-01 24:00:00"))
        XCTAssertNil(l.parse("2023-01-01 00:00:00x"), "the whole text must be used")
        XCTAssertNil(l.parse("2023-01-01"))
        XCTAssertThrowsError(try TimeLayout("%H:%M:%S")) { XCTAssertTrue("\($0)".contains("%m or %b")) }
        XCTAssertThrowsError(try TimeLayout("%b %d %H:%M:%S")) { XCTAssertTrue("\($0)".contains("year")) }
        XCTAssertThrowsError(try TimeLayout("%Y-%q")) { XCTAssertTrue("\($0)".contains("%q")) }
        XCTAssertEqual(TimeLayout.zoneOffset("+08:00"), 28_800)
        XCTAssertEqual(TimeLayout.zoneOffset("-0530"), -19_800)
        XCTAssertEqual(TimeLayout.zoneOffset("UTC"), 0)
        // Spaces and tabs around it, as around every spec value (`trimmingSpaces`).
        XCTAssertEqual(TimeLayout.zoneOffset(" +08:00\t"), 28_800)
        XCTAssertNil(TimeLayout.zoneOffset("Europe/Paris"))
    }

    func testPatternGroupsAsByteOffsets() throws {
        let p = try TextPattern(#"^(?<a>\w+) (?:x|(?<b>\d+)) é(?<c>.*)$"#)
        XCTAssertEqual(p.names, ["a", "b", "c"])
        let m = try XCTUnwrap(p.match("hello x éwörld"))
        XCTAssertEqual(m.groups[0], .init(start: 0, count: 5))
        XCTAssertNil(m.groups[1])
        XCTAssertEqual(m.groups[2], .init(start: 10, count: 6), "offsets count UTF-8 bytes")
        XCTAssertEqual(TextPattern.groupNames(#"(?<=a)(?P<x>b)\(?<no>[(?<n2>]"#), ["x"])
        XCTAssertThrowsError(try TextPattern("(?<a>x"))
    }

    func testCSVRecords() {
        let csv = CSVRecordScanner()
        XCTAssertEqual(csv.fields(#"a,"b,c","d ""q"" e",,"#), ["a", "b,c", #"d "q" e"#, "", ""])
        XCTAssertEqual(csv.fields("x\"y,z"), ["x\"y", "z"], "a quote inside an unquoted field is text")
        XCTAssertEqual(csv.fields(""), [""])
        XCTAssertEqual(csv.fields("\"line1\nline2\",b"), ["line1\nline2", "b"])
        XCTAssertNil(csv.fields("a,\"open"), "incomplete: the record continues on the next line")
        XCTAssertNil(csv.fields("\"a\"b,c"), "text after a closing quote is malformed")
    }

    func testPathGlobs() throws {
        let g = try PathGlob("**/log/*_log.csv")
        XCTAssertTrue(g.matches("../shared/datasets/nezha/rca_data/2023-01-29/log/10_06_log.csv"))
        XCTAssertTrue(g.matches("log/10_06_log.csv"))
        XCTAssertFalse(g.matches("trace/10_06_trace.csv"))
        XCTAssertFalse(g.matches("log/sub/10_06_log.csv"))
        XCTAssertTrue(try PathGlob("*.log").matches("/var/x/OpenStack_2k.log"), "no slash: the file name")
        XCTAssertTrue(try PathGlob("a/[0-9]?.txt").matches("./a/1x.txt"))
        XCTAssertFalse(try PathGlob("a/[!0-9]?.txt").matches("a/1x.txt"))
        XCTAssertThrowsError(try PathGlob("a/[b"))
        XCTAssertThrowsError(try PathGlob("a**/b"))
    }
}
