import Foundation

@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// One way to lay the records of an `EndToEndScenario` out as files: which records go to which
/// file, in which order, as JSON lines or logfmt, plain or gzip in several members.
///
/// Coverage is per source (SEMANTICS.md), so the oracle belongs to a layout, not to a scenario:
/// `oracle()` computes it from the files as laid out (source = file, line = line in it).
struct EndToEndLayout {
    enum Order: CustomStringConvertible {
        case sorted, shuffled, newestFirst
        /// Sorted, cut in three by time, written part 3, part 1, part 2 (rotated logs
        /// concatenated newest first): the disorder starts where part 3 ends.
        case rotated
        /// By key, then time: a trace dump grouped by trace.
        case groupedByKey
        /// By time plus a random delay in [0, bound): disorder strictly inside `bound` units.
        case jitter(Int64)
        var description: String {
            switch self {
            case .sorted: return "sorted"
            case .shuffled: return "shuffled"
            case .newestFirst: return "newest-first"
            case .rotated: return "rotated"
            case .groupedByKey: return "grouped-by-key"
            case .jitter(let b): return "jitter<\(b)"
            }
        }
    }

    struct File {
        var name: String
        var records: [Int]
        var logfmt = false
        /// Records carry no service field: the file name gives it.
        var omitService = false
        /// 0: plain; else gzip in this many members (cut at arbitrary bytes).
        var gzipMembers = 0
    }

    var label: String
    var files: [File] = []

    /// Every record in one file.
    static func oneFile(_ s: EndToEndScenario, _ order: Order, gzipMembers: Int = 0, g: inout SeededRandom) -> EndToEndLayout {
        let records = arrange(Array(s.records.indices), s, order, &g)
        return EndToEndLayout(
            label: "one file \(order)\(gzipMembers > 0 ? " gzip x\(gzipMembers)" : "")",
            files: [File(name: "all.jsonl", records: records, gzipMembers: gzipMembers)])
    }

    /// One file per (service, replica), or `pieces` files each holding a consecutive stretch of
    /// its lines in time (small files; a time hole between two pieces is uncovered).
    static func perReplica(
        _ s: EndToEndScenario, _ order: Order, pieces: Int = 1, gzip: Bool = false, g: inout SeededRandom
    ) -> EndToEndLayout {
        var layout = EndToEndLayout(label: "per replica \(order) pieces \(pieces)\(gzip ? " gzip" : "")")
        for service in 0..<s.serviceCount {
            for replica in s.replicas[service].indices {
                let mine = s.records.indices.filter { s.records[$0].service == service && s.records[$0].replica == replica }
                guard !mine.isEmpty else { continue }
                let byTime = arrange(mine, s, .sorted, &g)
                let n = min(pieces, byTime.count)
                for p in 0..<n {
                    let part = Array(byTime[(byTime.count * p / n)..<(byTime.count * (p + 1) / n)])
                    let logfmt = s.logfmt.contains(service)
                    var f = File(
                        name: "\(EndToEndScenario.serviceName(service)).\(replica).\(p).\(logfmt ? "log" : "jsonl")",
                        records: arrange(part, s, order, &g), logfmt: logfmt)
                    f.omitService = Int.random(in: 0..<4, using: &g) == 0
                    if gzip { f.gzipMembers = Int.random(in: 1...4, using: &g) }
                    layout.files.append(f)
                }
            }
        }
        layout.files.shuffle(using: &g)  // input order is the order given, not by name
        return layout
    }

    static func arrange(_ indices: [Int], _ s: EndToEndScenario, _ order: Order, _ g: inout SeededRandom) -> [Int] {
        let sorted = indices.sorted { (s.records[$0].time, $0) < (s.records[$1].time, $1) }
        switch order {
        case .sorted: return sorted
        case .shuffled: return indices.shuffled(using: &g)
        case .newestFirst: return sorted.reversed()
        case .rotated:
            guard let lo = sorted.first.map({ s.records[$0].time }), let hi = sorted.last.map({ s.records[$0].time }) else { return [] }
            let cut1 = lo + (hi - lo) / 3, cut2 = lo + (hi - lo) * 2 / 3
            let p1 = sorted.filter { s.records[$0].time < cut1 }
            let p2 = sorted.filter { cut1 <= s.records[$0].time && s.records[$0].time < cut2 }
            let p3 = sorted.filter { cut2 <= s.records[$0].time }
            return p3 + p1 + p2
        case .groupedByKey:
            return sorted.sorted { (s.records[$0].key ?? "", s.records[$0].time, $0) < (s.records[$1].key ?? "", s.records[$1].time, $1) }
        case .jitter(let bound):
            return indices.map { ($0, s.records[$0].time + Int64.random(in: 0..<bound, using: &g)) }
                .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
        }
    }

    // MARK: Rendering

    /// The bytes of each file, where each record landed, and the lines that are no event.
    struct Rendered {
        var bytes: [[UInt8]] = []
        var positions: [Int: InputPosition] = [:]
        var lines: [UInt64] = []
        var rejected: [UInt64] = []
    }

    func render(_ s: EndToEndScenario, g: inout SeededRandom) -> Rendered {
        var out = Rendered()
        for (fi, f) in files.enumerated() {
            var text = ""
            var line: UInt64 = 0
            var rejected: UInt64 = 0
            for (n, ri) in f.records.enumerated() {
                // Now and then a line that is no event (never the first: it decides the format).
                if n > 0, Int.random(in: 0..<25, using: &g) == 0 {
                    text += f.logfmt || Bool.random(using: &g) ? "\n" : "{\"broken\": \n"
                    line += 1
                    rejected += 1
                }
                line += 1
                out.positions[ri] = InputPosition(source: Int32(fi), line: line)
                text += Self.line(s.records[ri], logfmt: f.logfmt, omitService: f.omitService, g: &g) + "\n"
            }
            var bytes = Array(text.utf8)
            if f.gzipMembers > 0 {
                var cuts = (0..<(f.gzipMembers - 1)).map { _ in Int.random(in: 0...bytes.count, using: &g) }.sorted()
                cuts = [0] + cuts + [bytes.count]
                var gz: [UInt8] = []
                for i in 0..<(cuts.count - 1) { gz += gzipMember(Array(bytes[cuts[i]..<cuts[i + 1]])) }
                bytes = gz
            }
            out.bytes.append(bytes)
            out.lines.append(line)
            out.rejected.append(rejected)
        }
        return out
    }

    /// One record as a JSON or logfmt line; time, service and event fields vary in form.
    static func line(_ r: EndToEndScenario.Record, logfmt: Bool, omitService: Bool, g: inout SeededRandom) -> String {
        let epoch = EndToEndScenario.base + r.time
        let q = logfmt ? "" : "\""
        let time: String
        switch Int.random(in: 0..<6, using: &g) {
        case 0: time = "\(epoch)"
        case 1: time = "\(epoch * 1000)"
        case 2: time = q + rfc3339(epoch, offsetHours: 0) + q
        case 3: time = q + "\(epoch)" + q
        case 4: time = q + rfc3339(epoch, offsetHours: 1) + q
        default: time = "\(epoch).000"
        }
        let service = EndToEndScenario.serviceName(r.service)
        var fields: [(String, String)] = []
        if !omitService {
            switch Int.random(in: 0..<4, using: &g) {
            case 0 where !logfmt: fields.append(("service", "{\"name\":\"\(service)\"}"))
            case 1: fields.append(("app", q + service + q))
            default: fields.append(("service", q + service + q))
            }
        }
        fields.append((Int.random(in: 0..<5, using: &g) == 0 ? "msg" : "event", q + r.event + q))
        if let k = r.key {
            fields.append(("id", q + k + q))
        } else if r.nullKey, !logfmt {
            fields.append(("id", "null"))
        }
        if let p = r.peer { fields.append(("peer", q + EndToEndScenario.serviceName(p) + q)) }
        for label in EndToEndScenario.labels {
            guard let v = r.agree[label] else { continue }
            switch v {
            case .string(let b): fields.append((label, q + String(decoding: b, as: UTF8.self) + q))
            default: fields.append((label, v.text))
            }
        }
        if Bool.random(using: &g) { fields.insert(("ts", time), at: 0) } else { fields.append(("ts", time)) }
        if logfmt { return fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// RFC 3339 text of epoch seconds at a whole-hour offset (civil date by Hinnant's algorithm).
    static func rfc3339(_ epoch: Int64, offsetHours: Int64) -> String {
        let local = epoch + offsetHours * 3600
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secs = local - days * 86400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let zone = offsetHours == 0 ? "Z" : (offsetHours > 0 ? "+" : "-") + two(abs(offsetHours)) + ":00"
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))\(zone)"
    }

    // MARK: Oracle

    /// SEMANTICS.md over this layout: observations at their (file, line), coverage per file.
    func oracle(_ s: EndToEndScenario, _ rendered: Rendered) -> (Oracle.Result, [Observation]) {
        var observations: [Observation] = []
        // Coverage only needs each (service, source)'s min and max: two events stand for all.
        var extents: [[Int]: (Int64, Int64)] = [:]
        for (fi, f) in files.enumerated() {
            for ri in f.records {
                let r = s.records[ri]
                observations += s.observations(of: r, at: rendered.positions[ri]!)
                let k = [r.service, fi]
                let e = extents[k] ?? (r.time, r.time)
                extents[k] = (min(e.0, r.time), max(e.1, r.time))
            }
        }
        var events: [Oracle.Event] = []
        for (k, e) in extents {
            events.append(Oracle.Event(service: Int32(k[0]), source: Int32(k[1]), time: e.0))
            events.append(Oracle.Event(service: Int32(k[0]), source: Int32(k[1]), time: e.1))
        }
        let result = Oracle.run(
            rules: s.oracleRules, from: s.oracleFrom, to: s.oracleTo,
            observations: observations, events: events, agree: Scenario.oracleAgree)
        return (result, observations)
    }
}
