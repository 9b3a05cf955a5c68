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

final class RecordsJSONScannerTests: XCTestCase {
    func testFlatFieldsAndKinds() {
        let (o, v) = scanJSON(#" { "ts": 1732874400.5, "s":"a\"b", "t":true, "f":false, "n":null, "o":{"x":[1,2]}, "a":[{}] } "#,
                              ["ts", "s", "t", "f", "n", "o", "a", "missing"])
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v["ts"], .number("1732874400.5"))
        XCTAssertEqual(v["s"], .string("a\"b"))
        XCTAssertEqual(v["t"], .bool(true))
        XCTAssertEqual(v["f"], .bool(false))
        XCTAssertEqual(v["n"], .null)
        XCTAssertEqual(v["o"], .object(#"{"x":[1,2]}"#))
        XCTAssertEqual(v["a"], .array("[{}]"))
        XCTAssertEqual(v["missing"], .absent)
    }

    func testLiteralDottedKeyWinsOverNestedUnlessNull() {
        let paths: [FieldPath] = ["a.b", "a", "a.b.c"]
        var (o, v) = scanJSON(#"{"a":{"b":{"c":1}},"a.b":"lit"}"#, paths)
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v["a.b"], .string("lit"))
        XCTAssertEqual(v["a"], .object(#"{"b":{"c":1}}"#))
        XCTAssertEqual(v["a.b.c"], .number("1"))
        (o, v) = scanJSON(#"{"a.b":null,"a":{"b":2}}"#, paths)
        XCTAssertEqual(v["a.b"], .number("2"))
        (o, v) = scanJSON(#"{"a.b":{"c":5},"a":{"x":2}}"#, paths)
        XCTAssertEqual(v["a.b"], .object(#"{"c":5}"#), "a non-null literal wins even when not scalar")
        XCTAssertEqual(v["a.b.c"], .absent, "mixed forms (key \"a.b\" then c) are not looked up")
        (o, v) = scanJSON(#"{"a":[{"b":1}]}"#, paths)
        XCTAssertEqual(v["a.b"], .absent, "no lookup through arrays")
    }

    /// A wide node (hashed lookup) whose keys share length and first 8 bytes, beside unwanted
    /// keys that share them too; short keys near the end of the line (prefix loaded byte-wise).
    func testWideNodeWithCollidingPrefixes() {
        let wanted = (0..<12).map { FieldPath("service_\($0 % 10)\($0 / 10)") } + ["a", "bb", "x.service_00"]
        let line = #"{"service_99":0,"service_55":1,"service_00":"a","service_11":2,"bb":3,"x":{"service_00":4,"a":5},"#
            + #""service_01":6,"service_0":7,"a":8}"#
        let (o, v) = scanJSON(line, wanted)
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v["service_00"], .string("a"))
        XCTAssertEqual(v["service_11"], .number("2"))
        XCTAssertEqual(v["service_01"], .number("6"))
        XCTAssertEqual(v["service_10"], .absent)
        XCTAssertEqual(v["bb"], .number("3"))
        XCTAssertEqual(v["a"], .number("8"))
        XCTAssertEqual(v["x.service_00"], .number("4"))
        XCTAssertEqual(scanLogfmt("service_99=0 service_01=6 a=8", wanted)?["service_01"], .string("6"))
        XCTAssertEqual(scanLogfmt("service_99=0 service_01=6 a=8", wanted)?["a"], .string("8"))
    }

    func testEscapedKeysMatch() {
        let (o, v) = scanJSON(#"{"\u0074s":"x","s\u00e9":"y","q\"k":1}"#, ["ts", "sé", "q\"k"])
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v["ts"], .string("x"))
        XCTAssertEqual(v["sé"], .string("y"))
        XCTAssertEqual(v["q\"k"], .number("1"))
    }

    func testDuplicateKeysFirstWins() {
        let (o, v) = scanJSON(#"{"a":1,"a":2,"b":{"c":1},"b":{"c":2}}"#, ["a", "b.c"])
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v["a"], .number("1"))
        XCTAssertEqual(v["b.c"], .number("1"))
    }

    func testLongKeysAndStringsCrossWordBoundaries() {
        let key = String(repeating: "k", count: 23)
        let val = String(repeating: "é\\\"x", count: 40)
        let (o, v) = scanJSON("{\"\(key)x\":0,\"\(key)\":\"\(val)\"}", [FieldPath(key)])
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v[FieldPath(key)], .string(String(repeating: "é\"x", count: 40)))
    }

    func testStopEarly() {
        let (o, v) = scanJSON(#"{"a":1,"b":2, garbage"#, ["a", "b"], stopEarly: true)
        XCTAssertEqual(o, .stoppedEarly)
        XCTAssertEqual(v["b"], .number("2"))
        XCTAssertEqual(scanJSON(#"{"a":1,"b":2, garbage"#, ["a", "b"]).0, .malformed)
        XCTAssertEqual(scanJSON(#"{"a":1, garbage"#, ["a", "b"], stopEarly: true).0, .malformed)
    }

    func testMalformedLines() {
        let bad = ["", " ", "[]", "\"x\"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1}x",
                   "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}",
                   "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"tab\there\"}", "{\"a\":[1,]}", "{\"a\":[1}",
                   "{\"a\":{\"b\":1]}", "{\"a\":1}}", "{'a':1}", "{a:1}", "{\"a\":1 \"b\":2}", "{\"a\":+1}",
                   "{\"a\":\"unterminated}",
                   // The top-level object's members, read in their own loop: every way to end it wrongly.
                   "{\"a\":1]", "{\"a\":\"x\"]", "{\"a\":true]", "{\"b\":1,\"a\":2 ]", "{\"a\":1,\"b\"}", "{\"a\":1,\"b\":}",
                   "{\"a\":1 ,", "{\"a\":1,", "{\"a\":\"x\"", "{\"a\":1;\"b\":2}", "{\"a\":1,\"b\":2,}", "{\"a\" \"b\"}"]
        for line in bad {
            XCTAssertEqual(scanJSON(line, ["a"]).0, .malformed, line)
        }
        let good = ["{}", " {} ", "{\"a\":-0.0e+5}", "{\"a\":[]}", "{\"a\":[[],{}]}", "\t{\"a\" : \"\\/\\b\\f\\n\\r\\t\\u00FF\" }\r",
                    "{ \"b\" : null , \"a\" : false }", "{\"b\":{\"c\":[1]},\"a\":1}", "{\"b\":1,\"a\":\"x\",\"c\":[]}"]
        for line in good {
            XCTAssertEqual(scanJSON(line, ["a"]).0, .complete, line)
        }
    }

    func testDeepNestingNeverOverflowsTheStack() {
        let depth = 200_000
        let open = String(repeating: "[", count: depth)
        let close = String(repeating: "]", count: depth)
        XCTAssertEqual(scanJSON("{\"a\":" + open, ["a"]).0, .malformed)
        let (o, v) = scanJSON("{\"x\":1,\"a\":" + open + close + ",\"b\":2}", ["a", "b"])
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v["b"], .number("2"))
        if case .array(let s) = v["a"]! { XCTAssertEqual(s.count, 2 * depth) } else { XCTFail("a: \(v["a"]!)") }
        let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        let (o2, v2) = scanJSON(objects, ["a.a.a"])
        XCTAssertEqual(o2, .complete)
        if case .object = v2["a.a.a"]! {} else { XCTFail("a.a.a: \(v2["a.a.a"]!)") }
        XCTAssertEqual(scanJSON(String(objects.dropLast()), ["a"]).0, .malformed)
    }

    func testHugeNumbers() {
        let digits = String(repeating: "7", count: 10_000)
        let (o, v) = scanJSON("{\"n\":-\(digits).\(digits)e-\(digits),\"m\":\(digits)}", ["n", "m"])
        XCTAssertEqual(o, .complete)
        XCTAssertEqual(v["m"], .number(digits))
        XCTAssertEqual(v["n"], .number("-\(digits).\(digits)e-\(digits)"))
    }

    func testSpanReuseResetsBetweenLines() {
        let plan = FieldPlan(paths: ["a", "b.c"])
        var scanner = JSONFieldScanner(plan: plan)
        var spans = ContiguousArray<FieldSpan>()
        let l1 = Array(#"{"a":1,"b":{"c":2}}"#.utf8), l2 = Array(#"{"z":1}"#.utf8)
        XCTAssertEqual(l1.withUnsafeBytes { scanner.scan($0, into: &spans) }, .complete)
        XCTAssertTrue(spans[plan.slot(for: "b.c")!].isPresent)
        XCTAssertEqual(l2.withUnsafeBytes { scanner.scan($0, into: &spans) }, .complete)
        XCTAssertFalse(spans[plan.slot(for: "a")!].isPresent)
        XCTAssertFalse(spans[plan.slot(for: "b.c")!].isPresent)
    }
    /// One scanner over many lines whose top-level keys differ at the same place in one byte
    /// anywhere (first, middle, last, quote, colon), in length, in spacing around the colon or
    /// in escaping, nested or not, around the cache's 24-byte limit and near the line's end: each
    /// line gives what a fresh scanner gives (the per-place key cache never answers for another
    /// key).
    func testKeyCacheNeverConfusesKeysAtTheSamePlace() {
        let paths: [FieldPath] = ["aaaaaaaaXb", "aaaaaaaaYb", "short", "shore", "k17bytes-long-key", "n.aaaaaaaaXb",
                                  "twenty-one-bytes-key1", "twenty-one-bytes-key2", "aaaaXaaaab"]
        let plan = FieldPlan(paths: paths)
        var reused = JSONFieldScanner(plan: plan)
        var spans = ContiguousArray<FieldSpan>()
        let keys = [#""aaaaaaaaXb":"#, #""aaaaaaaaYb":"#, #""aaaaaaaaXbb":"#, #""baaaaaaaXb":"#, #""aaaaXaaaab":"#,
                    #""aaaaYaaaab":"#, #""short":"#, #""shore":"#, #""shor":"#, #""short" :"#, #""short": "#,
                    #""short"  :  "#, #""sh\u006frt":"#, #""k17bytes-long-key":"#, #""k17bytes-lOng-key":"#,
                    #""k17bytes-long-kez":"#, #""twenty-one-bytes-key1":"#, #""twenty-one-bytes-key2":"#,
                    #""twenty-one-bytes-key1" :"#, #""n":"#, #""zzzz":"#]
        var rng = SeededRandom(seed: 5)
        for line in 0..<4_000 {
            var fields: [String] = []
            for j in 0..<Int.random(in: 1...6, using: &rng) {
                let key = keys.randomElement(using: &rng)!
                fields.append(key == #""n":"# ? #""n":{"aaaaaaaaXb":\#(j),"short":1}"# : key + "\(line * 10 + j)")
            }
            let text = "{" + fields.joined(separator: ",") + "}"
            let bytes = Array(text.utf8)
            XCTAssertEqual(bytes.withUnsafeBytes { reused.scan($0, into: &spans) }, .complete, text)
            let (_, fresh) = scanJSON(text, paths)
            for p in paths {
                XCTAssertEqual(ScannedValue(span: spans[plan.slot(for: p)!], line: bytes), fresh[p], "\(text): \(p)")
            }
        }
    }
}
