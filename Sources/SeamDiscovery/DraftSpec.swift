import Foundation
@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
import SeamSpec

/// Renders a `DiscoveryResult` as a draft spec (YAML that `seam check --spec` accepts as it is,
/// the evidence in comments) or as JSON.
public enum DraftSpec {
    /// The draft: a header, the user's `fields:`/`sources:`/`derive:` sections (`carried`, as
    /// written), the handoffs ranked with their evidence above each, then per service the events
    /// seen and their fields, and what took part in no handoff.
    public static func yaml(_ r: DiscoveryResult, carried: String? = nil, options: DiscoveryOptions = DiscoveryOptions()) -> String {
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        line("# Draft spec written by `seam discover`: review it before relying on it.")
        line("# Read: \(r.sources.count) source\(r.sources.count == 1 ? "" : "s"), \(r.lines) lines, \(r.eventCount) events\(r.complete ? "" : "; SOME INPUT COULD NOT BE READ WHOLE (see stderr)").")
        line("# Key fields considered: \(r.keyFields); pairs sharing values: \(r.pairsEvaluated); in a consistent order: \(r.pairsConsistent);")
        line("# left out: \(r.redundant) as detours of two others, \(r.belowConfidence) below confidence \(format(options.minConfidence)), \(r.pastLimit) past --max-handoffs \(options.maxHandoffs).")
        for l in r.limits { line("# Limit reached: \(comment(l)).") }
        line("# Each handoff: its confidence (0-1) and evidence. Keys are compared on a sample of values (the same")
        line("# hash sample on both sides); `within` is the largest usual lag x1.5, rounded up; lags far above the")
        line("# rest are left out of it, so that `seam check` reports them as late.")
        line("version: 1")
        if let carried, !carried.isEmpty {
            out += carried
            if !carried.hasSuffix("\n") { line() }
        }
        if r.handoffs.isEmpty {
            line("# No handoff found: no two events share key values in a consistent order. This draft is not a")
            line("# valid spec until a handoff is added under `handoffs:`.")
            line("handoffs:")
        } else {
            line("handoffs:")
        }
        for h in r.handoffs {
            line()
            for c in evidenceLines(h) { line("  # \(comment(c))") }
            line("  - name: \(quote(h.name))")
            line("    from: \(quote(h.from))")
            line("    to: \(quote(h.to))")
            if h.sendKey == h.receiveKey {
                line("    key: \(quote(h.sendKey))")
            } else {
                line("    key: {send: \(quote(h.sendKey)), receive: \(quote(h.receiveKey))}")
            }
            line("    send: \(selector(h.send))")
            line("    receive: \(selector(h.receive))")
            line("    within: \(DurationLadder.text(h.within))")
            if h.tolerance > 0 { line("    tolerance: \(DurationLadder.text(h.tolerance))") }
            if !h.agree.isEmpty {
                if h.agree.allSatisfy({ $0.send == $0.receive }) {
                    line("    agree: [\(h.agree.map { quote($0.send) }.joined(separator: ", "))]")
                } else {
                    line("    agree: {\(h.agree.map { "\(quote($0.send)): \(quote($0.receive))" }.joined(separator: ", "))}")
                }
            }
            if !h.once { line("    once: false") }
        }
        line()
        line("# Events seen, per service (records; fields with distinct values where kept; * = in a handoff above):")
        var service: String?
        for e in r.events {
            if e.service != service {
                service = e.service
                let total = r.events.filter { $0.service == e.service }.reduce(UInt64(0)) { $0 + $1.records }
                line("#   \(comment(e.service)): \(total) records")
            }
            let fields = e.fields.map { f -> String in
                if let d = f.distinct, f.notKey == nil { return "\(f.name) (\(Int(d.rounded())) values)" }
                return f.name
            }.joined(separator: ", ")
            let more = e.moreFields > 0 ? " and \(e.moreFields) more" : ""
            line("#     \(e.inHandoff ? "*" : " ") \(comment(e.event)) (\(e.records)): \(comment(fields))\(more)")
        }
        let left = r.events.filter { !$0.inHandoff }
        let servicesIn = Set(r.events.filter(\.inHandoff).map(\.service))
        let servicesOut = Array(Set(r.events.map(\.service)).subtracting(servicesIn)).sorted()
        line("# In no handoff: \(left.count) of \(r.events.count) events; services: \(servicesOut.isEmpty ? "none" : comment(servicesOut.joined(separator: ", "))).")
        return out
    }

    static func evidenceLines(_ h: DiscoveredHandoff) -> [String] {
        let e = h.evidence
        var out: [String] = []
        out.append("confidence \(format(h.confidence)): \(h.from) '\(h.sendEvent)' -> \(h.to) '\(h.receiveEvent)'")
        out.append("records: \(e.sendRecords) sends, \(e.receiveRecords) receives; key values: ~\(Int(e.sendKeys.rounded())) sent, ~\(Int(e.receiveKeys.rounded())) received")
        out.append("shared keys (sample of \(e.sampledSend) sent, \(e.sampledReceive) received): \(e.shared); \(percent(e.receivesSent)) of receive keys were sent, \(percent(e.sendsReceived)) of sent keys received")
        out.append("lag send -> receive: p50 \(DurationLadder.describe(e.lagP50)), p99 \(DurationLadder.describe(e.lagP99)), max \(DurationLadder.describe(e.lagMax)); receive after send for \(e.after) keys, before for \(e.before), same time \(e.simultaneous)")
        if e.outliers > 0 {
            out.append("\(e.outliers) lag\(e.outliers == 1 ? "" : "s") far above the rest (up to \(DurationLadder.describe(e.outlierMax))) left out of `within`: likely late")
        }
        let mult = String(format: "%.2f and %.2f records per key", e.sendMultiplicity, e.receiveMultiplicity)
        out.append(h.once ? "one-to-one (\(mult))" : "one-to-many (\(mult)): once: false, ranked lower")
        if !h.agree.isEmpty {
            out.append("agree: " + h.agree.map { "\($0.send == $0.receive ? $0.send : "\($0.send) = \($0.receive)") (\(percent($0.agreement)) equal)" }.joined(separator: ", "))
        }
        if !e.otherKeys.isEmpty { out.append("other shared keys of these events: \(e.otherKeys.joined(separator: ", "))") }
        return out
    }

    static func selector(_ s: DiscoveredHandoff.Selector) -> String {
        switch s {
        case .event(let name): return quote(name)
        case .fieldEquals(let f, let v): return "{\(quote(f)): \(quote(v))}"
        case .fieldMatches(let f, let re): return "{\(quote(f)): {matches: \(singleQuote(re))}}"
        case .fieldExists(let f): return "{\(quote(f)): {exists: true}}"
        }
    }

    /// A YAML double-quoted scalar (JSON escapes are valid YAML).
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += String(format: "\\u%04X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func singleQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Text safe inside a YAML comment line.
    static func comment(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
    static func format(_ x: Double) -> String { String(format: "%.2f", x) }

    /// The top-level `fields:`, `sources:` and `derive:` sections of a spec's text, as written
    /// (each from its key's line to the next top-level key), for the draft to carry.
    public static func inputSections(of text: String) -> String {
        var out = ""
        var keeping = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if let c = line.first, c != " ", c != "\t", c != "#", c != "-" {
                let key = line.prefix { $0 != ":" && $0 != " " }
                keeping = ["fields", "sources", "derive"].contains(String(key))
            }
            if keeping { out += line + "\n" }
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    /// The result as one JSON object: `handoffs` (with `evidence`), `events`, `input`, and
    /// `spec`, the YAML draft.
    public static func json(_ r: DiscoveryResult, carried: String? = nil, options: DiscoveryOptions = DiscoveryOptions()) -> String {
        func sel(_ s: DiscoveredHandoff.Selector) -> [String: Any] {
            switch s {
            case .event(let n): return ["event": n]
            case .fieldEquals(let f, let v): return ["field": f, "equals": v]
            case .fieldMatches(let f, let re): return ["field": f, "matches": re]
            case .fieldExists(let f): return ["field": f, "exists": true]
            }
        }
        let handoffs: [[String: Any]] = r.handoffs.map { h in
            let e = h.evidence
            return [
                "name": h.name, "from": h.from, "to": h.to,
                "send_event": h.sendEvent, "receive_event": h.receiveEvent,
                "send": sel(h.send), "receive": sel(h.receive),
                "key": ["send": h.sendKey, "receive": h.receiveKey],
                "within_ms": Double(h.within) / 1e6, "tolerance_ms": Double(h.tolerance) / 1e6,
                "agree": h.agree.map { ["send": $0.send, "receive": $0.receive, "agreement": $0.agreement] },
                "once": h.once, "confidence": (h.confidence * 1000).rounded() / 1000,
                "evidence": [
                    "send_records": e.sendRecords, "receive_records": e.receiveRecords,
                    "send_keys": e.sendKeys.rounded(), "receive_keys": e.receiveKeys.rounded(),
                    "sampled_send": e.sampledSend, "sampled_receive": e.sampledReceive, "shared": e.shared,
                    "receives_sent": e.receivesSent, "sends_received": e.sendsReceived,
                    "after": e.after, "before": e.before, "simultaneous": e.simultaneous,
                    "lag_ms": ["p50": Double(e.lagP50) / 1e6, "p99": Double(e.lagP99) / 1e6, "max": Double(e.lagMax) / 1e6],
                    "outliers": e.outliers, "outlier_max_ms": Double(e.outlierMax) / 1e6,
                    "send_multiplicity": e.sendMultiplicity, "receive_multiplicity": e.receiveMultiplicity,
                    "other_keys": e.otherKeys,
                ] as [String: Any],
            ]
        }
        let events: [[String: Any]] = r.events.map { e in
            ["service": e.service, "event": e.event, "records": e.records, "in_handoff": e.inHandoff,
             "more_fields": e.moreFields,
             "fields": e.fields.map { f -> [String: Any] in
                 var o: [String: Any] = ["name": f.name, "records": f.records, "key_candidate": f.notKey == nil]
                 if let d = f.distinct { o["distinct"] = d.rounded() }
                 if let why = f.notKey { o["not_key"] = why }
                 return o
             }]
        }
        var rejected: [String: UInt64] = [:]
        for s in r.sources { for (k, v) in s.stats.rejected { rejected[k.rawValue, default: 0] += v } }
        let errors: [[String: Any]] = (r.inputErrors + r.sources.flatMap(\.stats.errors)).map {
            ["source": $0.source, "code": $0.code.rawValue, "message": $0.message]
        }
        let root: [String: Any] = [
            "schema": 1,
            "input": ["sources": r.sources.count, "lines": r.lines, "events": r.eventCount, "rejected": rejected,
                      "errors": errors, "complete": r.complete] as [String: Any],
            "handoffs": handoffs, "events": events,
            "considered": ["key_fields": r.keyFields, "pairs_sharing_values": r.pairsEvaluated,
                           "pairs_in_order": r.pairsConsistent, "detours": r.redundant,
                           "below_confidence": r.belowConfidence, "past_max_handoffs": r.pastLimit],
            "limits": r.limits,
            "spec": yaml(r, carried: carried, options: options),
        ]
        let data = try! JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
