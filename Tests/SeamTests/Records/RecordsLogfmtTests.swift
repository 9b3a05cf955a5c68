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

final class RecordsLogfmtTests: XCTestCase {
    func testRealWorldLines() {
        // Go (go-kit / logrus text) style.
        var v = scanLogfmt(#"time=2026-11-29T10:00:00.123456789Z level=info msg="order \"42\" placed" order_id=42 dur=1.5ms"#,
                           ["time", "level", "msg", "order_id", "dur", "missing"])!
        XCTAssertEqual(v["time"], .string("2026-11-29T10:00:00.123456789Z"))
        XCTAssertEqual(v["msg"], .string(#"order "42" placed"#))
        XCTAssertEqual(v["order_id"], .string("42"))
        XCTAssertEqual(v["dur"], .string("1.5ms"))
        XCTAssertEqual(v["missing"], .absent)
        // Heroku router.
        v = scanLogfmt(#"at=info method=GET path="/orders?id=1&x=y" host=shop.example.com request_id=5a9c-11 fwd="10.0.0.1" dyno=web.1 connect=1ms service=24ms status=200 bytes=1520 protocol=https"#,
                       ["at", "path", "request_id", "dyno", "service", "status"])!
        XCTAssertEqual(v["path"], .string("/orders?id=1&x=y"))
        XCTAssertEqual(v["request_id"], .string("5a9c-11"))
        XCTAssertEqual(v["dyno"], .string("web.1"))
        XCTAssertEqual(v["service"], .string("24ms"))
        // Bare keys, empty values, dotted keys, URL values holding '=', tabs, odd spacing.
        v = scanLogfmt("ts=1732874400.123  debug\tservice.name=billing empty= q=\"\" url=http://x/?a=b&c=d emoji=😀 ",
                       ["ts", "debug", "service.name", "empty", "q", "url", "emoji", "service"])!
        XCTAssertEqual(v["ts"], .string("1732874400.123"))
        XCTAssertEqual(v["debug"], .bool(true))
        XCTAssertEqual(v["service.name"], .string("billing"))
        XCTAssertEqual(v["empty"], .string(""))
        XCTAssertEqual(v["q"], .string(""))
        XCTAssertEqual(v["url"], .string("http://x/?a=b&c=d"))
        XCTAssertEqual(v["emoji"], .string("😀"))
        XCTAssertEqual(v["service"], .absent, "no nesting in logfmt")
        // Escapes in quoted values, duplicates (first wins).
        v = scanLogfmt(#"msg="a\\b\nc\td \u00e9 \x" k=1 k=2"#, ["msg", "k"])!
        XCTAssertEqual(v["msg"], .string("a\\b\nc\td é \\x"))
        XCTAssertEqual(v["k"], .string("1"))
        // A prefix that is not a pair (syslog-ish) is read as bare keys.
        v = scanLogfmt(#"2026-11-29T10:00:00Z app[web.1]: at=error code=H12 desc="Request timeout""#, ["at", "code", "desc"])!
        XCTAssertEqual(v["code"], .string("H12"))
        XCTAssertEqual(v["desc"], .string("Request timeout"))
    }

    func testMalformed() {
        for bad in ["", "   ", "just some words", #"msg="unterminated"#, #"msg="a"b c=d"#, "=v a=b", #"a=b "k"=v"#,
                    #"a=b k"x=1"#, #"a="x\"#, "a=b \u{1}k=v"] {
            XCTAssertNil(scanLogfmt(bad, ["a", "msg"]), bad.debugDescription)
        }
        XCTAssertNotNil(scanLogfmt(#"a="x\"y" b=c"#, ["a"]))
        XCTAssertNotNil(scanLogfmt("a=", ["a"]))
        XCTAssertNotNil(scanLogfmt(#"msg=say"hi""#, ["msg"]), "a quote inside a bare value is kept")
    }
}
