import Foundation
import XCTest

@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCorrelation
@_spi(SeamStages) @testable import SeamInput
@testable import SeamReporting
@testable import SeamSpec

/// The split run (issue 17) is exact: random scenarios laid out as files, the files split at
/// random into extract tasks, the rows partitioned by key hash into 1-5 partitions, each
/// shuffled then sorted as `LC_ALL=C sort` sorts, correlated, the parts merged. Every account
/// and partial summary goes through its JSON form on the way, as between processes.
///
/// The merged summary must equal the oracle (every verdict of every observation, every count,
/// per service pair) and `seam check` on the same files: text, JSON and Markdown reports byte
/// for byte (every count, every latency percentile, the examples, input accounting), and the
/// exit code.
final class EndToEndPartialTests: XCTestCase {
    /// What a split run gives: the merged summary and every finding the partitions decided.
    struct Split {
        var summary: Summary
        var findings: [Finding]
    }

    /// Extract in `tasks` groups of sources, partition into `partitions`, sort, correlate, merge.
    static func splitRun(spec: HandoffSpec, specText: String, sources: [SourceDescriptor], inputErrors: [InputError] = [],
                         tasks: [[Int]], partitions: Int, options: RunOptions = RunOptions(),
                         g: inout SeededRandom, drop: Int? = nil) throws -> Split {
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        // Extract releases what it wrote out, each partition's correlator what it took.
        let claimsBefore = LongClaims.live
        var rows: [[UInt8]] = []
        var accountLines: [Data] = []
        for (t, task) in tasks.enumerated() {
            var bytes: [UInt8] = []
            let accounts = HandoffExtract(spec: spec, options: options)
                .run(sources: task.map { sources[$0] }, inputErrors: t == 0 ? inputErrors : [], total: sources.count) {
                    bytes += $0
                }
            for line in bytes.split(separator: 10) { rows.append(Array(line)) }
            for a in accounts { accountLines.append(try encoder.encode(a)) }
        }
        let accounts = try accountLines.shuffled(using: &g).map { try decoder.decode(InputAccount.self, from: $0) }
        var byPartition = [[[UInt8]]](repeating: [], count: partitions)
        for r in rows.shuffled(using: &g) {
            let hash = r.split(separator: 9)[1]
            byPartition[Int(UInt64(String(decoding: hash, as: UTF8.self))! % UInt64(partitions))].append(r)
        }
        let sink = EndToEndOracleTests.Collect()
        var parts: [PartialSummary] = []
        for (i, list) in byPartition.enumerated() where i != drop {
            let correlate = HandoffCorrelate(spec: spec, options: options, accounts: accounts, sink: sink)
            for r in list.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                r.withUnsafeBytes { correlate.take($0) }
            }
            let part = correlate.finish(specText: specText, specFile: "seam.yaml", partition: i, partitions: partitions)
            parts.append(try decoder.decode(PartialSummary.self, from: try encoder.encode(part)))
        }
        let summary = Summary.merge(rules: spec.rules, parts: parts.shuffled(using: &g), accounts: accounts)
        XCTAssertEqual(LongClaims.live, claimsBefore, "split run: long claims left after extract and correlate")
        return Split(summary: summary, findings: sink.findings)
    }

    /// Every source in one of `count` tasks, at random (tasks may be empty).
    static func randomTasks(_ n: Int, _ g: inout SeededRandom) -> [[Int]] {
        let count = Int.random(in: 1...max(1, n), using: &g)
        var tasks = [[Int]](repeating: [], count: count)
        for i in 0..<n { tasks[Int.random(in: 0..<count, using: &g)].append(i) }
        return tasks
    }

    /// The reports a user sees, and the exit code, must be the same.
    static func reportDifferences(_ a: Summary, _ b: Summary) -> [String] {
        var out: [String] = []
        let ta = TextReport.render(a, width: 200), tb = TextReport.render(b, width: 200)
        if ta != tb { out.append("text differs:\n--- split\n\(ta)\n--- check\n\(tb)") }
        if JSONReport.render(a) != JSONReport.render(b) { out.append("json differs") }
        if MarkdownReport.render(a) != MarkdownReport.render(b) { out.append("markdown differs") }
        if a.exitCode() != b.exitCode() { out.append("exit \(a.exitCode()) vs check \(b.exitCode())") }
        for (x, y) in zip(a.handoffs, b.handoffs) {
            for p in [0.0, 50, 90, 99, 99.9, 100] where x.latency.value(atPercentile: p) != y.latency.value(atPercentile: p) {
                out.append("\(x.name) p\(p) \(String(describing: x.latency.value(atPercentile: p))) vs \(String(describing: y.latency.value(atPercentile: p)))")
            }
            if x.examples != y.examples { out.append("\(x.name) examples differ") }
        }
        return out
    }

    func testSplitRunEqualsOracleAndCheck() throws {
        let e2e = EndToEndOracleTests(name: "compare", testClosure: { _ in })
        var budget = EndToEndOracleTests.Budget()
        var partitionsSeen = Set<Int>()
        for seed in UInt64(1)...100 {
            let s = EndToEndScenario.random(seed: seed, wildcards: seed % 3 == 0)
            var g = SeededRandom(seed: seed ^ 0x5A12)
            let layout = e2e.randomLayout(s, &g)
            var rg = SeededRandom(seed: s.seed ^ 0xE2E)
            let rendered = layout.render(s, g: &rg)
            let (oracle, observations) = layout.oracle(s, rendered)
            let dir = TempDir()
            let paths = zip(layout.files, rendered.bytes).map { dir.write($0.name, $1) }
            let spec = try SpecLoader.load(text: s.spec, file: "seam.yaml")
            var options = RunOptions()
            options.threads = 1
            let check = HandoffCheck(spec: spec, options: options).run(paths: paths)
            let (sources, errors) = SourceWalker.expand(paths)
            let partitions = Int.random(in: 1...5, using: &g)
            partitionsSeen.insert(partitions)
            let split = try Self.splitRun(spec: spec, specText: s.spec, sources: sources, inputErrors: errors,
                                          tasks: Self.randomTasks(sources.count, &g), partitions: partitions, g: &g)
            let problems = e2e.compare(s, layout, rendered, oracle, observations, split.findings, split.summary, evictionAllowed: false)
                + Self.reportDifferences(split.summary, check)
            guard budget.note(e2e.expectMatch(problems, "seed \(seed) \(layout.label) partitions \(partitions)")) else { return }
        }
        XCTAssertEqual(partitionsSeen, [1, 2, 3, 4, 5])
    }

    /// Never a smaller clean-looking summary: a partition left out makes the run incomplete
    /// (exit 3) and names it, even when the parts that remain hold no gap.
    func testMissingPartitionMakesTheRunIncomplete() throws {
        for seed in UInt64(1)...20 {
            let s = EndToEndScenario.random(seed: seed)
            var g = SeededRandom(seed: seed)
            let layout = EndToEndLayout.perReplica(s, .sorted, g: &g)
            var rg = SeededRandom(seed: s.seed ^ 0xE2E)
            let rendered = layout.render(s, g: &rg)
            let dir = TempDir()
            let paths = zip(layout.files, rendered.bytes).map { dir.write($0.name, $1) }
            let spec = try SpecLoader.load(text: s.spec, file: "seam.yaml")
            let (sources, _) = SourceWalker.expand(paths)
            let split = try Self.splitRun(spec: spec, specText: s.spec, sources: sources, tasks: [Array(sources.indices)],
                                          partitions: 3, g: &g, drop: 1)
            XCTAssertEqual(split.summary.exitCode(), 3, "seed \(seed)")
            XCTAssertTrue(split.summary.incompleteReasons.contains { $0.names.contains("partition 1 of 3") }, "seed \(seed)")
        }
    }

    /// A source whose extract account is missing (its task failed) makes the run incomplete and
    /// is named by its place in input order.
    func testMissingSourceAccountMakesTheRunIncomplete() throws {
        let s = EndToEndScenario.random(seed: 7)
        var g = SeededRandom(seed: 7)
        let layout = EndToEndLayout.perReplica(s, .sorted, g: &g)
        var rg = SeededRandom(seed: s.seed ^ 0xE2E)
        let rendered = layout.render(s, g: &rg)
        let dir = TempDir()
        let paths = zip(layout.files, rendered.bytes).map { dir.write($0.name, $1) }
        let spec = try SpecLoader.load(text: s.spec, file: "seam.yaml")
        let (sources, _) = SourceWalker.expand(paths)
        XCTAssertGreaterThan(sources.count, 1)
        // Only the last source is extracted: the others have no account.
        let split = try Self.splitRun(spec: spec, specText: s.spec, sources: sources, tasks: [[sources.count - 1]],
                                      partitions: 2, g: &g)
        XCTAssertEqual(split.summary.exitCode(), 3)
        XCTAssertTrue(split.summary.incompleteReasons.contains { $0.names.contains("source #0") })
    }

    /// Rows out of time order, or cut short, are errors of the part: the merged run is
    /// incomplete and says why, never judged as if they were fine.
    func testUnsortedOrMalformedRowsMakeTheRunIncomplete() throws {
        let s = EndToEndScenario.random(seed: 11)
        var g = SeededRandom(seed: 11)
        let layout = EndToEndLayout.perReplica(s, .sorted, g: &g)
        var rg = SeededRandom(seed: s.seed ^ 0xE2E)
        let rendered = layout.render(s, g: &rg)
        let dir = TempDir()
        let paths = zip(layout.files, rendered.bytes).map { dir.write($0.name, $1) }
        let spec = try SpecLoader.load(text: s.spec, file: "seam.yaml")
        let (sources, _) = SourceWalker.expand(paths)
        var bytes: [UInt8] = []
        let accounts = HandoffExtract(spec: spec).run(sources: sources, total: sources.count) { bytes += $0 }
        let rows = bytes.split(separator: 10).map(Array.init).sorted { $0.lexicographicallyPrecedes($1) }
        XCTAssertGreaterThan(rows.count, 2)
        for (damage, words) in [("reversed", "not sorted by time"), ("cut", "did not parse")] {
            let correlate = HandoffCorrelate(spec: spec, accounts: accounts)
            let list = damage == "reversed" ? Array(rows.reversed()) : rows.map { Array($0.prefix(30)) }
            for r in list { r.withUnsafeBytes { correlate.take($0) } }
            let part = correlate.finish(specText: s.spec, specFile: "seam.yaml", partition: 0, partitions: 1)
            let summary = Summary.merge(rules: spec.rules, parts: [part], accounts: accounts)
            XCTAssertEqual(summary.exitCode(), 3, damage)
            XCTAssertTrue(summary.incompleteReasons.contains { $0.message.contains(words) }, "\(damage): \(summary.incompleteReasons.map(\.message))")
        }
    }
}
