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

/// The oracle sees the whole pipeline (issue 13): random scenarios rendered as real JSON-lines
/// and logfmt files, laid out in many ways (one file, per replica, small pieces, rotated,
/// shuffled, newest first, grouped by key, gzip in several members, a FIFO like stdin), run
/// through `HandoffCheck` / `HandoffWatch`, and every verdict of every observation (by source
/// and line) and every count compared with `Oracle` computed from the layout.
///
/// Each failure names its seed and layout; `EndToEndScenario.random(seed:)` rebuilds it.
final class EndToEndOracleTests: XCTestCase {
    /// Every finding, confirmed ones included.
    final class Collect: FindingSink {
        private let lock = NSLock()
        private var list: [Finding] = []
        var findings: [Finding] { lock.lock(); defer { lock.unlock() }; return list }
        func found(_ finding: Finding) { lock.lock(); list.append(finding); lock.unlock() }
        /// A pass that restarts is void (a source out of order after its probe).
        func discardFindings() { lock.lock(); list.removeAll(); lock.unlock() }
    }

    enum Runner: CustomStringConvertible {
        case check(threads: Int)
        /// The single file is read from a FIFO (not rereadable, like stdin).
        case fifo(threads: Int)
        case watch
        var description: String {
            switch self {
            case .check(let t): return "check threads \(t)"
            case .fifo(let t): return "check via fifo threads \(t)"
            case .watch: return "watch"
            }
        }
    }

    static let second: Int64 = 1_000_000_000

    /// Writes the layout, runs it, compares with the oracle; returns the mismatches (empty: equal).
    func run(
        _ s: EndToEndScenario, _ layout: EndToEndLayout, _ runner: Runner, options: RunOptions = RunOptions(),
        evictionExpected: Bool = false
    ) -> [String] {
        runCounting(s, layout, runner, options: options, evictionExpected: evictionExpected).problems
    }

    /// `run`, also giving the evicted count.
    func runCounting(
        _ s: EndToEndScenario, _ layout: EndToEndLayout, _ runner: Runner, options: RunOptions = RunOptions(),
        evictionExpected: Bool = false
    ) -> (problems: [String], evicted: UInt64, oracle: [[Verdict: UInt64]]) {
        var g = SeededRandom(seed: s.seed ^ 0xE2E)
        let rendered = layout.render(s, g: &g)
        let (oracle, observations) = layout.oracle(s, rendered)
        let dir = TempDir()
        var options = options
        let sink = Collect()
        let summary: Summary
        // Long claims the run made and did not let go of by its end (see `ClaimValues`,
        // "Ownership"): each path that drops an observation must release it.
        let claimsBefore = LongClaims.live
        defer {
            XCTAssertEqual(LongClaims.live, claimsBefore, "seed \(s.seed) \(layout.label) \(runner): long claims still held after the run")
        }
        switch runner {
        case .check(let threads):
            options.threads = threads
            let paths = zip(layout.files, rendered.bytes).map { dir.write($0.name, $1) }
            summary = HandoffCheck(spec: try! SpecLoader.load(text: s.spec, file: "seam.yaml"), options: options, sink: sink)
                .run(paths: paths)
        case .fifo(let threads):
            precondition(layout.files.count == 1)
            options.threads = threads
            let path = dir.path + "/" + layout.files[0].name
            precondition(mkfifo(path, 0o600) == 0)
            let bytes = rendered.bytes[0]
            let writer = Thread {
                let fd = open(path, O_WRONLY)
                var done = 0
                while done < bytes.count {
                    let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    done += n
                }
                close(fd)
            }
            writer.start()
            summary = HandoffCheck(spec: try! SpecLoader.load(text: s.spec, file: "seam.yaml"), options: options, sink: sink)
                .run(paths: [path])
        case .watch:
            let paths = zip(layout.files, rendered.bytes).map { dir.write($0.name, $1) }
            summary = HandoffWatch(spec: try! SpecLoader.load(text: s.spec, file: "seam.yaml"), options: options, sink: sink)
                .run(paths: paths).summary
        }
        let evicted = summary.handoffs.reduce(0) { $0 + $1[.evictedSend] + $1[.evictedReceive] }
        return (compare(s, layout, rendered, oracle, observations, sink.findings, summary, evictionAllowed: evictionExpected), evicted, oracle.counts)
    }

    /// Per observation, per pair, per count; lines and events per source; the exit code.
    func compare(
        _ s: EndToEndScenario, _ layout: EndToEndLayout, _ rendered: EndToEndLayout.Rendered, _ oracle: Oracle.Result,
        _ observations: [Observation], _ findings: [Finding], _ summary: Summary, evictionAllowed: Bool
    ) -> [String] {
        var problems: [String] = []
        let names = layout.files.map(\.name)
        func at(_ id: Oracle.ID) -> String { "r\(id.rule) \(id.side) @\(names[Int(id.position.source)]):\(id.position.line)" }

        // Input accounting: every line an event or a counted rejection.
        for (i, st) in summary.sources.map(\.stats).enumerated() where i < rendered.lines.count {
            if st.lines != rendered.lines[i] || st.rejectedTotal != rendered.rejected[i]
                || st.events != UInt64(layout.files[i].records.count) || !st.errors.isEmpty
            {
                problems.append("\(names[i]): lines \(st.lines) events \(st.events) rejected \(st.rejected) errors \(st.errors.count); written \(rendered.lines[i]) lines, \(layout.files[i].records.count) records, \(rendered.rejected[i]) not events")
            }
        }

        let decided = CorrelatorPropertyTests.Decided(findings, rules: s.oracleRules)
        problems += decided.problems
        let evictedKinds: Set<Verdict> = [.evictedSend, .evictedReceive]
        let evicted = summary.handoffs.reduce(0) { $0 + $1[.evictedSend] + $1[.evictedReceive] }
        // Oracle order: by input position, so the first mismatch printed is the earliest.
        for (id, v) in oracle.verdicts.sorted(by: { ($0.key.position, $0.key.rule) < ($1.key.position, $1.key.rule) }) {
            let got = decided.verdicts[id]
            if got == v { continue }
            if evictionAllowed, let got, got == (id.side == .send ? .evictedSend : .evictedReceive) { continue }
            problems.append("\(at(id)) t=\(observations.first { $0.position == id.position }!.time): oracle \(v), seam \(got.map { "\($0)" } ?? "none")")
        }
        for (id, v) in decided.verdicts where oracle.verdicts[id] == nil { problems.append("\(at(id)) judged \(v) but is no observation") }

        let pairs = Set(decided.pairs.map { p -> Oracle.Pair in
            var p = p
            p.latency = p.latency % Self.second == 0 ? p.latency / Self.second : .min
            return p
        })
        if evicted == 0 || !evictionAllowed ? pairs != oracle.pairs : !pairs.isSubset(of: oracle.pairs) {
            problems.append("pairs differ: only oracle \(oracle.pairs.subtracting(pairs)); only seam \(pairs.subtracting(oracle.pairs))")
        }
        for (ri, t) in summary.handoffs.enumerated() {
            let counts = t.counts.filter { $0.value > 0 }
            let want = oracle.counts[ri]
            if evicted == 0 || !evictionAllowed {
                if counts != want { problems.append("r\(ri) counts \(counts.sorted { $0.key.rawValue < $1.key.rawValue }) oracle \(want.sorted { $0.key.rawValue < $1.key.rawValue })") }
            } else {
                for (v, n) in counts where !evictedKinds.contains(v) && n > want[v, default: 0] {
                    problems.append("r\(ri) \(v) \(n) > oracle's \(want[v, default: 0]) (eviction made a finding)")
                }
            }
            // Per actual pair of services (issue 16), also for rules with fixed sides (one pair).
            if evicted == 0 || !evictionAllowed {
                let got = CorrelatorPropertyTests.pairCounts(t), want = CorrelatorPropertyTests.named(oracle.pairCounts[ri])
                if got != want {
                    problems.append("r\(ri) per pair \(got.sorted { $0.key < $1.key }) oracle \(want.sorted { $0.key < $1.key })")
                }
            }
            for p in t.servicePairs where !p.tally.checkInvariants().isEmpty {
                problems.append("r\(ri) pair \(p.from ?? "?")->\(p.to ?? "?"): \(p.tally.checkInvariants())")
            }
            let keyed = observations.filter { Int($0.rule) == ri && $0.key != nil }
            if t.sent != UInt64(keyed.filter { $0.side == .send }.count) || t.received != UInt64(keyed.filter { $0.side == .receive }.count) {
                problems.append("r\(ri) sent \(t.sent) received \(t.received) vs keyed observations")
            }
        }
        // Exit code: eviction makes the run incomplete (3); without it, gaps mean 1 unless the run
        // is incomplete for another SEMANTICS cause (3).
        let code = summary.exitCode()
        let gaps = oracle.counts.reduce(0) { $0 + $1[.unconfirmed, default: 0] + $1[.orphan, default: 0] }
        if evicted > 0, code != 3 { problems.append("exit: \(evicted) evicted but exit \(code), not 3 (incomplete)") }
        if evicted == 0, gaps > 0, code == 0 { problems.append("exit: 0 with \(gaps) gaps") }
        if evicted == 0, gaps == 0, code == 1 { problems.append("exit: 1 without gaps") }
        return problems
    }

    /// Fails with the first few mismatches of one run, and tells whether it was clean.
    @discardableResult
    func expectMatch(_ problems: [String], _ context: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard !problems.isEmpty else { return true }
        XCTFail("\(context): \(problems.count) mismatches; first: \(problems.prefix(4).joined(separator: " | "))", file: file, line: line)
        return false
    }

    static let orders: [EndToEndLayout.Order] = [.sorted, .shuffled, .newestFirst, .rotated, .groupedByKey]

    /// A random layout from the whole menu.
    func randomLayout(_ s: EndToEndScenario, _ g: inout SeededRandom) -> EndToEndLayout {
        let order = Self.orders.randomElement(using: &g)!
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return .oneFile(s, order, gzipMembers: Bool.random(using: &g) ? 0 : Int.random(in: 1...4, using: &g), g: &g)
        case 1: return .perReplica(s, order, g: &g)
        case 2: return .perReplica(s, order, pieces: Int.random(in: 2...5, using: &g), g: &g)
        default: return .perReplica(s, order, pieces: Int.random(in: 1...3, using: &g), gzip: true, g: &g)
        }
    }

    /// Stops a test after a few failing scenarios (each already reported with its seed).
    struct Budget {
        var failures = 0
        var runs = 0
        mutating func note(_ ok: Bool) -> Bool {
            runs += 1
            if !ok { failures += 1 }
            return failures < 3
        }
    }

    // MARK: rendering

    /// The rendered lines say what the model says, read back by Foundation's JSON parser (not
    /// Seam's decoder): time, service, event and key of every JSON line.
    func testRenderedJSONLinesReadBackAsTheModel() throws {
        for seed in UInt64(1)...40 {
            let s = EndToEndScenario.random(seed: seed)
            var g = SeededRandom(seed: seed)
            let layout = EndToEndLayout.oneFile(s, .shuffled, g: &g)
            for ri in layout.files[0].records {
                let r = s.records[ri]
                let text = EndToEndLayout.line(r, logfmt: false, omitService: false, g: &g)
                let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
                let service = obj["service"] as? String ?? (obj["service"] as? [String: Any])?["name"] as? String ?? obj["app"] as? String
                XCTAssertEqual(service, EndToEndScenario.serviceName(r.service), text)
                XCTAssertEqual(obj["event"] as? String ?? obj["msg"] as? String, r.event, text)
                XCTAssertEqual(obj["id"] as? String, r.key, text)
                let epoch = EndToEndScenario.base + r.time
                let ts = obj["ts"]!
                if let n = ts as? NSNumber {
                    XCTAssertTrue(n.int64Value == epoch || n.int64Value == epoch * 1000, text)
                } else {
                    let t = try XCTUnwrap(ts as? String, text)
                    let date = ISO8601DateFormatter().date(from: t).map { Int64($0.timeIntervalSince1970) } ?? Int64(t)
                    XCTAssertEqual(date, epoch, text)
                }
                for label in EndToEndScenario.labels { XCTAssertEqual(obj[label] != nil, r.agree[label] != nil, text) }
            }
        }
    }

    // MARK: check

    /// Wildcard sides (`*`, `{field: peer}`, issue 16) through the whole pipeline: every layout,
    /// threads 1 or 2, `check` equal to the oracle per verdict, pair and per-pair count.
    func testWildcardRulesMatchOracleInEveryLayout() {
        var budget = Budget()
        var wild = 0
        for seed in UInt64(1)...300 {
            let s = EndToEndScenario.random(seed: seed, wildcards: true)
            if s.rules.contains(where: { $0.fromParty != .fixed || $0.toParty != .fixed }) { wild += 1 }
            var g = SeededRandom(seed: seed ^ 0x3E1D)
            let layout = randomLayout(s, &g)
            let runner = Runner.check(threads: Int.random(in: 1...2, using: &g))
            guard budget.note(expectMatch(run(s, layout, runner), "seed \(seed) wildcards \(layout.label) \(runner)")) else { return }
        }
        XCTAssertGreaterThan(wild, 200)
    }

    /// Every layout, threads 1 or 2, max-open default or exactly the number of observations
    /// (never below need), reorder budget tiny sometimes (sorted runs spill to temporary files).
    func testCheckMatchesOracleInEveryLayout() {
        var budget = Budget()
        var seen: [Verdict: UInt64] = [:]
        defer {
            // Every verdict but eviction must come up, or the scenarios test less than they claim.
            print("end-to-end verdicts:", seen.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))
            if budget.failures == 0 {
                for v in Verdict.allCases where v != .evictedSend && v != .evictedReceive {
                    XCTAssertGreaterThan(seen[v] ?? 0, 10, "scenarios never reach \(v)")
                }
            }
        }
        for seed in UInt64(1)...600 {
            let s = EndToEndScenario.random(seed: seed)
            var g = SeededRandom(seed: seed)
            for _ in 0..<3 {
                let layout = randomLayout(s, &g)
                var options = RunOptions()
                if Bool.random(using: &g) { options.maxOpen = max(1, s.observationCount) }
                if Int.random(in: 0..<4, using: &g) == 0 { options.reorderBudget = Int.random(in: 1...8, using: &g) }
                let runner = Runner.check(threads: Int.random(in: 1...2, using: &g))
                let outcome = runCounting(s, layout, runner, options: options)
                for c in outcome.oracle { for (v, n) in c { seen[v, default: 0] += n } }
                let ok = expectMatch(
                    outcome.problems,
                    "seed \(seed) \(layout.label) \(runner) maxOpen \(options.maxOpen) budget \(options.reorderBudget)")
                guard budget.note(ok) else { return }
            }
        }
    }

    /// Files longer than the merger's 4,096-line probe: rotated (disorder only after line
    /// 4,096: case (a) of the issue), newest first, shuffled, sorted, and the same split into
    /// pieces above and below 4,096 lines.
    func testFilesPastTheProbeMatchOracle() {
        var budget = Budget()
        for seed in UInt64(1)...4 {
            let s = EndToEndScenario.random(seed: 10_000 + seed, padding: 4_400)
            var g = SeededRandom(seed: seed)
            let layouts: [EndToEndLayout] = [
                .perReplica(s, .rotated, g: &g), .oneFile(s, .rotated, g: &g), .perReplica(s, .newestFirst, g: &g),
                .perReplica(s, .sorted, pieces: 3, g: &g), .perReplica(s, .rotated, pieces: 2, gzip: true, g: &g),
            ]
            for layout in layouts {
                let runner = Runner.check(threads: Int.random(in: 1...2, using: &g))
                let ok = expectMatch(run(s, layout, runner), "seed \(10_000 + seed) padding 4400 \(layout.label) \(runner)")
                guard budget.note(ok) else { return }
            }
        }
    }

    /// Sorted files past the probe, handoffs all along them: the merge's parked and pending
    /// sources (more than its 8 parked ones in some scenarios), plain and gzip, threads 1 and 2.
    func testBigSortedFilesMatchOracle() {
        var budget = Budget()
        for seed in UInt64(1)...3 {
            let s = EndToEndScenario.random(seed: 20_000 + seed, padding: 4_500, spread: true)
            var g = SeededRandom(seed: seed)
            let layouts: [EndToEndLayout] = [
                .perReplica(s, .sorted, g: &g), .perReplica(s, .sorted, gzip: true, g: &g), .oneFile(s, .sorted, g: &g),
            ]
            for layout in layouts {
                let runner = Runner.check(threads: Int.random(in: 1...2, using: &g))
                let ok = expectMatch(run(s, layout, runner), "seed \(20_000 + seed) padding 4500 spread \(layout.label) \(runner)")
                guard budget.note(ok) else { return }
            }
        }
    }

    /// A FIFO (not rereadable, as stdin) holding one file in every order: case (b) of the
    /// issue (a trace dump grouped by trace read through `-`).
    func testStdinLikeFifoMatchesOracle() {
        var budget = Budget()
        for seed in UInt64(1)...150 {
            // Every third scenario padded past the merger's 512-line step, so the stream is
            // handed on in several steps.
            let s = EndToEndScenario.random(seed: seed, padding: seed % 3 == 0 ? 600 : 0)
            var g = SeededRandom(seed: seed ^ 0xF1F0)
            let order = Self.orders[Int(seed) % Self.orders.count]
            let layout = EndToEndLayout.oneFile(s, order, gzipMembers: seed % 5 == 0 ? 2 : 0, g: &g)
            let runner = Runner.fifo(threads: 1 + Int(seed % 2))
            let context = "seed \(seed)\(seed % 3 == 0 ? " padding 600" : "") \(layout.label) \(runner)"
            guard budget.note(expectMatch(run(s, layout, runner), context)) else { return }
        }
    }

    // MARK: eviction

    /// Runs scenarios with max-open 1-4 (below need), each checked by `accept` on the problems.
    private func belowNeed(_ pick: ([String]) -> [String]) -> Int {
        var budget = Budget()
        var evictedRuns = 0
        for seed in UInt64(1)...350 {
            let s = EndToEndScenario.random(seed: seed)
            var g = SeededRandom(seed: seed ^ 0xE71C)
            let layout = randomLayout(s, &g)
            var options = RunOptions()
            options.maxOpen = Int.random(in: 1...4, using: &g)
            let runner = Runner.check(threads: Int.random(in: 1...2, using: &g))
            let (problems, evicted, _) = runCounting(s, layout, runner, options: options, evictionExpected: true)
            if evicted > 0 { evictedRuns += 1 }
            guard budget.note(expectMatch(pick(problems), "seed \(seed) \(layout.label) \(runner) maxOpen \(options.maxOpen)")) else { break }
        }
        return evictedRuns
    }

    /// max-open below need: no verdict the full run lacks (each is the oracle's or evicted, a
    /// pair is one of the oracle's pairs), counts only move into evicted (case (d) of the issue:
    /// eviction with `once: false` made late and disagree findings the full run lacks).
    func testMaxOpenBelowNeedNeverMakesAFinding() {
        let evictedRuns = belowNeed { $0.filter { !$0.hasPrefix("exit:") } }
        XCTAssertGreaterThan(evictedRuns, 30, "a max-open of 1-4 must evict in many scenarios")
    }

    /// Every evicted count makes the run incomplete: exit 3, whatever the gaps (case (c)).
    func testEvictionMakesTheRunIncomplete() {
        _ = belowNeed { $0.filter { $0.hasPrefix("exit:") } }
    }

    // MARK: watch

    /// `watch` equals the oracle when each source's disorder stays inside `--reorder`: sorted
    /// files per replica, or jitter below the bound.
    func testWatchMatchesOracleWithinReorderBound() {
        var budget = Budget()
        // The last few padded past watch's 4,096-line batches all along, so sources interleave in steps.
        for seed in UInt64(1)...253 {
            let padding = seed > 250 ? 9_000 : 0
            let s = EndToEndScenario.random(seed: seed, padding: padding, spread: true)
            var g = SeededRandom(seed: seed ^ 0x3A7C)
            let bound = Int64.random(in: 1...6, using: &g)
            var options = RunOptions()
            options.reorderBound = bound * Self.second
            let order: EndToEndLayout.Order = Bool.random(using: &g) ? .sorted : .jitter(bound)
            let layout: EndToEndLayout = Int.random(in: 0..<3, using: &g) == 0
                ? .oneFile(s, order, g: &g) : .perReplica(s, order, pieces: Int.random(in: 1...2, using: &g), g: &g)
            let ok = expectMatch(run(s, layout, .watch, options: options), "seed \(seed) padding \(padding) \(layout.label) watch reorder \(bound)s")
            guard budget.note(ok) else { return }
        }
    }
}
