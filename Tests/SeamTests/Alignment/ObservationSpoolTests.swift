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

/// The spool gives back exactly what went in, in (time, input position) order, whether it
/// stayed in memory or went through temporary files.
final class ObservationSpoolTests: XCTestCase {
    func observations(_ n: Int, seed: UInt64) -> [Observation] {
        var rng = SeededRandom(seed: seed)
        func next() -> UInt64 { rng.next() }
        let values: [FieldValue?] = [nil, .bool(true), .bool(false), .string(Array("é\u{0}x".utf8)), .number(Array("1.25e3".utf8)),
                                     .composite(Array(#"{"a":[1,2]}"#.utf8)), .string([0xFF, 0xFE])]
        return (0..<n).map { i in
            Observation(time: Int64(next() % 50) - 25, position: InputPosition(source: Int32(next() % 3), line: UInt64(i + 1)),
                        rule: Int32(next() % 4), side: next() % 2 == 0 ? .send : .receive,
                        // Some keys too long to pack inline (their values live in `LongClaims`).
                        key: next() % 7 == 0 ? nil : (next() % 5 == 0 ? String(repeating: "long-", count: 13) : "k") + "\(next() % 100)",
                        agree: (0..<Int(next() % 3)).map { _ in values[Int(next() % UInt64(values.count))] })
        }
    }

    func drain(_ r: SpoolReader) -> [Observation] {
        var out: [Observation] = []
        while let o = r.next() { out.append(o) }
        return out
    }

    func testInMemoryAndSpilledGiveTheSameSortedObservations() {
        let before = LongClaims.live
        let input = observations(5_000, seed: 7)
        let long = input.filter(\.values.isLong).count
        XCTAssertGreaterThan(long, 100)
        let expected = input.sorted(by: ObservationSpool.inOrder)
        for budget in [40, 1_000, 10_000] {  // 40: 125 runs, so runs are compacted too
            do {
                let spool = ObservationSpool(budget: budget)
                // The spool owns what it is given (it releases a run's claims once on file).
                for var o in input {
                    o.values = o.values.retained()
                    spool.append(o)
                }
                XCTAssertEqual(spool.usedFiles, budget < input.count, "budget \(budget)")
                let reader = spool.sorted()
                XCTAssertEqual(reader.nextTime, expected.first?.time)
                let got = drain(reader)
                XCTAssertEqual(got, expected, "budget \(budget)")
                // Read again, as a pass that starts over does: the same, and each read's claims
                // are the reader's own.
                let again = drain(spool.sorted())
                XCTAssertEqual(again, expected, "budget \(budget), second read")
                got.releaseClaims()
                again.releaseClaims()
                // A reader dropped half way lets go of what it had read from files.
                let partial = spool.sorted()
                for _ in 0..<100 { var o = partial.next(); o?.values.release() }
            }
            XCTAssertEqual(LongClaims.live, before.map { $0 + long }, "budget \(budget): the spool's claims outlived it")
        }
        input.releaseClaims()
        XCTAssertEqual(LongClaims.live, before)
    }

    func testEmptySpool() {
        let reader = ObservationSpool(budget: 4).sorted()
        XCTAssertNil(reader.nextTime)
        XCTAssertNil(reader.next())
    }
}
