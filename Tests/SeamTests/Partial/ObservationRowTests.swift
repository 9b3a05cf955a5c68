import XCTest

@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamRecords

/// The row format `seam extract` writes and `seam correlate` reads (issue 17).
final class ObservationRowTests: XCTestCase {
    func row(_ o: Observation, service: String? = "orders", peer: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        ObservationRow.write(o, service: service, peer: peer, into: &out)
        XCTAssertEqual(out.last, 10)
        return Array(out.dropLast())
    }

    /// Every field comes back, for long keys (a two-byte length), every value kind, names with
    /// tabs and newlines, negative and extreme times.
    func testRoundTrip() {
        let key = String(repeating: "k", count: 300)
        for (time, key, service, peer) in [(Int64(0), "o-1", "orders", nil), (-5, key, "we\tird\nname", "pay"),
                                           (.max, "é", nil, nil), (.min, "", "a", "b")] as [(Int64, String, String?, String?)] {
            let o = Observation(time: time, position: InputPosition(source: 7, line: 1234), rule: 3, side: .receive,
                                key: key, agree: [.number(Array("12.50".utf8)), nil, .string(Array("EUR".utf8)),
                                                  .bool(true), .composite(Array("{\"a\":1}".utf8))])
            let r = row(o, service: service, peer: peer)
            XCTAssertFalse(r.contains(10))
            let p = r.withUnsafeBytes { ObservationRow.parse($0) }
            XCTAssertEqual(p?.time, time)
            XCTAssertEqual(p?.position, o.position)
            XCTAssertEqual(p?.rule, 3)
            XCTAssertEqual(p?.side, .receive)
            XCTAssertEqual(p?.values, o.values)
            XCTAssertEqual(p?.service.map { String(decoding: $0, as: UTF8.self) }, service)
            XCTAssertEqual(p?.peer.map { String(decoding: $0, as: UTF8.self) }, peer)
        }
    }

    /// Sorting rows as byte strings (`LC_ALL=C sort`, Spark's string sort) sorts them by time,
    /// negative times first.
    func testByteOrderIsTimeOrder() {
        var g = SeededRandom(seed: 3)
        let times: [Int64] = (0..<500).map { _ in Int64.random(in: -3_000_000_000_000...3_000_000_000_000, using: &g) }
            + [.min, .max, -1, 0, 1]
        let rows = times.map { row(Observation(time: $0, position: InputPosition(source: 0, line: 1), rule: 0, side: .send,
                                               key: "k\($0 % 7)", agree: [])) }
        let sorted = rows.sorted { $0.lexicographicallyPrecedes($1) }
        let parsed = sorted.map { $0.withUnsafeBytes { ObservationRow.parse($0)!.time } }
        XCTAssertEqual(parsed, times.sorted())
    }

    /// The partition hash depends only on the rule and the key (FNV-1a, computed here by hand
    /// for rule 0 and key "a": bytes 00 00 00 00 61), never on the process.
    func testPartitionHashIsFNV1a() {
        var h: UInt32 = 2_166_136_261
        for b in [0, 0, 0, 0, 0x61] as [UInt8] { h = (h ^ UInt32(b)) &* 16_777_619 }
        let got = Array("a".utf8).withUnsafeBytes { ObservationRow.partitionHash(rule: 0, key: $0) }
        XCTAssertEqual(got, h)
        let r = row(Observation(time: 1, position: InputPosition(source: 0, line: 1), rule: 0, side: .send, key: "a", agree: []))
        XCTAssertEqual(r.withUnsafeBytes { ObservationRow.parse($0)?.hash }, h)
        XCTAssertNotEqual(Array("a".utf8).withUnsafeBytes { ObservationRow.partitionHash(rule: 1, key: $0) }, h)
    }

    /// A row cut anywhere, or with a field that is not what it should be, does not parse.
    func testDamagedRowsDoNotParse() {
        let r = row(Observation(time: 42, position: InputPosition(source: 1, line: 2), rule: 0, side: .send,
                                key: "o-1", agree: [.string(Array("x".utf8))]))
        for n in 0..<r.count {
            XCTAssertNil(Array(r.prefix(n)).withUnsafeBytes { ObservationRow.parse($0) }, "cut at \(n)")
        }
        XCTAssertNotNil(r.withUnsafeBytes { ObservationRow.parse($0) })
        var bad = r
        bad[bad.firstIndex(of: UInt8(ascii: "s"))!] = UInt8(ascii: "x")
        XCTAssertNil(bad.withUnsafeBytes { ObservationRow.parse($0) })
    }

    /// Packed values whose entries run past their end (well-formed hex, damaged layout) do not
    /// parse: the correlator would read them through unchecked pointers, past the buffer.
    func testValuesRunningPastTheirEndDoNotParse() {
        let r = row(Observation(time: 42, position: InputPosition(source: 1, line: 2), rule: 0, side: .send,
                                key: "o-1", agree: [.string(Array("x".utf8))]))
        var fields = r.split(separator: 9, omittingEmptySubsequences: false).map(Array.init)
        XCTAssertEqual(fields.count, 10)
        XCTAssertTrue(r.withUnsafeBytes { ObservationRow.parse($0) } != nil)
        // tag string, length 5, 1 byte; a lone tag; a long length never ended; a valid entry then a cut one.
        for packed in ["0505ab", "05", "05ff", "0501aa0580"] {
            fields[8] = Array(packed.utf8)
            let damaged = Array(fields.joined(separator: [9]))
            XCTAssertNil(damaged.withUnsafeBytes { ObservationRow.parse($0) }, packed)
        }
        fields[8] = Array("0501aa".utf8)
        XCTAssertNotNil(Array(fields.joined(separator: [9])).withUnsafeBytes { ObservationRow.parse($0) })
    }
}
