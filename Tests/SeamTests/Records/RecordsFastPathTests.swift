import XCTest
@testable import Seam

/// The Records stage's inline fast paths against simple references (fixed seeds).
final class RecordsFastPathTests: XCTestCase {
    /// `ShortBytes.equal` is `==` on the byte runs at every length and alignment, and finds a
    /// difference at every position (each word of the overlapping loads is looked at).
    func testShortBytesEqualMatchesReference() {
        var rng = RecordsRNG(seed: 0x5B_0001)
        var a = [UInt8](repeating: 0, count: 64), b = [UInt8](repeating: 0, count: 64)
        for count in 0...40 {
            for offA in 0..<8 {
                for offB in [0, 3, 7] {
                    for k in 0..<64 { a[k] = UInt8(truncatingIfNeeded: rng.next()); b[k] = UInt8(truncatingIfNeeded: rng.next()) }
                    for k in 0..<count { b[offB + k] = a[offA + k] }
                    func check(_ expected: Bool, _ what: String) {
                        let got = a.withUnsafeBytes { pa in
                            b.withUnsafeBytes { pb in ShortBytes.equal(pa.baseAddress! + offA, pb.baseAddress! + offB, count) }
                        }
                        XCTAssertEqual(got, expected, "\(what) count \(count) offsets \(offA)/\(offB)")
                    }
                    check(true, "equal")
                    for pos in 0..<count {
                        let saved = b[offB + pos]
                        b[offB + pos] = saved ^ (1 << UInt8(rng.int(8)))
                        check(false, "differs at \(pos)")
                        b[offB + pos] = saved
                    }
                }
            }
        }
        // Random short runs over a tiny alphabet (many equal ones), buffer form included.
        for _ in 0..<20_000 {
            let n = rng.int(20), m = rng.chance(80) ? n : rng.int(20)
            let x = (0..<n).map { _ in UInt8(0x61 + rng.int(2)) }, y = (0..<m).map { _ in UInt8(0x61 + rng.int(2)) }
            let got = x.withUnsafeBytes { px in y.withUnsafeBytes { py in ShortBytes.equal(px, py) } }
            XCTAssertEqual(got, x == y, "\(x) vs \(y)")
        }
    }

    /// `KeyTrie.child` (prefix and tail words, middle compare beyond 16 bytes) finds exactly the
    /// wanted keys, in wide (hashed) and narrow (linear) nodes, among near misses that differ
    /// in one byte anywhere, or share the first and last 8 bytes.
    func testKeyTrieLookupMatchesDictionary() {
        var rng = RecordsRNG(seed: 0x5B_0002)
        for round in 0..<40 {
            let width = round % 2 == 0 ? 3 : 24  // narrow node, then wide node
            var keys: [[UInt8]] = []
            while keys.count < width {
                let n = 1 + rng.int(40)
                // Shared head and tail so that prefix and tail words often collide.
                let key = (0..<n).map { i -> UInt8 in
                    i < 8 || i >= n - 8 ? UInt8(0x61 + (i % 3)) : UInt8(0x61 + rng.int(3))
                }
                if !keys.contains(key) { keys.append(key) }
            }
            let paths = keys.map { FieldPath(String(decoding: $0, as: UTF8.self)) }
            let trie = KeyTrie(paths: paths)
            var expected: [[UInt8]: Int32] = [:]
            for k in 0..<keys.count {
                let e = (0..<Int(trie.nodes[0].edgeCount)).first {
                    let edge = trie.edges[Int(trie.nodes[0].edgeStart) + $0]
                    return Array(UnsafeBufferPointer(start: trie.keyBytes + Int(edge.keyOffset), count: Int(edge.length))) == keys[k]
                }!
                expected[keys[k]] = trie.edges[Int(trie.nodes[0].edgeStart) + e].child
            }
            var probes = keys
            for key in keys {
                for pos in 0..<key.count {
                    var miss = key
                    miss[pos] ^= UInt8(1 << rng.int(7))
                    probes.append(miss)
                }
                probes.append(key + [0x61])
                if key.count > 1 { probes.append(Array(key.dropLast())) }
            }
            for probe in probes {
                // The key inside a line (readable bytes after it) and alone (byte-wise prefix).
                let line = probe + Array(#"":1}"#.utf8)
                let inLine = line.withUnsafeBufferPointer { p in
                    trie.child(of: 0, key: p.baseAddress!, length: probe.count,
                               prefix: KeyTrie.prefix(p.baseAddress!, length: probe.count, readable: p.count))
                }
                let alone = probe.withUnsafeBufferPointer { p in
                    trie.child(of: 0, key: p.baseAddress!, length: probe.count,
                               prefix: KeyTrie.prefix(p.baseAddress!, length: probe.count))
                }
                XCTAssertEqual(inLine, expected[probe] ?? -1, "\(String(decoding: probe, as: UTF8.self))")
                XCTAssertEqual(alone, expected[probe] ?? -1)
            }
        }
    }
}
