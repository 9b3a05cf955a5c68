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

/// Parked sources (`EventMerger.Options.parkedSources`): a sorted file's probe is handed on, not
/// read again, and nothing else changes: every observation once, never behind a watermark
/// already given, coverage noted before the watermark passes it, the same accounting and
/// coverage as without parking, and the same deliveries for any thread count.
final class EventMergerParkingTests: XCTestCase {
    /// One observation per event (its rule: the event's service id), counting the records shown
    /// per source: a record shown twice was decoded twice.
    final class EveryEvent: ObservationSelector, @unchecked Sendable {
        private let lock = NSLock()
        private var shown: [Int32: Int] = [:]
        var fieldPaths: [FieldPath] { [] }

        func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {
            lock.lock()
            shown[position.source, default: 0] += 1
            lock.unlock()
            // Every claim long (its own block): what a parked probe, a closed source or the end
            // drops must be released, and `merge` checks that none is left.
            out.append(Observation(time: record.time, position: position, rule: record.service, side: .send,
                                   key: "\(position.source):\(position.line)-" + String(repeating: "k", count: 64), agree: []))
        }

        var recordsShown: [Int32: Int] {
            lock.lock()
            defer { lock.unlock() }
            return shown
        }
    }

    /// What the consumer saw, in order.
    enum Entry: Equatable {
        case deliver([InputPosition])
        case advance(Int64)
    }

    struct Outcome {
        var log: [Entry] = []
        var stats: [SourceStats] = []
        /// Per service name, each source's extent as text.
        var coverage: [String: [String]] = [:]
        var recordsShown: [Int32: Int] = [:]
        /// Broken promises: an observation at or behind a watermark already given, or a watermark
        /// given before the coverage of an event at or behind it was noted.
        var violations: [String] = []

        var delivered: [InputPosition] {
            log.flatMap { entry -> [InputPosition] in
                guard case .deliver(let p) = entry else { return [] }
                return p
            }
        }
    }

    struct Corpus {
        let dir = TempDir()
        var sources: [SourceDescriptor] = []
        /// Per source: line numbers of its events (the other lines are rejected).
        var eventLines: [[UInt64]] = []
        /// Per source: its first event time, for the sorted ones.
        var firstTime: [Int: Int64] = [:]
        var fileSize: [Int] = []
        var plainSize: [Int] = []
    }

    static let probeLines = 64
    static let sortedFiles = 10

    /// Ten sorted files (half gzipped) starting out of input order and overlapping, each longer
    /// than the probe, which spans more than the reorder bound; then a short file (read whole in
    /// its probe) and a shuffled one (reordered). Every 37th line is not JSON.
    func corpus() -> Corpus {
        var c = Corpus()
        var rng = SeededRandom(seed: 5)
        let base: Int64 = 1_800_000_000_000_000_000
        let services = ["a", "b", "c"]
        func add(_ name: String, _ times: [Int64], gzip: Bool) {
            var text = "", events: [UInt64] = []
            for (i, t) in times.enumerated() {
                if i % 37 == 36 {
                    text += "not json\n"
                    continue
                }
                let s = services[Int(rng.next() % 3)]
                text += "{\"ts\":\(t),\"service\":\"\(s)\",\"event\":\"e\"}\n"
                events.append(UInt64(i + 1))
            }
            let plain = Array(text.utf8)
            let bytes = gzip ? gzipMember(plain) : plain
            let path = c.dir.write(name, bytes)
            c.sources.append(SourceDescriptor(index: c.sources.count, location: .file(path: path), displayName: name,
                                              defaultService: nil))
            c.eventLines.append(events)
            c.fileSize.append(bytes.count)
            c.plainSize.append(plain.count)
        }
        func times(from start: Int64, lines: Int) -> [Int64] {
            var t = start
            return (0..<lines).map { _ in
                t += 40_000_000 + Int64(rng.next() % 20_000_000)
                return t
            }
        }
        let startSeconds: [Int64] = [6, 0, 11, 3, 9, 1, 4, 14, 2, 8]
        for (i, s) in startSeconds.enumerated() {
            let t = times(from: base + s * 1_000_000_000, lines: 200 + 13 * i)
            c.firstTime[i] = t[0]
            add("s\(i).jsonl" + (i % 2 == 1 ? ".gz" : ""), t, gzip: i % 2 == 1)
        }
        add("short.jsonl", times(from: base + 5_000_000_000, lines: 30), gzip: false)
        add("shuffled.jsonl.gz", times(from: base + 2_000_000_000, lines: 200).shuffled(using: &rng), gzip: true)
        return c
    }

    /// `mergeOnce`, then: every long claim the run made is released once the merger (and its
    /// spool) is gone.
    func merge(_ c: Corpus, parked: Int, threads: Int = 1) -> Outcome {
        let claimsBefore = LongClaims.live
        let out = mergeOnce(c, parked: parked, threads: threads)
        XCTAssertEqual(LongClaims.live, claimsBefore, "parked \(parked), threads \(threads): long claims left after the merge")
        return out
    }

    func mergeOnce(_ c: Corpus, parked: Int, threads: Int) -> Outcome {
        let selector = EveryEvent()
        let services = ServiceTable(shared: threads > 1)
        let coverage = CoverageTracker()
        var options = EventMerger<EveryEvent>.Options()
        options.probeLines = Self.probeLines
        options.stepLines = 16
        options.parkedSources = parked
        options.threads = threads
        let merger = EventMerger(sources: c.sources, config: FieldConfig(), selector: selector, services: services,
                                 coverage: coverage, options: options)
        var out = Outcome()
        var watermark = Int64.min
        var given = false
        /// Delivered, not yet behind a watermark.
        var ahead: [Observation] = []
        let finished = merger.run(
            deliver: { batch in
                for o in batch where given && o.time <= watermark {
                    out.violations.append("\(o.position) at \(o.time) after watermark \(watermark)")
                }
                ahead += batch
                out.log.append(.deliver(batch.map(\.position)))
            },
            advance: { w in
                out.log.append(.advance(w))
                given = true
                watermark = max(watermark, w)
                var extents: [Int32: [Int32: (first: Int64, last: Int64)]] = [:]
                ahead.removeAll { o in
                    guard o.time <= watermark else { return false }
                    if extents[o.rule] == nil {
                        extents[o.rule] = Dictionary(
                            coverage.extents(service: o.rule).map { ($0.source, ($0.first, $0.last)) },
                            uniquingKeysWith: { a, _ in a })
                    }
                    let e = extents[o.rule]![o.position.source]
                    if e.map({ !($0.first...$0.last).contains(o.time) }) ?? true {
                        out.violations.append("\(o.position) at \(o.time) not covered at watermark \(watermark)")
                    }
                    var v = o.values
                    v.release()  // this consumer is the claim's last holder
                    return true
                }
            })
        // These sources are sorted or out of order from their start: no pass is started over.
        XCTAssertTrue(finished)
        ahead.releaseClaims()
        out.stats = merger.stats
        for id in 0..<Int32(services.count) {
            out.coverage[services.name(id)] = coverage.extents(service: id).map { "\($0.source):\($0.first)-\($0.last)" }
        }
        out.recordsShown = selector.recordsShown
        return out
    }

    func testParkingDeliversEverythingOnceInWatermarkOrder() {
        let c = corpus()
        let expected = c.eventLines.enumerated().flatMap { s, lines in
            lines.map { InputPosition(source: Int32(s), line: $0) }
        }
        let reference = merge(c, parked: 0)
        for parked in [0, 3, 8, 100] {
            let o = merge(c, parked: parked)
            XCTAssertEqual(o.violations, [], "parked \(parked)")
            XCTAssertEqual(o.delivered.sorted(), expected, "parked \(parked): each observation once")
            XCTAssertEqual(o.stats, reference.stats, "parked \(parked)")
            XCTAssertEqual(o.coverage, reference.coverage, "parked \(parked)")
        }
        XCTAssertTrue(reference.stats[c.sources.count - 1].reordered)
        XCTAssertEqual(reference.coverage.count, 3)
    }

    /// The records decoded show what was read twice: a parked source's probe is not.
    func testParkedSourcesAreNotReadTwice() {
        let c = corpus()
        /// Events a source's probe decodes.
        func probed(_ s: Int) -> Int { c.eventLines[s].prefix { $0 <= UInt64(Self.probeLines) }.count }
        let byStart = c.firstTime.keys.sorted { c.firstTime[$0]! < c.firstTime[$1]! }
        for parked in [0, 3, 8, 100] {
            let o = merge(c, parked: parked)
            // The bound keeps the sources reached first; the others are read again.
            let keptOpen = Set(byStart.prefix(parked))
            for s in c.sources.indices {
                let again = c.firstTime[s] != nil && !keptOpen.contains(s)
                XCTAssertEqual(o.recordsShown[Int32(s)], c.eventLines[s].count + (again ? probed(s) : 0),
                               "parked \(parked), source \(s)")
                XCTAssertEqual(o.stats[s].bytesIn, UInt64(c.fileSize[s]), "parked \(parked), source \(s)")
                XCTAssertEqual(o.stats[s].bytesDecoded, UInt64(c.plainSize[s]), "parked \(parked), source \(s)")
            }
        }
    }

    /// Parked sources join workers' feeds (and pipelined inflate, with more threads than files)
    /// without changing a delivery or a watermark.
    func testThreadsGiveTheSameDeliveries() {
        let c = corpus()
        for parked in [3, 8] {
            let one = merge(c, parked: parked)
            XCTAssertEqual(one.violations, [])
            for threads in [2, 4, 16] {
                let o = merge(c, parked: parked, threads: threads)
                XCTAssertEqual(o.log, one.log, "parked \(parked), threads \(threads)")
                XCTAssertEqual(o.violations, [], "parked \(parked), threads \(threads)")
                XCTAssertEqual(o.stats, one.stats, "parked \(parked), threads \(threads)")
                XCTAssertEqual(o.coverage, one.coverage, "parked \(parked), threads \(threads)")
                XCTAssertEqual(o.recordsShown, one.recordsShown, "parked \(parked), threads \(threads)")
            }
        }
    }
}
