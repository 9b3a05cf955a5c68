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

    /// The byte-at-a-time string scan the SIMD and SWAR steps must agree with.
    static func referenceScanString(_ b: [UInt8], _ start: Int, _ n: Int) -> (close: Int?, escaped: Bool) {
        func isHex(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c) }
        var i = start, escaped = false
        while i < n {
            let c = b[i]
            if c == 0x22 { return (i, escaped) }
            if c == 0x5C {
                escaped = true
                guard i + 1 < n else { return (nil, escaped) }
                if Array(#""\/bfnrt"#.utf8).contains(b[i + 1]) {
                    i += 2
                } else if b[i + 1] == UInt8(ascii: "u"), i + 6 <= n, b[(i + 2)..<(i + 6)].allSatisfy(isHex) {
                    i += 6
                } else {
                    return (nil, escaped)
                }
                continue
            }
            if c < 0x20 { return (nil, escaped) }
            i += 1
        }
        return (nil, escaped)
    }

    /// `firstStringStop` on one 16-byte block: every byte value in every lane, then random blocks.
    func testFirstStringStopMatchesBytewise() {
        func expected(_ block: [UInt8]) -> Int {
            block.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 } ?? 16
        }
        func got(_ block: [UInt8]) -> Int {
            block.withUnsafeBytes { JSONFieldScanner.firstStringStop($0.loadUnaligned(as: SIMD16<UInt8>.self)) }
        }
        for lane in 0..<16 {
            for value in 0...255 {
                var block = [UInt8](repeating: UInt8(ascii: "a"), count: 16)
                block[lane] = UInt8(value)
                XCTAssertEqual(got(block), expected(block), "lane \(lane) byte \(value)")
            }
        }
        var rng = RecordsRNG(seed: 0x5B_0003)
        let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0x61]
        for _ in 0..<20_000 {
            let block = (0..<16).map { _ in rng.chance(85) ? UInt8(0x61) : rng.pick(alphabet) }
            XCTAssertEqual(got(block), expected(block), "\(block)")
        }
    }

    /// `JSONFieldScanner.scanString` (16-byte, 8-byte and byte steps) against the byte loop: a
    /// string of every length 0-70 at start offsets 0-17, with one special byte (quote,
    /// backslash escapes good and bad, control bytes, high bytes) at every position, and the
    /// line ending at, before and after the closing quote; then random strings.
    func testScanStringMatchesByteLoopAcrossBlockBoundaries() {
        var rng = RecordsRNG(seed: 0x5B_0004)
        func check(_ b: [UInt8], _ start: Int, _ n: Int, _ what: @autoclosure () -> String) {
            let want = Self.referenceScanString(b, start, n)
            var escaped = false
            let close = b.withUnsafeBufferPointer { JSONFieldScanner.scanString($0.baseAddress!, start, n, &escaped) }
            XCTAssertEqual(close, want.close, what())
            if want.close != nil { XCTAssertEqual(escaped, want.escaped, what()) }
        }
        let specials: [[UInt8]] = [[0x22], [0x5C, 0x22], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x5C, 0x75, 0x30, 0x67],
                                   [0x5C, 0x78], [0x01], [0x1F], [0x20], [0x7F], [0x80], [0xDC]]
        for length in 0...70 {
            for start in 0...17 {
                for pos in stride(from: -1, to: length, by: length > 40 ? 3 : 1) {
                    let special = pos < 0 ? [] : rng.pick(specials)
                    var content = (0..<length).map { _ in UInt8(0x61 + rng.int(26)) }
                    if pos >= 0 { content.replaceSubrange(pos..<pos + 1, with: special) }
                    let b = [UInt8](repeating: 0x78, count: start) + content + [0x22] + (0..<17).map { _ in UInt8(0x2C) }
                    let closeAt = start + content.count
                    for n in Set([closeAt, closeAt + 1, closeAt + 2, closeAt + 9, closeAt + 17, max(start, closeAt - 1)]) where n <= b.count {
                        check(b, start, n, "length \(length) start \(start) special \(special) at \(pos) n \(n)")
                    }
                }
            }
        }
        let alphabet: [UInt8] = [0x22, 0x5C, 0x75, 0x6E, 0x30, 0x41, 0x01, 0x20, 0x80]
        for _ in 0..<20_000 {
            let b = (0..<(1 + rng.int(80))).map { _ in rng.chance(90) ? UInt8(0x61 + rng.int(26)) : rng.pick(alphabet) }
            let start = rng.int(b.count)
            check(b, start, start + rng.int(b.count - start + 1), "\(b)")
        }
    }
}
