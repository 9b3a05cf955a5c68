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
            if !v.isLong { inline += 1 } else { spilled += 1 }
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
                XCTAssertFalse(v.isLong, "key \(keyLength), value \(n)")
                XCTAssertEqual(v.key, key)
                XCTAssertEqual(v.agree, [.string(value)], "key \(keyLength), value \(n)")
                v.append(.number, UnsafeRawBufferPointer(start: nil, count: 0))
                XCTAssertEqual(v.agree, [.string(value), .number([])], "key \(keyLength), value \(n)")
            }
        }
    }

    /// The packed buffer's edges (invariants in `ClaimValues`' doc comment): exactly
    /// `inlineCapacity` bytes stay inline, one more spills; a value of 127 bytes has a one-byte
    /// length, 128 a two-byte one; an empty key. Each reads back through `Reader` and through
    /// `init(packed:)`, and every proper prefix of the packed bytes but the entry ends is not
    /// well formed (the check `ObservationRow` relies on).
    func testExactlyFullOnePastAndLengthEncodingEdges() {
        let cap = ClaimValues.inlineCapacity
        // Key "" (2 bytes) + one value with a 2-byte header: n = cap - 4 fills it exactly.
        for (n, inline) in [(cap - 5, true), (cap - 4, true), (cap - 3, false), (127, false), (128, false), (129, false)] {
            let value = (0..<n).map { UInt8(truncatingIfNeeded: 0x30 &+ $0) }
            let v = ClaimValues(key: "", agree: [.string(value)])
            XCTAssertEqual(!v.isLong, inline, "value of \(n)")
            let packed = v.withBytes { [UInt8]($0) }
            let header = n < 0x80 ? 2 : 3
            XCTAssertEqual(packed.count, 2 + header + n, "value of \(n)")
            XCTAssertEqual(v.key, "")
            XCTAssertEqual(v.agree, [.string(value)], "value of \(n)")
            XCTAssertTrue(ClaimValues.isWellFormed(packed))
            let back = packed.withUnsafeBytes { ClaimValues(packed: $0) }
            XCTAssertEqual(back, v)
            XCTAssertEqual(!back.isLong, inline)
            XCTAssertEqual(back.agree, [.string(value)])
            for cut in 1..<packed.count where cut != 2 {
                XCTAssertFalse(ClaimValues.isWellFormed(Array(packed[..<cut])), "value of \(n) cut at \(cut)")
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

    /// The point of `LongClaims`: a claim, and so an observation, is a plain value (copies are
    /// memory copies, with no reference count), and fits a cache line.
    func testClaimsAndObservationsAreTriviallyCopyable() {
        XCTAssertTrue(_isPOD(ClaimValues.self))
        XCTAssertTrue(_isPOD(Observation.self))
        XCTAssertLessThanOrEqual(MemoryLayout<ClaimValues>.stride, 64)
    }

    /// A long claim's owners: made with one, `retained` adds one, each `release` drops one,
    /// the last frees it; a short claim has none. Copies are views of the same bytes.
    func testLongClaimOwnership() throws {
        guard let before = LongClaims.live else { throw XCTSkip("long claims are counted in debug builds only") }
        let long = String(repeating: "x", count: ClaimValues.inlineCapacity + 10)
        var a = ClaimValues(key: long, agree: [.string(Array(Scenario.longText.utf8))])
        XCTAssertTrue(a.isLong)
        XCTAssertEqual(LongClaims.live, before + 1)
        let view = a  // a copy: the same claim, no new owner
        XCTAssertEqual(LongClaims.live, before + 1)
        var b = a.retained()
        a.release()
        XCTAssertEqual(a, ClaimValues(), "a released claim is empty")
        XCTAssertEqual(LongClaims.live, before + 1, "still owned by b")
        XCTAssertEqual(b.key, long)
        XCTAssertEqual(view.agree, [.string(Array(Scenario.longText.utf8))])
        b.release()
        XCTAssertEqual(LongClaims.live, before)

        // Growing past the inline bytes one value at a time, then read back from its packed bytes.
        var grown = ClaimValues(key: "k", agree: [])
        for i in 0..<12 {
            Array("value-\(i)".utf8).withUnsafeBytes { grown.append(.string, $0) }
        }
        XCTAssertTrue(grown.isLong)
        XCTAssertEqual(grown.agree, (0..<12).map { .string(Array("value-\($0)".utf8)) })
        var copy = grown.withBytes { ClaimValues(packed: $0) }
        XCTAssertEqual(copy, grown)
        XCTAssertEqual(LongClaims.live, before + 2)
        copy.release()
        grown.release()
        XCTAssertEqual(LongClaims.live, before)

        // Short claims: nothing to own.
        var short = ClaimValues(key: "k1", agree: [.number(Array("5".utf8))])
        XCTAssertFalse(short.isLong)
        _ = short.retained()
        short.release()
        XCTAssertEqual(LongClaims.live, before)
    }

    /// Claims made after others were freed (their memory reused) hold their own bytes, and the
    /// ones still owned keep theirs.
    func testFreedBlocksAreReusedWithTheirOwnBytes() throws {
        guard let before = LongClaims.live else { throw XCTSkip("long claims are counted in debug builds only") }
        var claims = (0..<50).map { i in
            ClaimValues(key: "key-\(i)-" + String(repeating: "y", count: 60), agree: [])
        }
        for i in stride(from: 0, to: 50, by: 2) { claims[i].release() }
        let again = (0..<25).map { i in ClaimValues(key: "again-\(i)-" + String(repeating: "z", count: 60), agree: []) }
        for i in stride(from: 1, to: 50, by: 2) { XCTAssertEqual(claims[i].key, "key-\(i)-" + String(repeating: "y", count: 60)) }
        for (i, c) in again.enumerated() { XCTAssertEqual(c.key, "again-\(i)-" + String(repeating: "z", count: 60)) }
        XCTAssertEqual(LongClaims.live, before + 50)
        for i in stride(from: 1, to: 50, by: 2) { claims[i].release() }
        again.releaseClaimValues()
        XCTAssertEqual(LongClaims.live, before)
    }

    func testVerdictOrdinalsFollowAllCases() {
        XCTAssertEqual(Verdict.allCases.map(\.ordinal), Array(Verdict.allCases.indices))
    }
}

private extension Array where Element == ClaimValues {
    func releaseClaimValues() {
        for var c in self { c.release() }
    }
}
