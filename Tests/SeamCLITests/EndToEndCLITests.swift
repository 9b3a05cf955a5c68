import Foundation
import XCTest

/// The built `seam` binary against a brute-force oracle of its own (issue 13): random
/// orders -> payments scenarios (replicas, retries, lost sends, orphans, late and duplicate
/// receives, shared keys, coverage holes, time ties), written as files per replica, as one file
/// grouped by key, and the same bytes piped to `seam check -`. Every non-confirmed finding of
/// `--format jsonl` (by kind, source and line) and every count of its summary must be the
/// oracle's. The oracle here is written from SEMANTICS.md alone (this target cannot see the
/// library tests' one), in whole seconds.
final class EndToEndCLITests: XCTestCase {
    typealias Rng = SplitMix

    struct Record {
        var service: String
        var replica: Int
        var time: Int64
        var event: String
        var key: String?
    }

    struct World {
        var W: Int64, G: Int64, T: Int64, once: Bool
        var records: [Record] = []
        var spec: String {
            "version: 1\nhandoffs:\n  - name: pay\n    from: orders\n    to: payments\n    key: id\n    send: sent\n"
                + "    receive: got\n    within: \(W)s\n    grace: \(G)s\n    tolerance: \(T)s\n    once: \(once)\n"
        }
    }

    static let base: Int64 = 1_700_000_000

    static func world(seed: UInt64, padding: Int = 0) -> World {
        var g = Rng(state: seed)
        let W = Int64.random(in: 1...10, using: &g)
        var w = World(W: W, G: [0, W, Int64.random(in: 0...6, using: &g)].randomElement(using: &g)!,
                      T: [0, 0, Int64.random(in: 1...3, using: &g)].randomElement(using: &g)!, once: Bool.random(using: &g))
        let horizon = Int64.random(in: 30...120, using: &g)
        var stretches: [String: [(Int64, Int64)]] = [:]
        for service in ["orders", "payments"] {
            for replica in 0..<Int.random(in: 1...2, using: &g) {
                let a = Int64.random(in: 0...horizon, using: &g), b = Int64.random(in: 0...horizon, using: &g)
                stretches[service, default: []].append((min(a, b), max(a, b)))
                w.records.append(Record(service: service, replica: replica, time: min(a, b), event: "tick", key: nil))
                w.records.append(Record(service: service, replica: replica, time: max(a, b), event: "tick", key: nil))
                for _ in 0..<padding {  // past the merger's 512-line step, so stdin comes in several steps
                    w.records.append(Record(service: service, replica: replica, time: Int64.random(in: min(a, b)...max(a, b), using: &g), event: "tick", key: nil))
                }
            }
        }
        func add(_ service: String, _ t: Int64, _ event: String, _ key: String?) {
            let reps = stretches[service]!
            let holding = reps.indices.filter { reps[$0].0 <= t && t <= reps[$0].1 }
            let replica = holding.isEmpty || Int.random(in: 0..<8, using: &g) == 0
                ? Int.random(in: 0..<reps.count, using: &g) : holding.randomElement(using: &g)!
            w.records.append(Record(service: service, replica: replica, time: t, event: event, key: key))
        }
        let pool = Int.random(in: 2...6, using: &g)
        func key() -> String? { Int.random(in: 0..<15, using: &g) == 0 ? nil : "k\(Int.random(in: 0..<pool, using: &g))" }
        for _ in 0..<Int.random(in: 3...20, using: &g) {
            let ts = Int64.random(in: 0...horizon, using: &g)
            let k = key()
            add("orders", ts, "sent", k)
            if Int.random(in: 0..<5, using: &g) == 0 { add("orders", ts + Int64.random(in: 0...W, using: &g), "sent", k) }
            guard Int.random(in: 0..<10, using: &g) < 7 else { continue }  // lost
            let tr = ts + Int64.random(in: (-w.T - 2)...(W + w.G + 2), using: &g)
            add("payments", tr, "got", k)
            if Int.random(in: 0..<5, using: &g) == 0 { add("payments", tr + Int64.random(in: 0...4, using: &g), "got", k) }
        }
        for _ in 0..<Int.random(in: 0...3, using: &g) { add("payments", Int64.random(in: 0...horizon, using: &g), "got", key()) }
        return w
    }

    /// A laid-out record: where it is, as `seam` names it.
    struct Placed {
        var record: Record
        var source: Int
        var name: String
        var line: Int
    }

    /// SEMANTICS.md "Pairing" in plain loops: the expected non-confirmed findings (as
    /// `kind send@src:line receive@src:line` texts) and counts.
    static func oracle(_ w: World, _ placed: [Placed]) -> (findings: [String], counts: [String: Int]) {
        // Coverage(S): per source, [min, max] of S there; [lo, hi] covered when one merged run of
        // those closed intervals holds it.
        func covered(_ service: String, _ lo: Int64, _ hi: Int64) -> Bool {
            var ext: [Int: (Int64, Int64)] = [:]
            for p in placed where p.record.service == service {
                let e = ext[p.source] ?? (p.record.time, p.record.time)
                ext[p.source] = (min(e.0, p.record.time), max(e.1, p.record.time))
            }
            var runs: [(Int64, Int64)] = []
            for iv in ext.values.sorted(by: { $0.0 < $1.0 }) {
                if let last = runs.last, iv.0 <= last.1 { runs[runs.count - 1].1 = max(last.1, iv.1) } else { runs.append(iv) }
            }
            return runs.contains { $0.0 <= lo && hi <= $0.1 }
        }
        func at(_ p: Placed) -> String { "\(p.name):\(p.line)" }
        func before(_ a: Placed, _ b: Placed) -> Bool {
            (a.record.time, a.source, a.line) < (b.record.time, b.source, b.line)
        }
        var findings: [String] = []
        var counts: [String: Int] = [:]
        let obs = placed.filter {
            ($0.record.service == "orders" && $0.record.event == "sent") || ($0.record.service == "payments" && $0.record.event == "got")
        }
        for o in obs where o.record.key == nil {
            counts[o.record.event == "sent" ? "unkeyed_sends" : "unkeyed_receives", default: 0] += 1
        }
        for key in Set(obs.compactMap(\.record.key)) {
            let sends = obs.filter { $0.record.event == "sent" && $0.record.key == key }.sorted(by: before)
            let receives = obs.filter { $0.record.event == "got" && $0.record.key == key }.sorted(by: before)
            var partner: [Int?] = Array(repeating: nil, count: sends.count)
            for (ri, r) in receives.enumerated() {
                let lo = r.record.time - w.W - w.G, hi = r.record.time + w.T
                let inWindow = sends.indices.filter { lo <= sends[$0].record.time && sends[$0].record.time <= hi }
                if let best = inWindow.filter({ partner[$0] == nil }).max(by: { before(sends[$0], sends[$1]) }) {
                    partner[best] = ri
                } else if inWindow.contains(where: { partner[$0] != nil }) {
                    let kind = w.once ? "duplicate" : "repeat"
                    findings.append("\(kind) receive@\(at(r))")
                    counts[kind, default: 0] += 1
                } else {
                    let kind = covered("orders", lo, hi) ? "orphan" : "uncovered_receive"
                    findings.append("\(kind) receive@\(at(r))")
                    counts[kind == "orphan" ? kind : "uncovered_receives", default: 0] += 1
                }
            }
            for (i, s) in sends.enumerated() {
                if let ri = partner[i] {
                    let l = receives[ri].record.time - s.record.time
                    if l <= w.W {
                        counts["confirmed", default: 0] += 1
                    } else {
                        findings.append("late send@\(at(s)) receive@\(at(receives[ri]))")
                        counts["late", default: 0] += 1
                    }
                } else {
                    let kind = covered("payments", s.record.time - w.T, s.record.time + w.W + w.G) ? "unconfirmed" : "uncovered_send"
                    findings.append("\(kind) send@\(at(s))")
                    counts[kind == "unconfirmed" ? kind : "uncovered_sends", default: 0] += 1
                }
            }
        }
        return (findings.sorted(), counts)
    }

    static func json(_ r: Record, _ g: inout Rng) -> String {
        let ts = Bool.random(using: &g) ? "\(base + r.time)" : "\"\(base + r.time)\""
        let id = r.key.map { ",\"id\":\"\($0)\"" } ?? ""
        return "{\"ts\":\(ts),\"service\":\"\(r.service)\",\"event\":\"\(r.event)\"\(id)}"
    }

    /// Runs `seam check --format jsonl` and compares with the oracle; returns the mismatches.
    func compare(_ w: World, _ files: [(name: String, records: [Record])], stdin: Bool, seed: UInt64) throws -> [String] {
        let dir = try SeamBinary.temporaryFolder(self)
        try w.spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        var g = Rng(state: seed ^ 0xC11)
        var placed: [Placed] = []
        var input = Data()
        for (si, f) in files.enumerated() {
            var text = ""
            for (li, r) in f.records.enumerated() {
                placed.append(Placed(record: r, source: si, name: stdin ? "-" : f.name, line: li + 1))
                text += Self.json(r, &g) + "\n"
            }
            if stdin { input = Data(text.utf8) } else { try text.write(to: dir.appendingPathComponent(f.name), atomically: true, encoding: .utf8) }
        }
        let args = ["check", "--format", "jsonl", "--threads", "\(1 + seed % 2)"] + (stdin ? ["-"] : files.map(\.name))
        let result = try SeamBinary.run(args, input: stdin ? input : nil, directory: dir)
        let (want, counts) = Self.oracle(w, placed)
        var got: [String] = []
        var summary: [String: Any] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            if let s = obj["summary"] as? [String: Any] { summary = s; continue }
            guard let kind = obj["kind"] as? String else { continue }
            func at(_ side: String) -> String? {
                (obj[side] as? [String: Any]).map { "\($0["source"] as? String ?? "?"):\(int($0["line"]) ?? -1)" }
            }
            switch kind {
            case "late": got.append("late send@\(at("send") ?? "?") receive@\(at("receive") ?? "?")")
            case "unconfirmed", "uncovered_send": got.append("\(kind) send@\(at("send") ?? "?")")
            case "orphan", "uncovered_receive", "duplicate", "repeat": got.append("\(kind) receive@\(at("receive") ?? "?")")
            default: break
            }
        }
        var problems: [String] = []
        if result.code == 2 || summary.isEmpty { return ["exit \(result.code), no summary: \(result.stderr.prefix(300))"] }
        if got.sorted() != want {
            problems.append("findings: only oracle \(Set(want).subtracting(got).sorted()); only seam \(Set(got).subtracting(want).sorted())")
        }
        let h = handoff(summary, "pay") ?? [:]
        for kind in ["confirmed", "late", "unconfirmed", "orphan", "duplicate", "repeat", "uncovered_sends", "uncovered_receives",
                     "unkeyed_sends", "unkeyed_receives", "evicted_sends", "evicted_receives"]
        where int(h[kind]) != counts[kind, default: 0] {
            problems.append("\(kind) \(int(h[kind]).map { "\($0)" } ?? "nil"), oracle \(counts[kind, default: 0])")
        }
        let gaps = counts["unconfirmed", default: 0] + counts["orphan", default: 0]
        if gaps > 0 && result.code == 0 || gaps == 0 && result.code == 1 { problems.append("exit \(result.code) with \(gaps) gaps") }
        return problems
    }

    /// Files per replica (sorted or shuffled), one file grouped by key, and that file on stdin
    /// through a pipe: case (b) of the issue (stdin must be reordered like a file).
    func testBinaryMatchesOracleOnFilesAndStdin() throws {
        var failures = 0
        for seed in UInt64(1)...40 {
            let w = Self.world(seed: seed, padding: seed % 2 == 0 ? 400 : 0)
            var g = Rng(state: seed ^ 0x5EED)
            var perReplica: [String: [Record]] = [:]
            for r in w.records { perReplica["\(r.service).\(r.replica).jsonl", default: []].append(r) }
            let shuffle = seed % 2 == 0
            let files = perReplica.keys.sorted().map { name -> (name: String, records: [Record]) in
                let rs = perReplica[name]!
                return (name, shuffle ? rs.shuffled(using: &g) : rs.sorted { $0.time < $1.time })
            }
            // A trace dump grouped by key (unkeyed first), each group in time order.
            let grouped = [(name: "dump.jsonl", records: w.records.sorted { ($0.key ?? "", $0.time) < ($1.key ?? "", $1.time) })]
            for (label, layout, stdin) in [("per replica \(shuffle ? "shuffled" : "sorted")", files, false),
                                           ("grouped file", grouped, false), ("grouped stdin", grouped, true)] {
                let problems = try compare(w, layout, stdin: stdin, seed: seed)
                if !problems.isEmpty {
                    XCTFail("seed \(seed) \(label): \(problems.prefix(3).joined(separator: " | "))")
                    failures += 1
                }
            }
            if failures >= 4 { return }
        }
    }
}
