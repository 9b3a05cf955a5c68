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
                        // Some keys too long to pack inline (their values spill to an array).
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
        let input = observations(5_000, seed: 7)
        let expected = input.sorted(by: ObservationSpool.inOrder)
        for budget in [40, 1_000, 10_000] {  // 40: 125 runs, so runs are compacted too
            let spool = ObservationSpool(budget: budget)
            for o in input { spool.append(o) }
            XCTAssertEqual(spool.usedFiles, budget < input.count, "budget \(budget)")
            let reader = spool.sorted()
            XCTAssertEqual(reader.nextTime, expected.first?.time)
            XCTAssertEqual(drain(reader), expected, "budget \(budget)")
        }
    }

    func testEmptySpool() {
        let reader = ObservationSpool(budget: 4).sorted()
        XCTAssertNil(reader.nextTime)
        XCTAssertNil(reader.next())
    }
}
