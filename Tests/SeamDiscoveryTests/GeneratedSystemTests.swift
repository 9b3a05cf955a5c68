import Foundation
@_spi(SeamStages) import Seam
import XCTest
@testable import SeamDiscovery

/// Discovery on generated systems whose handoffs are known: random services, handoffs (across
/// services and within one), key names alike or not (`order_ref` on one side, `ctx.ref_3` on
/// the other), lags from 1.5 ms to 3.6 s, clocks up to 1 ms apart, lost and redelivered
/// receives, chains that carry one key over two hops (whose first and last events must not be
/// proposed as a handoff), forks (one send heard by two receivers, which must not be proposed
/// as a handoff between them), and noise:
/// fields that look like identifiers but are never shared (`trace_id` per record, `req` of
/// other events), fields shared at random times (`session` from a small pool; an audit event logging a third
/// of a handoff's keys at random times), low-cardinality
/// fields, measurements. Precision and recall of the recovered handoffs (from, to, send event,
/// receive event, both key fields), over all seeds, must reach the thresholds below (stated in
/// the README too).
final class GeneratedSystemTests: XCTestCase {
    static let seeds: [UInt64] = Array(1...24)
    static let minPrecision = 0.9
    static let minRecall = 0.9

    struct Truth: Hashable, CustomStringConvertible {
        var from: String, to: String, send: String, receive: String, sendKey: String, receiveKey: String
        var description: String { "\(from) \(send) [\(sendKey)] -> \(to) \(receive) [\(receiveKey)]" }
    }

    /// Writes one system's logs (a JSON-lines file per service) into `dir`; returns its handoffs.
    static func generate(seed: UInt64, into dir: String) -> Set<Truth> {
        var rng = SeededRandom(seed: seed)
        let words = ["alpha", "bravo", "carbon", "delta", "ember", "falcon", "garnet", "harbor", "indigo", "jasper"]
        let serviceCount = 3 + rng.int(4)
        let services = (0..<serviceCount).map { "svc-\(words[$0])" }
        let t0: Int64 = 1_795_000_000_000_000_000
        let span: Int64 = 600_000_000_000  // 10 minutes
        var records: [String: [(Int64, [String: Any])]] = [:]
        var truth = Set<Truth>()
        func noise(_ rng: inout SeededRandom) -> [String: Any] {
            ["trace_id": rng.hex(32), "host": "node-\(rng.int(6))", "duration_ms": rng.int(900),
             "session": "s-\(rng.int(40))", "level": rng.pick(["info", "info", "warn"])]
        }
        func log(_ service: String, _ t: Int64, _ fields: [String: Any]) {
            var f = fields
            for (k, v) in noise(&rng) where f[k] == nil { f[k] = v }
            records[service, default: []].append((t, f))
        }
        /// A nested key name is written as an object: `ctx.ref_3` -> {"ctx": {"ref_3": v}}.
        func put(_ name: String, _ value: String, into f: inout [String: Any]) {
            let parts = name.split(separator: ".").map(String.init)
            if parts.count == 2 { f[parts[0]] = [parts[1]: value] } else { f[name] = value }
        }

        // Each service's clock is off by up to 1 ms (receives may then precede their sends).
        var skew: [String: Int64] = [:]
        for svc in services { skew[svc] = Int64(rng.int(2_000_001)) - 1_000_000 }
        let handoffCount = 3 + rng.int(4)
        var previous: (service: String, event: String, key: String, times: [String: Int64])?
        var lastSend: (service: String, event: String, key: String, keys: [(String, Int64)])?
        for h in 0..<handoffCount {
            // A chain carries the previous receive's key on; a fork sends the previous send's
            // records to a second receiver.
            let chained = previous != nil && rng.chance(35)
            let forked = !chained && lastSend != nil && rng.chance(30)
            let from = chained ? previous!.service : forked ? lastSend!.service : rng.pick(services)
            let to = rng.chance(25) ? from : rng.pick(services.filter { $0 != from })
            let send = forked ? lastSend!.event : "step\(h).sent", receive = "step\(h).received"
            let sendKey = chained ? previous!.key : forked ? lastSend!.key
                : rng.pick(["order_ref", "request_id", "job_id", "msg_id"]) + "_\(h)"
            let receiveKey = rng.chance(50) ? sendKey : "ctx.ref_\(h)"
            truth.insert(Truth(from: from, to: to, send: send, receive: receive, sendKey: sendKey, receiveKey: receiveKey))
            if chained, let p = previous {
                // The key carried on within the service: its receive is followed by this send.
                truth.insert(Truth(from: from, to: from, send: p.event, receive: send, sendKey: p.key, receiveKey: sendKey))
            }
            let scale = Int64(1_000_000) * Int64([5, 20, 100, 400, 1500][rng.int(5)])
            let lag = { (rng: inout SeededRandom) -> Int64 in Int64(Double(scale) * (0.3 + 1.4 * rng.unit())) }
            var received: [String: Int64] = [:]
            let keys: [(String, Int64)]
            if forked, let l = lastSend {
                keys = l.keys
            } else if chained, let p = previous {
                keys = p.times.sorted { $0.key < $1.key }.map { ($0.key, $0.value + lag(&rng)) }
            } else {
                let n = 40 + rng.int(120)
                keys = (0..<n).map { _ in ("k\(h)-\(rng.hex(10))", t0 + Int64(rng.unit() * Double(span))) }
            }
            if !forked { lastSend = (from, send, sendKey, keys) }
            for (value, ts) in keys {
                if !forked {
                    var s: [String: Any] = ["event": send, "amount": Double(rng.int(50000)) / 100]
                    put(sendKey, value, into: &s)
                    log(from, ts + skew[from]!, s)
                }
                if rng.chance(2) { continue }  // lost on the way
                let tr = ts + lag(&rng)
                var r: [String: Any] = ["event": receive]
                put(receiveKey, value, into: &r)
                log(to, tr + skew[to]!, r)
                received[value] = tr
                if rng.chance(1) { log(to, tr + scale + skew[to]!, r) }  // redelivered
            }
            // A decoy: an audit event elsewhere logs a third of the keys at random times, so it
            // shares values with both sides but in no consistent order.
            if rng.chance(50) {
                let auditor = rng.pick(services)
                for (value, _) in keys where rng.chance(33) {
                    var a: [String: Any] = ["event": "audit\(h).logged"]
                    put(sendKey, value, into: &a)
                    log(auditor, t0 + Int64(rng.unit() * Double(span)), a)
                }
            }
            // The next handoff may continue from this one's receiving side, under its key name.
            previous = receiveKey.contains(".") ? nil : (to, receive, receiveKey, received)
        }
        // Events that share nothing: ID-like fields never seen elsewhere.
        for s in services {
            for _ in 0..<(60 + rng.int(120)) {
                log(s, t0 + Int64(rng.unit() * Double(span)), ["event": rng.pick(["cache.miss", "heartbeat", "gc.pause"]), "req": "q-\(rng.hex(12))"])
            }
        }
        for (service, list) in records {
            var text = ""
            for (t, f) in list.sorted(by: { $0.0 < $1.0 }) {
                var obj = f
                obj["ts"] = t
                obj["service"] = service
                let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                text += String(decoding: data, as: UTF8.self) + "\n"
            }
            try! text.write(toFile: "\(dir)/\(service).jsonl", atomically: false, encoding: .utf8)
        }
        return truth
    }

    func testRecoversGeneratedHandoffs() throws {
        var found = 0, proposed = 0, planted = 0
        var misses: [String] = []
        for seed in Self.seeds {
            let dir = scratchFolder("gen-\(seed)")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let truth = Self.generate(seed: seed, into: dir)
            let result = HandoffDiscovery(spec: HandoffSpec(rules: [])).run(paths: [dir])
            XCTAssertTrue(result.complete)
            let got = Set(result.handoffs.map {
                Truth(from: $0.from, to: $0.to, send: $0.sendEvent, receive: $0.receiveEvent, sendKey: $0.sendKey, receiveKey: $0.receiveKey)
            })
            found += got.intersection(truth).count
            proposed += got.count
            planted += truth.count
            for t in truth.subtracting(got) { misses.append("seed \(seed) missed: \(t)") }
            for t in got.subtracting(truth) { misses.append("seed \(seed) extra: \(t)") }
            // Every draft is a spec `check` accepts as it is.
            XCTAssertNoThrow(try SpecLoader.load(text: DraftSpec.yaml(result), file: "seed-\(seed).yaml"))
        }
        let precision = Double(found) / Double(max(proposed, 1))
        let recall = Double(found) / Double(max(planted, 1))
        print("generated systems: \(Self.seeds.count) seeds, \(planted) handoffs planted, \(proposed) proposed, \(found) right: precision \(String(format: "%.3f", precision)), recall \(String(format: "%.3f", recall))")
        for m in misses { print("  " + m) }
        XCTAssertGreaterThanOrEqual(precision, Self.minPrecision)
        XCTAssertGreaterThanOrEqual(recall, Self.minRecall)
    }
}
