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

/// SEMANTICS.md "Order never changes a verdict (batch)": the same events give the same summary
/// whether a source is sorted, turns out of order only after its probe, comes through a pipe,
/// or is cut into many small files; and small files cause no eviction one file would not.
final class HandoffCheckOrderTests: XCTestCase {
    private let specText = """
        version: 1
        handoffs:
          - name: a->b
            from: a
            to: b
            key: id
            send: sent
            receive: got
            within: 2s
            agree: [amount]
        """

    /// Sends every 10 ms in `a`, receives 0-1.5 s later in `b` (some lost, late, disagreeing,
    /// twice), with noise; each list in time order. Times in ns.
    private func corpus(seed: UInt64, transactions: Int) -> (a: [(Int64, String)], b: [(Int64, String)]) {
        var rng = SplitMix64(seed: seed)
        var a: [(Int64, String)] = [], b: [(Int64, String)] = []
        let base: Int64 = 1_800_000_000_000_000_000
        for i in 0..<transactions {
            let t = base + Int64(i) * 10_000_000 + Int64(rng.next() % 3_000_000)
            let fault = rng.next() % 40
            let amount = Int(rng.next() % 1000)
            if fault != 1 { a.append((t, "{\"ts\":\(t),\"service\":\"a\",\"event\":\"sent\",\"id\":\"k\(i)\",\"amount\":\(amount)}")) }
            if fault != 0 {
                let tr = t + (fault == 2 ? 3_000_000_000 : Int64(rng.next() % 1_500_000_000))
                let got = fault == 3 ? amount + 1 : amount
                b.append((tr, "{\"ts\":\(tr),\"service\":\"b\",\"event\":\"got\",\"id\":\"k\(i)\",\"amount\":\(got)}"))
                if fault == 4 { b.append((tr + 5_000_000, "{\"ts\":\(tr + 5_000_000),\"service\":\"b\",\"event\":\"got\",\"id\":\"k\(i)\",\"amount\":\(got)}")) }
            }
        }
        a.sort { $0.0 < $1.0 }
        b.sort { $0.0 < $1.0 }
        return (a, b)
    }

    private func text(_ lines: ArraySlice<(Int64, String)>) -> [UInt8] {
        Array(lines.map { $0.1 + "\n" }.joined().utf8)
    }

    private func run(_ paths: [String], threads: Int = 1, maxOpen: Int = 1_000_000) throws -> (Summary, Int) {
        var options = RunOptions()
        options.threads = threads
        options.maxOpen = maxOpen
        let check = HandoffCheck(spec: try SpecLoader.load(text: specText, file: "seam.yaml"), options: options)
        let summary = check.run(paths: paths)
        return (summary, check.passes)
    }

    /// Counts and the findings' (verdict, key, times): line numbers move with the layout.
    private func assertSameVerdicts(_ x: Summary, _ y: Summary, _ label: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.handoffs[0].counts, y.handoffs[0].counts, label, file: file, line: line)
        func what(_ t: HandoffTally) -> [String] {
            t.examples.values.flatMap { $0 }
                .map { "\($0.verdict) \($0.key ?? "-") \($0.send?.time ?? 0) \($0.receive?.time ?? 0)" }.sorted()
        }
        XCTAssertEqual(what(x.handoffs[0]), what(y.handoffs[0]), label, file: file, line: line)
    }

    /// Rotated parts concatenated newest first: sorted for well past the probe, then a step
    /// back of minutes. Used to become unconfirmed sends plus orphans.
    func testASourceOutOfOrderAfterItsProbeIsJudgedExactly() throws {
        let dir = TempDir()
        let (a, b) = corpus(seed: 3, transactions: 12_000)
        let sorted = try run([dir.write("sorted/a.jsonl", text(a[...])), dir.write("sorted/b.jsonl", text(b[...]))]).0
        XCTAssertGreaterThan(sorted.gaps, 0)
        let third = a.count / 3
        // part 1, part 3, part 2: the step back comes at line ~8,000, far past 4,096.
        let rotated = text(a[..<third]) + text(a[(2 * third)...]) + text(a[third..<(2 * third)])
        for threads in [1, 2] {
            for gzip in [false, true] {
                let path = dir.write("rot\(threads)\(gzip)/a.jsonl" + (gzip ? ".gz" : ""),
                                     gzip ? gzipMember(rotated) : rotated)
                let (s, passes) = try run([path, dir.path + "/sorted/b.jsonl"], threads: threads)
                let label = "threads \(threads), gzip \(gzip)"
                assertSameVerdicts(sorted, s, label)
                XCTAssertEqual(passes, 2, label)
                XCTAssertTrue(s.sources[0].stats.reordered, label)
                XCTAssertEqual(s.sources[0].stats.outOfOrder, 0, label)
                XCTAssertEqual(s.sources.map(\.stats.lines), sorted.sources.map(\.stats.lines), label)
            }
        }
    }

    /// Several sources out of order after their probes: the passes stay bounded
    /// (`maxRestarts + 1`), and the verdicts exact.
    func testManyLateDisorderedSourcesEndAfterBoundedPasses() throws {
        let dir = TempDir()
        let (a, b) = corpus(seed: 5, transactions: 12_000)
        // Coverage is per file: the reference is the same four files, sorted.
        var sortedPaths: [String] = []
        var paths: [String] = []
        for (name, lines) in [("a", a), ("b", b)] {
            // Each service in 2 files, each file rotated after its probe.
            let half = lines.count / 2
            for (k, part) in [lines[..<half], lines[half...]].enumerated() {
                // The last 4,500 lines first: the step back comes right after the probe.
                let p = Array(part), cut = p.count - 4_500
                sortedPaths.append(dir.write("s/\(name).\(k).jsonl", text(p[...])))
                paths.append(dir.write("r/\(name).\(k).jsonl", text(p[cut...]) + text(p[..<cut])))
            }
        }
        let reference = try run(sortedPaths).0
        let (s, passes) = try run(paths)
        assertSameVerdicts(reference, s, "four rotated files")
        XCTAssertGreaterThan(passes, 1)
        XCTAssertLessThanOrEqual(passes, EventMerger<HandoffSelector>.Options().maxRestarts + 1)
    }

    /// A pipe is read once, whatever its order: shuffled lines through a FIFO give the verdicts
    /// of the sorted files (it used to be merged as if sorted).
    func testAPipeIsReorderedLikeAFile() throws {
        let dir = TempDir()
        let (a, b) = corpus(seed: 8, transactions: 6_000)
        let reference = try run([dir.write("a.jsonl", text(a[...])), dir.write("b.jsonl", text(b[...]))]).0
        // Grouped by key, as a trace export is: each send right before its receives.
        var rng = SplitMix64(seed: 2)
        let all = (a + b).shuffled(using: &rng)
        let fifo = dir.path + "/events.pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let bytes = text(all[...])
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            var at = 0
            while at < bytes.count {
                let n = bytes[at...].withUnsafeBytes { write(fd, $0.baseAddress, min($0.count, 7_777)) }
                if n <= 0 { break }
                at += n
            }
            close(fd)
        }
        writer.start()
        let (s, _) = try run([fifo], threads: 2)
        assertSameVerdicts(reference, s, "fifo")
        XCTAssertEqual(s.total.lines, UInt64(all.count))
    }

    /// Hourly-archive layout: the same events in 40 small files (under the probe's 4,096 lines)
    /// need no more open handoffs than two files do; none is evicted where two files evict none.
    func testManySmallFilesEvictNothingOneFileWouldNot() throws {
        let dir = TempDir()
        let (a, b) = corpus(seed: 13, transactions: 40_000)
        let two = [dir.write("two/a.jsonl", text(a[...])), dir.write("two/b.jsonl", text(b[...]))]
        for k in 0..<20 {
            _ = dir.write("many/a.\(k).jsonl", text(a[(k * a.count / 20)..<((k + 1) * a.count / 20)]))
            _ = dir.write("many/b.\(k).jsonl", text(b[(k * b.count / 20)..<((k + 1) * b.count / 20)]))
        }
        // Coverage is per file, so the reference is the same 40 files without a bound.
        let full = try run([dir.path + "/many"]).0
        // About 2 s x 100 sends/s open, plus the receives in flight and a mark's worth of lines.
        let maxOpen = 1_200
        let bounded = try run(two, maxOpen: maxOpen).0
        XCTAssertEqual(bounded.handoffs[0][.evictedSend] + bounded.handoffs[0][.evictedReceive], 0)
        for threads in [1, 2] {
            let (many, _) = try run([dir.path + "/many"], threads: threads, maxOpen: maxOpen)
            XCTAssertEqual(many.handoffs[0][.evictedSend] + many.handoffs[0][.evictedReceive], 0, "threads \(threads)")
            assertSameVerdicts(full, many, "40 files, threads \(threads)")
        }
    }
}
