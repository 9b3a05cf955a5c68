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

/// `SourceCursor`'s clock-jump guard on a source's first event: a line far ahead of everything
/// the sources have shown does not move the source's latest time (its watermark) alone; a
/// second event of its own, or another source's times near it, do. `lowerBound` never claims
/// more than the trusted times allow.
final class ClockJumpTests: XCTestCase {
    /// One observation per event; none is needed here but the cursor's accounting.
    struct NoObservations: ObservationSelector {
        var fieldPaths: [FieldPath] { [] }
        func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {}
    }

    /// Made per test and dropped in `tearDown`: XCTest keeps every test case instance until the
    /// process ends, so a `TempDir` held by a property would never be removed.
    private var dir: TempDir!

    override func setUp() {
        super.setUp()
        dir = TempDir()
    }

    override func tearDown() {
        dir = nil
        super.tearDown()
    }
    let t0: Int64 = 1_764_000_000_000_000_000
    let second: Int64 = 1_000_000_000
    let year2099: Int64 = 4_070_908_800_000_000_000

    func cursor(_ times: [Int64?], reference: ClockReference? = nil) -> SourceCursor<NoObservations> {
        let text = times.map { t in t.map { "{\"ts\":\($0),\"service\":\"a\",\"event\":\"e\"}" } ?? "not json" }
        let path = dir.write("s\(UUID().uuidString).jsonl", text.joined(separator: "\n") + "\n")
        let d = SourceDescriptor(index: 0, location: .file(path: path), displayName: "s", defaultService: nil)
        return SourceCursor(descriptor: d, config: FieldConfig(), selector: NoObservations(), services: ServiceTable(),
                            maxLineLength: 1 << 20, reorderBound: second, reference: reference)
    }

    /// The lower bound after each line, one line per step.
    func lowerBounds(_ c: SourceCursor<NoObservations>, lines: Int) -> [Int64] {
        var out: [Observation] = []
        return (0..<lines).map { _ in
            c.step(maxLines: 1, into: &out)
            return c.lowerBound
        }
    }

    func testFarFutureFirstEventWaitsForTheNextOnes() {
        let c = cursor([year2099, t0, t0 + second, t0 + 2 * second])
        XCTAssertEqual(lowerBounds(c, lines: 4), [.min, .min, t0, t0 + second])
        XCTAssertEqual(c.clockJumps, 1)
        XCTAssertEqual(c.disorderedEvents, 0, "the events after the stray one are in order")
        XCTAssertEqual(c.stats.events, 4, "the stray line is still an event")
    }

    func testTwoFarFutureEventsConfirmEachOther() {
        let c = cursor([year2099, year2099 + second, year2099 + 2 * second])
        XCTAssertEqual(lowerBounds(c, lines: 3), [.min, year2099, year2099 + second])
        XCTAssertEqual(c.clockJumps, 0)
    }

    func testHeldFirstEventIsConfirmedLikeAnyJump() {
        // 2099, then a day of normal times, then 2099 again: the second 2099 line confirms it.
        let c = cursor([year2099, t0, t0 + second, year2099 + second])
        XCTAssertEqual(lowerBounds(c, lines: 4), [.min, .min, t0, year2099])
    }

    func testFirstEventNearTheReferenceIsTrustedAtOnce() {
        let reference = ClockReference()
        reference.raise(to: t0)
        let c = cursor([t0 + 600 * second, t0 + 601 * second], reference: reference)
        XCTAssertEqual(lowerBounds(c, lines: 1), [t0 + 599 * second])
        XCTAssertEqual(reference.latest, t0 + 600 * second, "the cursor shows its trusted time to the others")
    }

    func testFirstEventFarAheadOfTheReferenceIsHeld() {
        let reference = ClockReference()
        reference.raise(to: t0)
        let c = cursor([year2099, t0 + second, t0 + 2 * second], reference: reference)
        XCTAssertEqual(lowerBounds(c, lines: 3), [.min, t0, t0 + second])
        XCTAssertEqual(reference.latest, t0 + 2 * second, "a held time is never shown to the others")
        XCTAssertEqual(c.clockJumps, 1)
    }

    func testStartTrustedOnceOtherSourcesCatchUp() {
        let reference = ClockReference()
        let c = cursor([t0, nil, nil], reference: reference)
        XCTAssertEqual(lowerBounds(c, lines: 1), [.min], "nothing to compare with yet")
        reference.raise(to: t0 - 10 * second)
        XCTAssertEqual(lowerBounds(c, lines: 1), [t0 - second], "trusted at its next step")
    }

    func testStaleFirstEventGivesWayToTheRest() {
        let c = cursor([t0 - 86_400 * second, t0, t0 + second, t0 + 2 * second])
        XCTAssertEqual(lowerBounds(c, lines: 4), [.min, .min, t0, t0 + second])
        XCTAssertEqual(c.disorderedEvents, 0)
    }

    /// The run's first event far ahead of its next ones, later ones behind by more than the
    /// reorder bound: disorder is still counted against the trusted times.
    func testDisorderCountedAgainstTrustedTimes() {
        let c = cursor([year2099, t0 + 10 * second, t0 + 11 * second, t0])
        XCTAssertEqual(lowerBounds(c, lines: 4), [.min, .min, t0 + 10 * second, t0 + 10 * second])
        XCTAssertEqual(c.disorderedEvents, 1)
    }
}
