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

/// `HeldSends` against a plain reference (a dictionary of sorted arrays) on random operations:
/// many keys, hash collisions forced by a small key space, out-of-order inserts, removals
/// anywhere in a list, and growth of the table.
final class HeldSendsTests: XCTestCase {
    struct Ref {
        var time: Int64
        var position: InputPosition
        var paired = false
        var index: Int32
    }

    func testAgreesWithReferenceOnRandomOperations() {
        var rng = SeededRandom(seed: 11)
        for round in 0..<40 {
            var table = HeldSends()
            var ref: [String: [Ref]] = [:]  // "rule/key" -> sorted by (time, position)
            let keySpace = [4, 50, 2_000][round % 3]
            var line: UInt64 = 0
            for _ in 0..<4_000 {
                let rule = Int32.random(in: 0..<2, using: &rng)
                let key = "k\(Int.random(in: 0..<keySpace, using: &rng))"
                let id = "\(rule)/\(key)"
                let hash = key.utf8.withContiguousStorageIfAvailable { HeldSends.hash(rule: rule, key: UnsafeRawBufferPointer($0)) }!
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<5:
                    line += 1
                    let t = Int64.random(in: 0..<100, using: &rng)
                    let pos = InputPosition(source: Int32.random(in: 0..<2, using: &rng), line: line)
                    let i = table.insert(time: t, position: pos, values: ClaimValues(key: key, agree: []), hash: hash, rule: rule)
                    var list = ref[id, default: []]
                    let at = list.firstIndex { ($0.time, $0.position) > (t, pos) } ?? list.count
                    list.insert(Ref(time: t, position: pos, index: i), at: at)
                    ref[id] = list
                case 5..<8:
                    let lo = Int64.random(in: 0..<100, using: &rng), hi = lo + Int64.random(in: 0..<30, using: &rng)
                    let slot = key.utf8.withContiguousStorageIfAvailable {
                        table.find(rule: rule, hash: hash, key: UnsafeRawBufferPointer($0))
                    }!
                    XCTAssertEqual(slot != nil, ref[id] != nil)
                    guard let slot, var list = ref[id] else { continue }
                    let (taken, paired) = table.takeLatestUnpaired(slot: slot, from: lo, to: hi)
                    var expectTaken: Int32?, expectPaired: Int32?
                    for j in list.indices.reversed() where list[j].time >= lo && list[j].time <= hi {
                        if !list[j].paired { list[j].paired = true; expectTaken = list[j].index; break }
                        if expectPaired == nil { expectPaired = list[j].index }
                    }
                    ref[id] = list
                    XCTAssertEqual(taken, expectTaken)
                    XCTAssertEqual(paired, expectPaired)
                default:
                    guard var list = ref[id], !list.isEmpty else { continue }
                    let j = Int.random(in: list.indices, using: &rng)
                    let s = table.remove(list[j].index)
                    XCTAssertEqual(s.time, list[j].time)
                    XCTAssertEqual(s.position, list[j].position)
                    XCTAssertEqual(s.paired, list[j].paired)
                    XCTAssertEqual(s.values.key, key)
                    list.remove(at: j)
                    ref[id] = list.isEmpty ? nil : list
                }
                XCTAssertEqual(table.count, ref.values.reduce(0) { $0 + $1.count })
                XCTAssertEqual(table.handoffs, ref.count)
            }
        }
    }
    /// The key hash: equal inputs hash equal; rule, length and every byte position count; and
    /// sequential keys (request ids) spread evenly over a power-of-two table's low bits.
    func testHashSeparatesKeysAndSpreadsSequentialOnes() {
        func h(_ rule: Int32, _ key: String) -> Int {
            Array(key.utf8).withUnsafeBytes { HeldSends.hash(rule: rule, key: $0) }
        }
        for key in ["", "a", "abc", "r-0000001", "0123456789abcdef", "0123456789abcdefX", String(repeating: "k", count: 100)] {
            XCTAssertEqual(h(0, key), h(0, key))
            XCTAssertNotEqual(h(0, key), h(1, key), key)
            XCTAssertNotEqual(h(0, key), h(0, key + "\u{0}"), key)
            var bytes = Array(key.utf8)
            for i in bytes.indices {
                bytes[i] ^= 0x01
                XCTAssertNotEqual(bytes.withUnsafeBytes { HeldSends.hash(rule: 0, key: $0) }, h(0, key), "\(key) byte \(i)")
                bytes[i] ^= 0x01
            }
        }
        // 20,000 sequential ids into 32,768 buckets: a uniform hash fills about 14,930 of them
        // and puts at most about 8 in one.
        var buckets = [Int](repeating: 0, count: 1 << 15)
        for i in 0..<20_000 { buckets[h(2, "r-\(String(format: "%07d", i))") & (buckets.count - 1)] += 1 }
        XCTAssertGreaterThan(buckets.filter { $0 > 0 }.count, 14_000)
        XCTAssertLessThanOrEqual(buckets.max()!, 10)
    }
}
