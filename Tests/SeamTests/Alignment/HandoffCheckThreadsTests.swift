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

/// Batch results do not depend on the thread count: one thread, two (files decoded in
/// parallel) and more threads than files (gzip inflated on a thread of its own) give the same
/// summary, on a generated corpus of several services in several files, sorted, shuffled and
/// gzipped, with every kind of fault.
final class HandoffCheckThreadsTests: XCTestCase {
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
          - name: b->c
            from: b
            to: c
            key: id
            send: forward
            receive: done
            within: 1s
        """

    /// Lines per service (each with its time in ns), with drops, orphans, late and duplicate
    /// receives, disagreements and noise.
    private func corpus(seed: UInt64, transactions: Int) -> [String: [(Int64, String)]] {
        var rng = SplitMix64(seed: seed)
        var lines: [String: [(Int64, String)]] = ["a": [], "b": [], "c": []]
        let base: Int64 = 1_800_000_000_000_000_000
        func line(_ service: String, _ t: Int64, _ event: String, _ id: Int, _ extra: String = "") {
            let text = "{\"ts\":\(t),\"service\":\"\(service)\",\"event\":\"\(event)\",\"id\":\"k\(id)\"\(extra),\"msg\":\"x\"}"
            lines[service]!.append((t, text))
        }
        for i in 0..<transactions {
            let t = base + Int64(i) * 20_000_000 + Int64(rng.next() % 5_000_000)
            let fault = rng.next() % 50
            let amount = Int(rng.next() % 1000)
            if fault != 1 { line("a", t, "sent", i, ",\"amount\":\(amount)") }
            if fault != 0 {
                let latency: Int64 = fault == 2 ? 3_000_000_000 : Int64(rng.next() % 1_500_000_000)
                let got = fault == 3 ? amount + 1 : amount
                line("b", t + latency, "got", i, ",\"amount\":\(got)")
                if fault == 4 { line("b", t + latency + 50_000_000, "got", i, ",\"amount\":\(got)") }
            }
            let t2 = t + 100_000_000
            line("b", t2, "forward", i)
            if fault != 5 { line("c", t2 + Int64(rng.next() % 900_000_000), "done", i) }
            if rng.next() % 3 == 0 { line(["a", "b", "c"][Int(rng.next() % 3)], t + 1, "noise", i) }
        }
        for k in lines.keys { lines[k]!.sort { $0.0 < $1.0 } }
        return lines
    }

    private func write(_ lines: [(Int64, String)]) -> [UInt8] {
        Array(lines.map { $0.1 + "\n" }.joined().utf8)
    }

    private func run(_ spec: HandoffSpec, _ paths: [String], threads: Int) -> Summary {
        var options = RunOptions()
        options.threads = threads
        return HandoffCheck(spec: spec, options: options).run(paths: paths)
    }

    private func assertSame(_ a: Summary, _ b: Summary, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        for (x, y) in zip(a.handoffs, b.handoffs) {
            XCTAssertEqual(x.counts, y.counts, "\(label): \(x.rule.name)", file: file, line: line)
            XCTAssertEqual(x.examples, y.examples, "\(label): \(x.rule.name)", file: file, line: line)
        }
        XCTAssertEqual(a.sources.map(\.stats), b.sources.map(\.stats), label, file: file, line: line)
        XCTAssertEqual(a.coverage, b.coverage, label, file: file, line: line)
        XCTAssertEqual(JSONReport.render(a), JSONReport.render(b), label, file: file, line: line)
    }

    func testSummaryDoesNotDependOnThreadCount() throws {
        let spec = try SpecLoader.load(text: specText, file: "seam.yaml")
        let dir = TempDir()
        let lines = corpus(seed: 42, transactions: 6_000)
        // a: three gzip parts by time; b: one gzip file; c: a plain file and a shuffled one.
        let a = lines["a"]!
        let third = a.count / 3
        var paths = [
            dir.write("a/a.1.gz", gzipMember(write(Array(a[..<third])))),
            dir.write("a/a.2.gz", gzipMember(write(Array(a[third..<(2 * third)])))),
            dir.write("a/a.3.gz", gzipMember(write(Array(a[(2 * third)...])))),
            dir.write("b.jsonl.gz", gzipMember(write(lines["b"]!)) + gzipMember([])),
        ]
        let c = lines["c"]!
        var rng = SplitMix64(seed: 9)
        let shuffled = Array(c[(c.count / 2)...]).shuffled(using: &rng)
        paths.append(dir.write("c.1.jsonl", write(Array(c[..<(c.count / 2)]))))
        paths.append(dir.write("c.2.jsonl", write(shuffled)))

        let one = run(spec, paths, threads: 1)
        XCTAssertGreaterThan(one.handoffs[0][.confirmed], 5_000)
        XCTAssertGreaterThan(one.gaps, 0)
        XCTAssertGreaterThan(one.defects, 0)
        for threads in [2, 3, 8] {
            assertSame(one, run(spec, paths, threads: threads), "threads \(threads)")
        }
        // A directory of files, and a single big gzip file (pipelined inflate).
        assertSame(run(spec, [dir.path + "/a"], threads: 1), run(spec, [dir.path + "/a"], threads: 2), "folder")
        let all = (lines["a"]! + lines["b"]! + lines["c"]!).sorted { $0.0 < $1.0 }
        let single = dir.write("all.jsonl.gz", gzipMember(write(all)))
        assertSame(run(spec, [single], threads: 1), run(spec, [single], threads: 2), "one file")
        // Damaged input: a truncated member and a missing path give the same errors and counts.
        let whole = gzipMember(write(lines["b"]!))
        let cut = dir.write("b.cut.jsonl.gz", Array(whole[..<(whole.count / 2)]))
        let damaged = [paths[0], cut, paths[4], dir.path + "/missing.jsonl"]
        let d1 = run(spec, damaged, threads: 1)
        XCTAssertEqual(d1.exitCode(), 3)
        XCTAssertFalse(d1.sources[1].stats.errors.isEmpty)
        for threads in [2, 4] {
            let dn = run(spec, damaged, threads: threads)
            assertSame(d1, dn, "damaged, threads \(threads)")
            XCTAssertEqual(dn.sources.map { $0.stats.errors.map(\.code) }, d1.sources.map { $0.stats.errors.map(\.code) })
            XCTAssertEqual(dn.inputErrors.map(\.code), d1.inputErrors.map(\.code))
        }
    }

    /// Verdicts do not depend on line order (SEMANTICS.md): the same lines sorted, newest-first
    /// and shuffled give the same findings, also when reordering spills to temporary files.
    func testVerdictsDoNotDependOnLineOrderEvenWhenReorderingSpills() throws {
        let spec = try SpecLoader.load(text: specText, file: "seam.yaml")
        let dir = TempDir()
        let lines = corpus(seed: 7, transactions: 3_000)
        let all = (lines["a"]! + lines["b"]! + lines["c"]!).sorted { $0.0 < $1.0 }
        var rng = SplitMix64(seed: 11)
        let sorted = dir.write("sorted/all.jsonl", write(all))
        let newestFirst = dir.write("newest/all.jsonl.gz", gzipMember(write(all.reversed())))
        let shuffled = dir.write("shuffled/all.jsonl", write(all.shuffled(using: &rng)))
        let reference = run(spec, [sorted], threads: 1)
        XCTAssertGreaterThan(reference.gaps, 0)
        for (path, label) in [(newestFirst, "newest-first"), (shuffled, "shuffled")] {
            for budget in [131_072, 500] {
                var options = RunOptions()
                options.threads = 1
                options.reorderBudget = budget
                let s = HandoffCheck(spec: spec, options: options).run(paths: [path])
                XCTAssertTrue(s.sources[0].stats.reordered, label)
                for (x, y) in zip(reference.handoffs, s.handoffs) {
                    XCTAssertEqual(x.counts, y.counts, "\(label), budget \(budget): \(x.rule.name)")
                    // Same findings; only their line numbers differ, as the lines moved.
                    func what(_ t: HandoffTally) -> [String] {
                        t.examples.values.flatMap { $0 }.map { "\($0.verdict) \($0.key ?? "-") \($0.send?.time ?? 0) \($0.receive?.time ?? 0) \($0.latency ?? 0)" }.sorted()
                    }
                    XCTAssertEqual(what(x), what(y), "\(label), budget \(budget): \(x.rule.name)")
                }
            }
        }
    }
}
