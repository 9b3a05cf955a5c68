import XCTest
@testable import Seam
@testable import SeamAlignment
@testable import SeamCore
@testable import SeamCorrelation
@testable import SeamDiagnosis
@testable import SeamInput
@testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// Packing keeps every key and value exactly, inline or spilled, and equality follows the bytes.
final class ClaimValuesTests: XCTestCase {
    func testRoundTripAcrossTheInlineLimit() {
        var rng = SeededRandom(seed: 7)
        var spilled = 0, inline = 0
        for _ in 0..<3_000 {
            let key: String? = Int.random(in: 0..<10, using: &rng) == 0
                ? nil : String((0..<Int.random(in: 0..<70, using: &rng)).map { _ in "aé\u{0}z9-".randomElement(using: &rng)! })
            let agree: [FieldValue?] = (0..<Int.random(in: 0..<4, using: &rng)).map { _ in
                let bytes = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: return nil
                case 1: return .bool(Bool.random(using: &rng))
                case 2: return .number(bytes)
                case 3: return .composite(bytes)
                default: return .string(bytes)
                }
            }
            let v = ClaimValues(key: key, agree: agree)
            XCTAssertEqual(v.key, key)
            XCTAssertEqual(v.agree, agree)
            XCTAssertEqual(v.agreeCount, agree.count)
            XCTAssertEqual(v, ClaimValues(key: key, agree: agree))
            if v.spill == nil { inline += 1 } else { spilled += 1 }
        }
        XCTAssertGreaterThan(inline, 300)
        XCTAssertGreaterThan(spilled, 300)
    }

    /// Every inline length, after keys of every length that leave room: each byte lands in
    /// place and nothing past the value is written (the copy overlaps its last word).
    func testEveryInlineLengthKeepsItsBytes() {
        for keyLength in 0...20 {
            let key = String(repeating: "k", count: keyLength)
            for n in 0...(ClaimValues.inlineCapacity - 4 - keyLength) {
                let value = (0..<n).map { UInt8(truncatingIfNeeded: 0x41 &+ $0 &* 7) }
                var v = ClaimValues(key: key, agree: [.string(value)])
                XCTAssertNil(v.spill, "key \(keyLength), value \(n)")
                XCTAssertEqual(v.key, key)
                XCTAssertEqual(v.agree, [.string(value)], "key \(keyLength), value \(n)")
                v.append(.number, UnsafeRawBufferPointer(start: nil, count: 0))
                XCTAssertEqual(v.agree, [.string(value), .number([])], "key \(keyLength), value \(n)")
            }
        }
    }

    func testEqualityIsByBytes() {
        XCTAssertNotEqual(ClaimValues(key: "a", agree: []), ClaimValues(key: "b", agree: []))
        XCTAssertNotEqual(ClaimValues(key: nil, agree: []), ClaimValues(key: "", agree: []))
        XCTAssertNotEqual(ClaimValues(key: "a", agree: [.number(Array("5".utf8))]),
                          ClaimValues(key: "a", agree: [.string(Array("5".utf8))]))
        XCTAssertEqual(ClaimValues(key: nil, agree: []).key, nil)
        XCTAssertEqual(ClaimValues(key: "", agree: []).key, "")
    }

    func testVerdictOrdinalsFollowAllCases() {
        XCTAssertEqual(Verdict.allCases.map(\.ordinal), Array(Verdict.allCases.indices))
    }
}
