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
import SeamFuzzSupport

/// The JSON scanner against Foundation's `JSONSerialization` on random objects (fixed seeds).
final class RecordsJSONReferenceTests: XCTestCase {
    static let keyPool = ["a", "b", "c", "ts", "a.b", "b.c", "a.b.c", "x\"y", "ü", "😀k", "long_key_name_over_8", "n"]
    static let paths: [FieldPath] = ["a", "b", "c", "ts", "a.b", "b.c", "a.b.c", "x\"y", "ü", "😀k",
                                     "long_key_name_over_8", "c.a.b", "n", "b.a", "zz"]

    func testScannerMatchesJSONSerializationOnRandomObjects() throws {
        var rng = RecordsRNG(seed: 0x5EA7_0001)
        let plan = FieldPlan(paths: Self.paths)
        var scanner = JSONFieldScanner(plan: plan)
        var spans = ContiguousArray<FieldSpan>()
        var compared = 0
        for round in 0..<2500 {
            let text = genObject(&rng, depth: 0)
            let bytes = Array(text.utf8)
            let outcome = bytes.withUnsafeBytes { scanner.scan($0, into: &spans) }
            let reference = try JSONSerialization.jsonObject(with: Data(bytes), options: []) as? [String: Any]
            XCTAssertNotNil(reference, text)
            guard outcome == .complete, let reference else {
                XCTFail("round \(round): scanner said \(outcome) for valid \(text)")
                continue
            }
            let full = Self.paths.map { ScannedValue(span: spans[plan.slot(for: $0)!], line: bytes) }
            for (k, path) in Self.paths.enumerated() {
                let expected = JSONReference.lookup(reference, path)
                if !JSONReference.matches(spans[plan.slot(for: path)!], in: bytes, expected) {
                    XCTFail("round \(round) path \(path): scanner \(full[k]) vs reference \(String(describing: expected)) in \(text.debugDescription)")
                }
                compared += 1
            }
            // Stopping early must give the same values (first occurrence wins either way).
            let early = bytes.withUnsafeBytes { scanner.scan($0, into: &spans, stopEarly: true) }
            XCTAssertNotEqual(early, .malformed)
            let earlyValues = Self.paths.map { ScannedValue(span: spans[plan.slot(for: $0)!], line: bytes) }
            XCTAssertEqual(earlyValues, full, text)
        }
        XCTAssertGreaterThan(compared, 30_000)
    }

    func testAcceptRejectAgreesWithJSONSerializationOnMutatedLines() {
        var rng = RecordsRNG(seed: 0x5EA7_0002)
        let plan = FieldPlan(paths: Self.paths)
        var scanner = JSONFieldScanner(plan: plan)
        var spans = ContiguousArray<FieldSpan>()
        var rejected = 0, accepted = 0, failures = 0
        for _ in 0..<2500 {
            var bytes = Array(genObject(&rng, depth: 0).utf8)
            for _ in 0...rng.int(2) { mutate(&bytes, &rng) }
            // Policies that differ on purpose: invalid UTF-8 and lone surrogates are accepted here.
            // So are numbers beyond Double's range (JSON's grammar has no limit; Foundation has),
            // and trailing commas (`{"a":1,}`: Foundation accepts them, RFC 8259 does not).
            guard let valid = String(validating: bytes, as: UTF8.self), !JSONReference.hasLoneSurrogate(bytes),
                  valid.range(of: "[eE][+-]?[0-9]{3,}", options: .regularExpression) == nil,
                  valid.range(of: ",[ \t\r\n]*[]}]", options: .regularExpression) == nil else { continue }
            let mine = bytes.withUnsafeBytes { scanner.scan($0, into: &spans) } != .malformed
            let reference = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [])) is [String: Any]
            if mine != reference {
                failures += 1
                if failures <= 10 {
                    XCTFail("scanner \(mine ? "accepts" : "rejects"), reference disagrees: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                }
            }
            if reference { accepted += 1 } else { rejected += 1 }
        }
        XCTAssertGreaterThan(rejected, 1000)
        XCTAssertGreaterThan(accepted, 200)
    }

    // MARK: - Generator

    func ws(_ rng: inout RecordsRNG) -> String {
        rng.chance(70) ? "" : rng.pick([" ", "  ", "\t", "\n", "\r\n", " \t "])
    }

    /// A JSON string literal for `value`, each character written raw or escaped at random.
    func quote(_ value: String, _ rng: inout RecordsRNG) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            let v = scalar.value
            let mustEscape = v < 0x20 || scalar == "\"" || scalar == "\\"
            if !mustEscape && rng.chance(80) {
                out.unicodeScalars.append(scalar)
                continue
            }
            let short: [UInt32: String] = [0x22: "\\\"", 0x5C: "\\\\", 0x2F: "\\/", 0x08: "\\b", 0x0C: "\\f",
                                           0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"]
            if let s = short[v], rng.chance(60) {
                out += s
            } else if v >= 0x10000 {
                let u = v - 0x10000
                out += hex(0xD800 + (u >> 10), &rng) + hex(0xDC00 + (u & 0x3FF), &rng)
            } else {
                out += hex(v, &rng)
            }
        }
        return out + "\""
    }

    func hex(_ v: UInt32, _ rng: inout RecordsRNG) -> String {
        var h = String(v, radix: 16)
        h = String(repeating: "0", count: 4 - h.count) + h
        return "\\u" + (rng.chance(50) ? h.uppercased() : h)
    }

    func genText(_ rng: inout RecordsRNG) -> String {
        let pool: [String] = ["a", "b", "z", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "中", "😀",
                              "\u{7F}", "\u{2028}", "0", "1", ".", "e", "-", "{", "[", "x"]
        var s = ""
        for _ in 0..<rng.int(rng.chance(10) ? 40 : 8) { s += rng.pick(pool) }
        return s
    }

    func genNumber(_ rng: inout RecordsRNG) -> String {
        var s = rng.chance(30) ? "-" : ""
        if rng.chance(20) {
            s += "0"
        } else {
            s += String(1 + rng.int(9))
            for _ in 0..<rng.int(12) { s += String(rng.int(10)) }
        }
        if rng.chance(40) {
            s += "."
            for _ in 0...rng.int(6) { s += String(rng.int(10)) }
        }
        if rng.chance(25) {
            s += rng.pick(["e", "E"]) + rng.pick(["", "+", "-"]) + String(rng.int(60))
        }
        return s
    }

    func genValue(_ rng: inout RecordsRNG, depth: Int) -> String {
        let r = rng.int(100)
        if r < 30 { return quote(genText(&rng), &rng) }
        if r < 50 { return genNumber(&rng) }
        if r < 58 { return rng.pick(["true", "false"]) }
        if r < 66 { return "null" }
        if r < 86 && depth < 4 { return genObject(&rng, depth: depth + 1) }
        if depth < 4 {
            var items: [String] = []
            for _ in 0..<rng.int(4) { items.append(ws(&rng) + genValue(&rng, depth: depth + 1) + ws(&rng)) }
            return "[" + items.joined(separator: ",") + ws(&rng) + "]"
        }
        return genNumber(&rng)
    }

    /// An object with distinct keys (duplicates are a documented policy difference).
    func genObject(_ rng: inout RecordsRNG, depth: Int) -> String {
        var keys = Self.keyPool
        var members: [String] = []
        for _ in 0..<rng.int(depth == 0 ? 8 : 5) {
            let key = keys.remove(at: rng.int(keys.count))
            members.append(ws(&rng) + quote(key, &rng) + ws(&rng) + ":" + ws(&rng) + genValue(&rng, depth: depth) + ws(&rng))
        }
        return ws(&rng) + "{" + members.joined(separator: ",") + ws(&rng) + "}" + ws(&rng)
    }

    func mutate(_ bytes: inout [UInt8], _ rng: inout RecordsRNG) {
        guard !bytes.isEmpty else { return }
        let at = rng.int(bytes.count)
        let inserts = Array("{}[]:,\"\\ 0-.eE+tfnu1aZ\t".utf8)
        switch rng.int(5) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(rng.pick(inserts), at: at)
        case 2: bytes[at] = rng.pick(inserts)
        case 3: bytes.removeLast(rng.int(bytes.count))
        default: bytes.insert(bytes[at], at: at)
        }
    }
}
