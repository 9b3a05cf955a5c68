import Foundation
import Prometheus
@_spi(SeamStages) import Seam

/// A watch's metrics in a Prometheus registry (swift-prometheus), kept from the run's snapshots.
///
/// Counters follow the run's own tallies: each snapshot adds what grew since the last one, so
/// at the end they equal the summary's counts exactly. The latency histogram is fed per pair
/// (`PairObserver`). Metric names and units are listed in README ("Metrics"). Health: see
/// `health(now:)`. Thread: `progressed` and `paired` come from the correlator's thread; the
/// HTTP server reads `registry` (thread-safe) and `health` (behind a lock) from its own.
/// `@unchecked Sendable`: its tables of counters and gauges and its health are behind its lock;
/// `latency` is made at init and fed on the correlator's thread only.
public final class WatchMetrics: WatchProgress, PairObserver, @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// Seconds of wall time the watermark may stand still while batches keep coming before
    /// `/healthz` fails.
    public let stall: Double

    private let lock = NSLock()
    private var verdicts: [String: (counter: Counter, seen: UInt64)] = [:]
    private var sourceCounters: [String: (counter: Counter, seen: UInt64)] = [:]
    private var gauges: [String: Gauge] = [:]
    private var latency: [ValueHistogram] = []
    private let handoffNames: [String]
    // Health, behind `lock`.
    private var lastSnapshot: Date?
    private var lastWatermark: Int64?
    private var lastAdvance = Date()
    private var finished = false

    /// Latency buckets (seconds): 1 ms to 5 min.
    public static let latencyBuckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    public init(spec: HandoffSpec, stall: Double = 60) {
        self.stall = stall
        handoffNames = spec.rules.map(\.name)
        latency = spec.rules.map {
            registry.makeValueHistogram(name: "seam_handoff_latency_seconds", labels: [("handoff", $0.name)],
                                        buckets: Self.latencyBuckets,
                                        help: "Receive time minus send time of each pair (confirmed or late), event time.")
        }
        let up = registry.makeGauge(name: "seam_up", help: "1 while the watch runs; 0 once it is stopping.")
        up.set(1.0)
        gauges["up"] = up
    }

    public func paired(rule: Int, latency ns: Int64) {
        latency[rule].record(Double(ns) / 1e9)
    }

    /// Adds `value - seen` to the counter named by `key` (made on first use).
    private func count(_ table: inout [String: (counter: Counter, seen: UInt64)], _ key: String, _ value: UInt64,
                       make: () -> Counter) {
        var entry = table[key] ?? (make(), 0)
        if value > entry.seen {
            entry.counter.increment(by: Int64(value - entry.seen))
            entry.seen = value
        }
        table[key] = entry
    }

    private func gauge(_ key: String, make: () -> Gauge) -> Gauge {
        if let g = gauges[key] { return g }
        let g = make()
        gauges[key] = g
        return g
    }

    public func progressed(_ s: WatchSnapshot) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        for (h, handoff) in s.handoffs.enumerated() {
            let rule = h < handoffNames.count ? handoffNames[h] : handoff.name
            let rows: [(String, String, [Verdict: UInt64])]
            if handoff.wildcard {
                rows = handoff.pairs.map { ($0.from ?? "?", $0.to ?? "?", $0.counts) }
            } else {
                rows = [(handoff.from, handoff.to, handoff.counts)]
            }
            for (from, to, counts) in rows {
                for (verdict, n) in counts {
                    let key = "\(rule)\u{0}\(from)\u{0}\(to)\u{0}\(verdict.rawValue)"
                    count(&verdicts, key, n) {
                        registry.makeCounter(
                            name: "seam_handoff_verdicts_total",
                            labels: [("handoff", rule), ("from", from), ("to", to), ("verdict", verdict.rawValue)],
                            help: "Verdicts given per handoff, service pair and kind (SEMANTICS.md).")
                    }
                }
            }
        }
        var evicted: UInt64 = 0
        for h in s.handoffs { evicted += (h.counts[.evictedSend] ?? 0) + (h.counts[.evictedReceive] ?? 0) }
        count(&verdicts, "evictions", evicted) {
            registry.makeCounter(name: "seam_evictions_total",
                                 help: "Open sends and receives given up past --max-open (each makes the run incomplete).")
        }
        for (side, n) in [("send", s.openSends), ("receive", s.openReceives), ("waiting", s.openWaiting)] {
            gauge("open\u{0}\(side)") {
                registry.makeGauge(name: "seam_open_observations", labels: [("side", side)],
                                   help: "Sends and receives held open now (waiting: either side, waiting on coverage).")
            }.set(Double(n))
        }
        let wall = now.timeIntervalSince1970
        for src in s.sources {
            let name = src.name
            count(&sourceCounters, "lines\u{0}\(name)", src.stats.lines) {
                registry.makeCounter(name: "seam_source_lines_total", labels: [("source", name)],
                                     help: "Lines read per source (events plus rejected).")
            }
            count(&sourceCounters, "events\u{0}\(name)", src.stats.events) {
                registry.makeCounter(name: "seam_source_events_total", labels: [("source", name)],
                                     help: "Lines that became events, per source.")
            }
            count(&sourceCounters, "ooo\u{0}\(name)", src.stats.outOfOrder) {
                registry.makeCounter(name: "seam_source_out_of_order_events_total", labels: [("source", name)],
                                     help: "Events behind their source's watermark when read (still correlated where open).")
            }
            for (reason, n) in src.stats.rejected {
                count(&sourceCounters, "rej\u{0}\(name)\u{0}\(reason.rawValue)", n) {
                    registry.makeCounter(name: "seam_source_rejected_lines_total",
                                         labels: [("source", name), ("reason", reason.rawValue)],
                                         help: "Lines rejected per source and reason.")
                }
            }
            if let w = src.watermark {
                gauge("wm\u{0}\(name)") {
                    registry.makeGauge(name: "seam_source_watermark_timestamp_seconds", labels: [("source", name)],
                                       help: "The source's watermark: its latest event time minus --reorder (Unix seconds).")
                }.set(Double(w) / 1e9)
                gauge("lag\u{0}\(name)") {
                    registry.makeGauge(name: "seam_source_watermark_lag_seconds", labels: [("source", name)],
                                       help: "Wall clock minus the source's watermark, at the last snapshot.")
                }.set(wall - Double(w) / 1e9)
            }
        }
        if let w = s.watermark {
            gauge("run-wm") {
                registry.makeGauge(name: "seam_watermark_timestamp_seconds",
                                   help: "The run's watermark: verdicts are given up to it (Unix seconds, event time).")
            }.set(Double(w) / 1e9)
        }
        lastSnapshot = now
        if s.watermark != lastWatermark {
            lastWatermark = s.watermark
            lastAdvance = now
        }
        if s.final {
            finished = true
            gauges["up"]?.set(0.0)
        }
    }

    /// The run is stopping (a signal): `/healthz` fails from now on.
    public func stopping() {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        // Under the lock: `progressed` may be adding to `gauges` on the correlator's thread.
        gauges["up"]?.set(0.0)
    }

    /// `/healthz`: healthy unless the run is stopping or over, or lines keep coming (a snapshot
    /// within `stall` seconds) while the watermark has not moved for `stall` seconds (a source
    /// holds everyone back: verdicts are not being given). A watch with no input at all is
    /// healthy: it is waiting. Returns (healthy, a one-line reason).
    public func health(now: Date = Date()) -> (Bool, String) {
        lock.lock()
        defer { lock.unlock() }
        if finished { return (false, "stopping") }
        guard let last = lastSnapshot else { return (true, "ok: waiting for input") }
        let quietFor = now.timeIntervalSince(last), stuckFor = now.timeIntervalSince(lastAdvance)
        if quietFor < stall && stuckFor >= stall {
            return (false, "watermark has not advanced for \(Int(stuckFor)) s while lines keep coming")
        }
        return (true, "ok: watermark advanced \(Int(stuckFor)) s ago")
    }
}
