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

/// Acceptance on the real datasets in `<package root>/../shared/datasets` (issue 5), through
/// the library entry point. The numbers are the issue's and PROVENANCE's, explained in
/// Fixtures/real/README.md; none is tuned to what Seam printed.
final class FormatsRealDatasetsTests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let datasets = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets").path

    private func run(_ spec: String, _ relative: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: Self.datasets) else {
            throw XCTSkip("no datasets folder at \(Self.datasets) (the shared folder is a sibling of the clone in CI)")
        }
        let loaded = try SpecLoader.load(path: Self.packageRoot.appendingPathComponent("Fixtures/real/\(spec).yaml").path)
        let path = "\(Self.datasets)/\(relative)"
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "missing \(path)")
        let summary = HandoffCheck(spec: loaded).run(paths: [path])
        XCTAssertEqual(summary.total.lines, summary.total.events + summary.total.rejectedTotal, "every line accounted for")
        for h in summary.handoffs { XCTAssertEqual(h.checkInvariants(), [], h.rule.name) }
        return summary
    }

    private func ms(_ h: HandoffTally, _ p: Double) -> Double {
        Double(h.latency.value(atPercentile: p) ?? -1) / 1e6
    }

    func testOpenStackCreatesAndDeletesAreAllConfirmed() throws {
        let s = try run("openstack", "loghub-openstack-2k/OpenStack_2k.log")
        XCTAssertEqual(s.total.lines, 2000)
        XCTAssertEqual(s.total.events, 2000)
        let create = s.handoffs[0], delete = s.handoffs[1]
        XCTAssertEqual([create.sent, create[.confirmed]], [21, 21])
        XCTAssertEqual([delete.sent, delete[.confirmed]], [22, 22])
        XCTAssertEqual(s.gaps, 0)
        XCTAssertEqual(s.defects, 0)
        // Creates: the API logs its 202 after ~0.3-0.7 s of work, compute claims ~0.3 s later.
        XCTAssertGreaterThanOrEqual(ms(create, 50), 250)
        XCTAssertLessThanOrEqual(ms(create, 50), 450)
        XCTAssertGreaterThanOrEqual(ms(delete, 50), 20)
        XCTAssertLessThanOrEqual(ms(delete, 50), 60)
    }

    func testNezhaLogsTearOnlyInTheFaultWindow() throws {
        let base = "nezha-trainticket/"
        for window in ["construct_data/2023-01-29/log/08_50", "rca_data/2023-01-29/log/10_05"] {
            let s = try run("nezha-logs", base + window + "_log.csv")
            let h = s.handoffs[0]
            XCTAssertGreaterThan(h.sent, 0, window)
            XCTAssertEqual(h.sent, h[.confirmed], window)
            XCTAssertEqual(s.gaps, 0, window)
            XCTAssertTrue(s.sources[0].stats.reordered, "newest-first file is reordered")
        }
        let s = try run("nezha-logs", base + "rca_data/2023-01-29/log/10_06_log.csv")
        let h = s.handoffs[0]
        // 25 #451 lines in 13 traces (PROVENANCE's 13 counts traces), none followed by #457.
        XCTAssertEqual(h.sent, 25)
        XCTAssertEqual(h[.confirmed], 0)
        XCTAssertEqual(h[.unconfirmed] + h[.uncoveredSend], 25)
        XCTAssertGreaterThan(h[.unconfirmed], 0)
        let keys = Set((h.examples[.unconfirmed] ?? []).compactMap(\.key))
        XCTAssertFalse(keys.isEmpty)
        XCTAssertEqual(s.total.lines, 2129, "data rows; the header is not counted")
        XCTAssertNil(h.caution, "sends never confirmed, with no orphans, is a real tear: no caution")
    }

    func testNezhaTracesEveryClientSpanHasItsServerSpan() throws {
        for window in ["construct_data/2023-01-29/trace/08_50", "rca_data/2023-01-29/trace/10_05",
                       "rca_data/2023-01-29/trace/10_06"] {
            let s = try run("nezha-traces", "nezha-trainticket/" + window + "_trace.csv")
            let h = s.handoffs[0]
            XCTAssertGreaterThan(h.sent, 500, window)
            XCTAssertEqual(h.sent, h[.confirmed], window)
            XCTAssertEqual(h.received, h[.confirmed], window)
            XCTAssertEqual(s.total.rejectedTotal, 0, window)
        }
    }

    /// Issue 16: the same spans with a service per pod and `from: "*"`, `to: "*"` give one edge
    /// per pair of services, whose totals equal the one-service spec's. Only the unpaired ones
    /// may move from unconfirmed/orphan to uncovered: the one service's coverage is every pod's
    /// together, while a wildcard asks every pod that took the other side to cover the window
    /// (SEMANTICS.md: it errs toward uncovered). In the 13:44 network_delay window on
    /// ts-route-service, the late spans are calls into ts-route-service.
    func testNezhaTracesPerPairEdgesAddUpToTheOneServiceSpec() throws {
        for window in ["construct_data/2023-01-29/trace/08_50", "rca_data/2023-01-29/trace/10_06",
                       "rca_data/2023-01-30/trace/13_45", "rca_data/2023-01-30/trace/13_46"] {
            let one = try run("nezha-traces", "nezha-trainticket/" + window + "_trace.csv").handoffs[0]
            let pairs = try run("nezha-traces-pairs", "nezha-trainticket/" + window + "_trace.csv").handoffs[0]
            for v in [Verdict.confirmed, .late, .duplicate, .repeat, .disagree, .unkeyedSend, .unkeyedReceive] {
                XCTAssertEqual(pairs[v], one[v], "\(v) \(window)")
            }
            XCTAssertEqual(pairs.sent, one.sent, window)
            XCTAssertEqual(pairs.received, one.received, window)
            XCTAssertEqual(pairs[.unconfirmed] + pairs[.uncoveredSend], one[.unconfirmed] + one[.uncoveredSend], window)
            XCTAssertEqual(pairs[.orphan] + pairs[.uncoveredReceive], one[.orphan] + one[.uncoveredReceive], window)
            XCTAssertLessThanOrEqual(pairs.gaps, one.gaps, "a wildcard never claims more gaps, \(window)")
            // The edges add up to the rule, each keeping the invariants.
            let edges = pairs.servicePairs
            XCTAssertGreaterThan(edges.filter { $0.from != nil && $0.to != nil }.count, 40, window)
            for v in Verdict.allCases { XCTAssertEqual(edges.reduce(0) { $0 + $1.tally[v] }, pairs[v], "\(v) \(window)") }
            for e in edges { XCTAssertEqual(e.tally.checkInvariants(), [], window) }
            XCTAssertEqual(edges.reduce(0) { $0 + $1.tally.latency.count }, one.latency.count, window)
            XCTAssertFalse(edges.contains { $0.from == "trainticket" || $0.to == "trainticket" })
            let route = edges.first { $0.from == "ts-basic-service" && $0.to == "ts-route-service" }
            XCTAssertNotNil(route, window)
            if window.hasSuffix("13_46") || window.hasSuffix("13_45") {
                // The delayed service's incoming calls are the late ones.
                let late = edges.filter { $0.tally[.late] > 0 }
                XCTAssertFalse(late.isEmpty, window)
                XCTAssertTrue(late.allSatisfy { $0.to == "ts-route-service" }, "\(late.map { "\($0.from ?? "?")->\($0.to ?? "?")" })")
            } else {
                XCTAssertEqual(pairs[.late], 0, window)
            }
        }
    }

    func testHDFSSampleIsParsedWhole() throws {
        let s = try run("hdfs", "loghub-hdfs-2k/HDFS_2k.log")
        XCTAssertEqual(s.total.lines, 2000)
        XCTAssertEqual(s.total.events + s.total.rejectedTotal, 2000)
        let h = s.handoffs[0]
        // A random sample: almost no block shows both sides, so pairs are rare.
        XCTAssertLessThan(h[.confirmed] * 10, h.sent)
        // ... and the report says so instead of presenting them as tears.
        XCTAssertNotNil(h.caution)
        XCTAssertTrue(TextReport.render(s).contains("little here can be judged"))
    }
}
