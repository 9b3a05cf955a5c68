import Foundation
@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-pipeline`: bytes in, events laid out in files, `HandoffCheck` run on them
/// in several ways, summaries checked against each other and against SEMANTICS.md's invariants.
///
/// Input: byte 0 picks the number of files (1-4), the probe length (2-64 lines, so that files
/// turn out of order after their probe and the run restarts), threads (1 or 2) and gzip; byte 1
/// the small `--max-open`; then every 3 bytes make one line: service (a, b), kind (send,
/// receive, noise, or a damaged line), key (0-7), time step and file. Times strictly increase,
/// so no two events tie and line order within a file cannot matter.
///
/// Properties:
/// - every summary keeps the invariants (`HandoffTally.checkInvariants`, lines = events +
///   rejected);
/// - each file sorted, reversed, or rotated after its probe, with 1 or 2 threads: the same
///   counts (SEMANTICS.md "Order never changes a verdict");
/// - with a small `--max-open`: no verdict kind but `evicted` counts more than in the full run
///   (SEMANTICS.md "Eviction never makes a finding"), and the run is not complete-and-clean
///   when something was evicted.
enum FuzzPipeline {
    static let dir: String = {
        let d = NSTemporaryDirectory() + "seam-fuzz-pipeline-\(getpid())"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    static let spec: HandoffSpec = {
        let text = """
            version: 1
            handoffs:
              - name: a->b
                from: a
                to: b
                key: id
                send: sent
                receive: got
                within: 40ms
                grace: 20ms
                agree: [v]
              - name: b->a
                from: b
                to: a
                key: id
                send: reply
                receive: replied
                within: 30ms
                once: false
            """
        return try! SpecLoader.load(text: text, file: "fuzz.yaml")
    }()

    struct Line {
        var time: Int64
        var text: String
        var file: Int
    }

    static func lines(_ input: ArraySlice<UInt8>, files: Int) -> [Line] {
        var out: [Line] = []
        var t: Int64 = 1_800_000_000_000_000_000
        var i = input.startIndex
        while i + 2 < input.endIndex {
            let a = input[i], b = input[i + 1], c = input[i + 2]
            i += 3
            t += 1 + Int64(c & 0x3F) * 1_000_000 + Int64(b >> 5)
            let service = a & 1 == 0 ? "a" : "b"
            let key = (a >> 1) & 7
            let event: String
            switch (a >> 4) & 7 {
            case 0, 1: event = service == "a" ? "sent" : "got"
            case 2: event = service == "a" ? "replied" : "reply"
            case 3: event = service == "a" ? "sent" : "reply"
            case 4: event = "noise"
            case 5: event = service == "a" ? "replied" : "got"
            case 6:
                out.append(Line(time: t, text: "{\"ts\":\(t),\"service\":\"\(service)\",\"event\":\"sent", file: Int(c >> 6) % files))
                continue
            default: event = "got"
            }
            let v = b & 1
            out.append(Line(time: t, text: "{\"ts\":\(t),\"service\":\"\(service)\",\"event\":\"\(event)\",\"id\":\"k\(key)\",\"v\":\(v)}",
                            file: Int(c >> 6) % files))
        }
        return out
    }

    enum Layout: CaseIterable { case sorted, reversed, rotated }

    static func write(_ lines: [Line], files: Int, layout: Layout, probe: Int, gzip: Bool, tag: String) -> [String] {
        (0..<files).map { f in
            var mine = lines.filter { $0.file == f }.map(\.text)
            switch layout {
            case .sorted: break
            case .reversed: mine.reverse()
            case .rotated:
                // Sorted for more than the probe, then a step back.
                if mine.count > probe + 1 {
                    let cut = mine.count - probe - 1
                    mine = Array(mine[cut...] + mine[..<cut])
                }
            }
            let bytes = Array(mine.map { $0 + "\n" }.joined().utf8)
            let path = "\(dir)/\(tag)-\(f).jsonl" + (gzip ? ".gz" : "")
            FileManager.default.createFile(atPath: path, contents: Data(gzip ? GzipWriter.member(bytes) : bytes))
            return path
        }
    }

    static func run(_ paths: [String], threads: Int, probe: Int, maxOpen: Int) -> Summary {
        var options = RunOptions()
        options.threads = threads
        options.probeLines = probe
        options.maxOpen = maxOpen
        options.reorderBudget = 16
        return HandoffCheck(spec: spec, options: options).run(paths: paths)
    }

    static func counts(_ s: Summary) -> [[Verdict: UInt64]] { s.handoffs.map(\.counts) }

    static func checkInvariants(_ s: Summary, _ label: String) {
        for t in s.handoffs {
            let broken = t.checkInvariants()
            FuzzDriver.require(broken.isEmpty, "\(label): \(t.rule.name): \(broken)")
        }
        for src in s.sources {
            FuzzDriver.require(src.stats.lines == src.stats.events + src.stats.rejectedTotal,
                               "\(label): \(src.name): lines \(src.stats.lines) != events + rejected")
        }
    }

    static func check(_ input: [UInt8]) {
        guard input.count >= 2 else { return }
        let config = input[0]
        let files = 1 + Int(config & 3)
        let probe = 2 + Int(config >> 2 & 7) * 9
        let threads = config & 0x20 != 0 ? 2 : 1
        let gzip = config & 0x40 != 0
        let smallOpen = 1 + Int(input[1] % 16)
        let lines = lines(input[2...], files: files)
        guard !lines.isEmpty else { return }

        let reference = run(write(lines, files: files, layout: .sorted, probe: probe, gzip: false, tag: "ref"),
                            threads: 1, probe: probe, maxOpen: 1 << 20)
        checkInvariants(reference, "sorted")
        for layout in Layout.allCases {
            let paths = write(lines, files: files, layout: layout, probe: probe, gzip: gzip, tag: "\(layout)")
            let s = run(paths, threads: threads, probe: probe, maxOpen: 1 << 20)
            checkInvariants(s, "\(layout)")
            FuzzDriver.require(counts(s) == counts(reference),
                               "\(layout), threads \(threads): \(counts(s)) vs sorted \(counts(reference))")
            let bounded = run(paths, threads: threads, probe: probe, maxOpen: smallOpen)
            checkInvariants(bounded, "\(layout), max-open \(smallOpen)")
            var evicted: UInt64 = 0
            for (x, full) in zip(bounded.handoffs, reference.handoffs) {
                evicted += x[.evictedSend] + x[.evictedReceive]
                for v in Verdict.allCases where v != .evictedSend && v != .evictedReceive {
                    FuzzDriver.require(x[v] <= full[v],
                                       "\(layout), max-open \(smallOpen): \(x.rule.name) \(v) \(x[v]) > full run's \(full[v])")
                }
            }
            if evicted > 0 {
                FuzzDriver.require(bounded.exitCode() == 3, "\(layout): \(evicted) evicted but exit \(bounded.exitCode())")
            }
        }
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzPipeline.check(FuzzDriver.bytes(data, size))
    return 0
}
