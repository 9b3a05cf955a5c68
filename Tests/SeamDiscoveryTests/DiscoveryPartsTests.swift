import Foundation
@_spi(SeamStages) import Seam
import XCTest
@testable import SeamDiscovery

/// The parts of discovery against plain references: the sketch against exact sets, the field
/// walk against Foundation's JSON parser, value hashes against `DecimalText`'s equality.
final class DiscoveryPartsTests: XCTestCase {
    func testSketchKeepsTheSmallestHashesWithExactCountsAndFirstTimes() {
        var rng = SeededRandom(seed: 7)
        var sketch = KeySketch()
        var exact: [UInt64: (count: UInt32, first: Int64)] = [:]
        for _ in 0..<20_000 {
            let h = ValueHash.finalise(UInt64(rng.int(3000)))  // 3,000 values, each ~7 times
            let t = Int64(rng.int(1_000_000))
            let e = exact[h]
            exact[h] = ((e?.count ?? 0) + 1, min(e?.first ?? .max, t))
            _ = sketch.offer(h, time: t)
        }
        let smallest = exact.keys.sorted().prefix(KeySketch.capacity)
        XCTAssertEqual(Set(sketch.hashes), Set(smallest))
        for (slot, h) in sketch.hashes.enumerated() {
            XCTAssertEqual(sketch.counts[slot], exact[h]!.count)
            XCTAssertEqual(sketch.firstTimes[slot], exact[h]!.first)
        }
        XCTAssertEqual(sketch.threshold, smallest.last!)
        // KMV: within 20% of the truth at k = 256 (standard error ~6%).
        XCTAssertEqual(sketch.distinctEstimate, 3000, accuracy: 600)
    }

    func testValueHashesNumbersByValue() {
        func h(_ s: String) -> UInt64 { var t = s; return t.withUTF8 { ValueHash.value($0.baseAddress!, $0.count) } }
        let same = [["45.00", "45.0", "45", "4.5e1", "+45"], ["0", "-0", "0.000", "0e9"], ["1250", "1.25e3", "12500e-1"]]
        for group in same { for s in group { XCTAssertEqual(h(s), h(group[0]), s) } }
        let all = ["45", "45.01", "-45", "4.5", "450", "r-45", "45x", "1250", "0", "1", "0.1"]
        XCTAssertEqual(Set(all.map(h)).count, all.count)
        // Agreement as check judges it, on random pairs.
        var rng = SeededRandom(seed: 3)
        for _ in 0..<2000 {
            let a = "\(rng.pick(["", "-", "+"]))\(rng.int(100))\(rng.chance(50) ? ".\(rng.int(100))" : "")\(rng.chance(30) ? "e\(rng.int(3))" : "")"
            let b = "\(rng.pick(["", "-"]))\(rng.int(100))\(rng.chance(50) ? ".\(rng.int(100))" : "")"
            XCTAssertEqual(h(a) == h(b), DecimalText.equal(Array(a.utf8), Array(b.utf8)), "\(a) \(b)")
        }
    }

    func testFieldWalkMatchesFoundation() throws {
        let lines = [
            #"{"ts":"2026-11-28T14:00:06.831Z","service":{"name":"payments","version":"2.4.1"},"event":"payment.received","ctx":{"request_id":"r-1000","order":"o-4100"},"amount":230.4,"ok":true,"none":null,"tags":["a","b"],"esc":"a\"b\\c\u0041"}"#,
            #"  { "a" : 1 , "b" : { "c" : { "d" : { "e" : { "f" : 2 } } } }, "a": 3 }"#,
        ]
        let walker = FieldWalker()
        for line in lines {
            walker.reset()
            var l = line
            l.withUTF8 { _ = walker.walkJSON(UnsafeRawBufferPointer($0)) }
            var got: [String: String] = [:]
            for k in 0..<walker.count {
                let f = walker.fields[k]
                var v = [UInt8](UnsafeBufferPointer(start: f.value, count: Int(f.valueCount)))
                if f.escaped { v = EscapedText.decode(v.withUnsafeBytes { $0 }) }
                got[walker.name(k)] = String(decoding: v, as: UTF8.self)
            }
            // Reference: Foundation, flattened to four levels like the walker.
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            var want: [String: String] = [:]
            func flatten(_ o: [String: Any], _ prefix: String, _ depth: Int) {
                for (k, v) in o {
                    let path = prefix + k
                    if let inner = v as? [String: Any], depth < FieldWalker.maxDepth { flatten(inner, path + ".", depth + 1); continue }
                    if v is NSNull { continue }
                    if v is [Any] || v is [String: Any] { want[path] = got[path]; continue }  // composite: kept raw
                    want[path] = v is String ? v as! String : got[path]
                }
            }
            flatten(obj, "", 1)
            XCTAssertEqual(Set(got.keys), Set(want.keys), line)
            for (k, v) in want where !(k == "a") { XCTAssertEqual(got[k], v, k) }
        }
        walker.reset()
        var first = lines[0]
        first.withUTF8 { _ = walker.walkJSON(UnsafeRawBufferPointer($0)) }
        let byName = Dictionary(uniqueKeysWithValues: (0..<walker.count).map { (walker.name($0), walker.fields[$0]) })
        XCTAssertEqual(byName["ok"]?.kind, .bool)
        XCTAssertEqual(byName["amount"].map { String(decoding: UnsafeBufferPointer(start: $0.value, count: Int($0.valueCount)), as: UTF8.self) }, "230.4")
        XCTAssertEqual(byName["tags"]?.kind, .composite)
        XCTAssertNil(byName["none"])
        // Duplicate key: the first wins (as the scanners do).
        walker.reset()
        var d = #"{"a":"1","a":"2"}"#
        d.withUTF8 { _ = walker.walkJSON(UnsafeRawBufferPointer($0)) }
        XCTAssertEqual(walker.count, 1)
        // logfmt: quoted, bare, bare key.
        walker.reset()
        var lf = #"ts=1 app=shipping msg="shipment \"accepted\"" flag order_id=o-1"#
        lf.withUTF8 { _ = walker.walkLogfmt(UnsafeRawBufferPointer($0)) }
        XCTAssertEqual((0..<walker.count).map { walker.name($0) }, ["ts", "app", "msg", "flag", "order_id"])
    }

    func testMessageTemplates() {
        func words(_ s: String) -> [String] { var t = s; return t.withUTF8 { MessageTemplate.words($0.baseAddress!, $0.count) } }
        func hash(_ s: String) -> UInt64 { var t = s; return t.withUTF8 { MessageTemplate.hash($0.baseAddress!, $0.count) } }
        let claim1 = "[instance: 95960536-049b-41f6-9049-05fc479b6a7c] Attempting claim: memory 2048 MB, disk 20 GB"
        let claim2 = "[instance: 0a6b8f1e-1111-2222-3333-444455556666] Attempting claim: memory 512 MB, disk 1 GB"
        XCTAssertEqual(hash(claim1), hash(claim2))
        let post = #"10.11.10.1 "POST /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers HTTP/1.1" status: 202"#
        let events = #"10.11.10.1 "POST /v2/54fadb412c4e40cdbaed9335e4c35a9e/os-server-external-events HTTP/1.1" status: 200"#
        XCTAssertNotEqual(hash(post), hash(events))
        XCTAssertEqual(MessageTemplate.display(words(post), cut: false), #"* "POST /*/*/servers HTTP/* status: *"#)
        // The pattern matches the messages of its template and not the other's.
        for (text, other) in [(claim1, post), (post, events), (events, post)] {
            let re = try! Regex(MessageTemplate.pattern(words(text)))
            XCTAssertNotNil(text.firstMatch(of: re), text)
            XCTAssertNil(other.firstMatch(of: re), other)
        }
        XCTAssertEqual(words("16:48:42.424 INFO t.s.TravelServiceImpl#451 TraceID: abc")[2], "t.s.TravelServiceImpl#451")
    }

    func testDurationLadder() {
        XCTAssertEqual(DurationLadder.text(DurationLadder.roundUp(180_000_000)), "200ms")
        XCTAssertEqual(DurationLadder.text(DurationLadder.roundUp(3_700_000_000)), "5s")
        XCTAssertEqual(DurationLadder.text(DurationLadder.roundUp(90_000_000_000)), "2m")
        XCTAssertEqual(DurationLadder.text(DurationLadder.roundUp(1)), "1ms")
    }
}
