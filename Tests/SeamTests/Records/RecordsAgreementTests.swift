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

final class RecordsAgreementTests: XCTestCase {
    func dec(_ a: String, _ b: String) -> Bool { DecimalText.equal(Array(a.utf8), Array(b.utf8)) }

    func testDecimalGrammar() {
        for good in ["0", "-0", "+5", "1250", "1250.0", "1.25e3", "1.25E+3", "2000.80", "0001", "1e-0", "12.5e-07"] {
            XCTAssertTrue(DecimalText.isDecimal(Array(good.utf8)), good)
        }
        for bad in ["", "-", "+", ".5", "5.", "1e", "1e+", "0x10", "inf", "nan", "NaN", "1_000", " 1", "1 ", "1.2.3",
                    "--1", "1e5.5", "١٢", "5f"] {
            XCTAssertFalse(DecimalText.isDecimal(Array(bad.utf8)), bad)
        }
    }

    func testDecimalEquality() {
        let equal: [(String, String)] = [
            ("5", "5"), ("1250", "1250.0"), ("1250", "1.25e3"), ("1.25e3", "12500e-1"), ("2000.80", "2000.8"),
            ("-0", "0"), ("0", "0.000e99"), ("+0", "-0.0"), ("007", "7"), ("+7", "7.000"), ("0.5", "5e-1"),
            ("1e999999999", "10e999999998"), ("123e-999999999", "1.23e-999999997"),
            ("1e99999999999999999999999", "10e99999999999999999999998"),
            ("1e-99999999999999999999999", "0.1e-99999999999999999999998"),
            ("5e0000000000000000000000000001", "50"),
        ]
        for (a, b) in equal {
            XCTAssertTrue(dec(a, b), "\(a) = \(b)")
            XCTAssertTrue(dec(b, a), "\(b) = \(a)")
        }
        let different: [(String, String)] = [
            ("5", "-5"), ("1250", "125"), ("1.25e3", "1.25e4"), ("2000.8", "2000.08"), ("1", "1.0000000000000000001"),
            ("1e99999999999999999999999", "1e99999999999999999999998"), ("1e99999999999999999999999", "1e-99999999999999999999999"),
            ("5", "five"), ("0x5", "5"), ("1e999999999", "1e999999998"),
            ("9007199254740993", "9007199254740992"), ("0.1", "0.10000000000000001"),
        ]
        for (a, b) in different {
            XCTAssertFalse(dec(a, b), "\(a) != \(b)")
            XCTAssertFalse(dec(b, a), "\(b) != \(a)")
        }
        let long = String(repeating: "3", count: 10_000)
        XCTAssertTrue(dec(long, long + ".000"))
        XCTAssertTrue(dec(long, "0." + long + "e10000"))
        XCTAssertFalse(dec(long, long + "1e-1"))
    }

    func testScalarAgreement() {
        func s(_ t: String) -> FieldValue { .string(Array(t.utf8)) }
        func n(_ t: String) -> FieldValue { .number(Array(t.utf8)) }
        XCTAssertTrue(s("5").agrees(with: n("5")))
        XCTAssertTrue(n("1250").agrees(with: n("1.25e3")))
        XCTAssertTrue(s("2000.80").agrees(with: n("2000.8")))
        XCTAssertTrue(s("abc").agrees(with: s("abc")))
        XCTAssertFalse(s("abc").agrees(with: s("abd")))
        XCTAssertFalse(s(" 5").agrees(with: n("5")), "only the decimal grammar, no trimming")
        XCTAssertTrue(FieldValue.bool(true).agrees(with: s("true")), "same text")
        XCTAssertFalse(FieldValue.bool(true).agrees(with: n("1")))
        XCTAssertFalse(FieldValue.bool(true).agrees(with: .bool(false)))
        XCTAssertFalse(s("[1]").agrees(with: .composite(Array("[1]".utf8))), "a composite never agrees with a scalar")
    }

    func testCompositeAgreement() {
        func c(_ t: String) -> FieldValue { .composite(Array(t.utf8)) }
        XCTAssertTrue(c(#"{"a":1,"b":[1,2]}"#).agrees(with: c(#"{ "b" : [1.0, 2e0], "a" : 1 }"#)))
        XCTAssertTrue(c(#"{"a":"5"}"#).agrees(with: c(#"{"a":5}"#)))
        XCTAssertTrue(c(#"{"\u0061":"\u00e9"}"#).agrees(with: c(#"{"a":"é"}"#)))
        XCTAssertFalse(c("[1,2]").agrees(with: c("[2,1]")), "array order matters")
        XCTAssertFalse(c(#"{"a":1}"#).agrees(with: c(#"{"a":1,"b":2}"#)))
        XCTAssertFalse(c(#"{"a":null}"#).agrees(with: c(#"{"a":"null"}"#)))
        XCTAssertFalse(c(#"{"a":null}"#).agrees(with: c(#"{}"#)))
        XCTAssertFalse(c("[]").agrees(with: c("{}")))
        XCTAssertTrue(c(#"{"a":1,"a":2}"#).agrees(with: c(#"{"a":1}"#)), "duplicates: first wins")
        let deep = String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000)
        XCTAssertTrue(c(deep).agrees(with: c(deep)), "beyond the depth limit: raw text")
        XCTAssertFalse(c(deep).agrees(with: c(" " + deep)))
    }

    func testRandomDecimalRewritesAgree() {
        var rng = RecordsRNG(seed: 0xDEC1)
        for _ in 0..<3000 {
            var digits = String(1 + rng.int(9))
            for _ in 0..<rng.int(15) { digits += String(rng.int(10)) }
            let exp = rng.int(41) - 20
            // value = digits × 10^exp, written two ways.
            let a = "\(digits)e\(exp)"
            let shift = rng.int(digits.count + 1)
            let intPart = String(digits.prefix(shift)), frac = String(digits.dropFirst(shift))
            let b = (intPart.isEmpty ? "0" : intPart) + "." + (frac.isEmpty ? "0" : frac) + String(repeating: "0", count: rng.int(3))
                + "e\(exp + frac.count)"
            XCTAssertTrue(dec(a, b), "\(a) = \(b)")
            XCTAssertFalse(dec(a, b + "1"), "\(a) != \(b)1")
        }
    }
}

final class RecordsServiceTableTests: XCTestCase {
    func testInternAndLookup() {
        let t = ServiceTable()
        XCTAssertEqual(t.count, 0)
        XCTAssertEqual(t.intern("api"), 0)
        XCTAssertEqual(t.intern("billing"), 1)
        XCTAssertEqual(t.intern("api"), 0)
        let b = Array("billing".utf8)
        XCTAssertEqual(b.withUnsafeBytes { t.intern(bytes: $0) }, 1)
        XCTAssertEqual(t.id(of: "billing"), 1)
        XCTAssertNil(t.id(of: "bill"))
        XCTAssertEqual(t.intern(""), 2)
        XCTAssertEqual(t.name(0), "api")
        XCTAssertEqual(t.name(2), "")
        XCTAssertEqual(t.count, 3)
    }

    func testManyNamesSurviveRehash() {
        let t = ServiceTable()
        for i in 0..<5000 { XCTAssertEqual(t.intern("svc-\(i)"), Int32(i)) }
        for i in stride(from: 0, to: 5000, by: 7) {
            XCTAssertEqual(Array("svc-\(i)".utf8).withUnsafeBytes { t.intern(bytes: $0) }, Int32(i))
            XCTAssertEqual(t.name(Int32(i)), "svc-\(i)")
        }
        XCTAssertEqual(t.count, 5000)
    }
}
