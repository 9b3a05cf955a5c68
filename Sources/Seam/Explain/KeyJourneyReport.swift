@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamCorrelation
@_spi(SeamStages) import SeamRecords
/// `seam explain` output: the journey of one key as text (records in time order, each verdict
/// after the last record it took part in) or as one JSON object (`records`, `verdicts`).
package enum KeyJourneyReport {
    /// One line per record (time, service, event, `source:line`, the handoff sides it is), its
    /// line indented below (cut at `KeyJourney.rawLimit` bytes, control characters shown as `?`),
    /// and `=> handoff: verdict ...` lines between.
    package static func text(_ j: KeyJourney) -> String {
        let s = j.summary
        var out = "seam explain \(ReportText.printable(j.key)): \(ReportText.count(UInt64(j.records.count), "record"))"
            + (j.recordsCapped ? " (the earliest \(KeyJourney.maxRecords) shown)" : "")
            + ", \(ReportText.count(UInt64(j.verdicts.count), "verdict"))\n"
        if j.records.isEmpty {
            let fields = keyFields(s)
            out += "\nNo record holds \(ReportText.printable(j.key)) in a key field (\(fields.joined(separator: ", "))).\n"
        }
        let (after, unplaced) = placement(j)
        let serviceWidth = j.records.map(\.service.count).max() ?? 0
        let eventWidth = j.records.map { ($0.event ?? "-").count }.max() ?? 0
        for (i, r) in j.records.enumerated() {
            out += "\n" + TimeText.rfc3339(r.time) + "  " + ReportText.pad(ReportText.printable(r.service), serviceWidth)
                + "  " + ReportText.pad(ReportText.printable(r.event ?? "-"), eventWidth)
                + "  " + ReportText.printable(s.place(r.position))
            let roles = r.roles.map { "\($0.side == .send ? "send" : "receive") of \(name($0.rule, s))" }
            out += roles.isEmpty ? "  (no handoff side: its key field only)\n" : "  " + roles.joined(separator: ", ") + "\n"
            out += "    " + ReportText.printable(r.raw) + (r.rawCut > 0 ? " … (\(r.rawCut) more bytes)" : "") + "\n"
            for v in after[i] { out += "  => " + ReportText.printable(verdictText(j.verdicts[v], s)) + "\n" }
        }
        if !unplaced.isEmpty {
            out += "\nVerdicts whose records are not shown above:\n"
            for v in unplaced { out += "  => " + ReportText.printable(verdictText(j.verdicts[v], s)) + "\n" }
        }
        if !s.incompleteReasons.filter({ $0.cause == .inputNotReadWhole }).isEmpty {
            out += "\nInput not read whole: the journey may miss records.\n"
            for r in s.incompleteReasons where r.cause == .inputNotReadWhole { out += "  " + ReportText.printable(r.message) + "\n" }
        }
        return out
    }

    /// `{"key","records":[...],"records_capped","verdicts":[...],"complete"}`.
    package static func json(_ j: KeyJourney, pretty: Bool = false) -> String {
        let s = j.summary
        let records: [JSONValue] = j.records.map { r in
            let first = r.roles.first
            // Typed apart: as one literal it is too much for the type checker across modules.
            let handoff: JSONValue = first.map { .string(name($0.rule, s)) } ?? .null
            let side: JSONValue = first.map { .string($0.side == .send ? "send" : "receive") } ?? .null
            let roles: [JSONValue] = r.roles.map { role in
                .object([("handoff", .string(name(role.rule, s))), ("side", .string(role.side == .send ? "send" : "receive"))])
            }
            return .object([
                ("source", .string(s.sourceName(r.position.source))), ("line", .count(r.position.line)),
                ("time", .string(TimeText.rfc3339(r.time))), ("service", .string(r.service)),
                ("event", .optional(r.event)), ("handoff", handoff), ("side", side), ("roles", .array(roles)),
                ("raw", .string(r.raw)), ("raw_cut", .count(r.rawCut)),
            ])
        }
        let verdicts: [JSONValue] = j.verdicts.map { f in
            let finding = JSONReport.finding(f, summary: s)
            var near: JSONValue = .null
            if case .object(let fields) = finding, let n = fields.first(where: { $0.0 == "near_miss" }) { near = n.1 }
            return .object([
                ("handoff", .string(name(f.rule, s))), ("verdict", .string(f.verdict.rawValue)),
                ("send", f.send.map { .string(s.place($0.position)) } ?? .null),
                ("receive", f.receive.map { .string(s.place($0.position)) } ?? .null),
                ("send_time", f.send.map { .string(TimeText.rfc3339($0.time)) } ?? .null),
                ("receive_time", f.receive.map { .string(TimeText.rfc3339($0.time)) } ?? .null),
                ("latency_ms", .milliseconds(f.latency)),
                ("near_miss", near),
                ("text", .string(verdictText(f, s))),
                ("why", .string(FindingText.why(f, summary: s))),
            ])
        }
        return JSONValue.object([
            ("key", .string(j.key)), ("records", .array(records)), ("records_capped", .bool(j.recordsCapped)),
            ("verdicts", .array(verdicts)),
            ("complete", .bool(!s.incompleteReasons.contains { $0.cause == .inputNotReadWhole })),
        ]).text(pretty: pretty)
    }

    /// The verdict in a few words: `payment: confirmed in 37ms`, `payment: unconfirmed: no
    /// receive by T; nearest receive of this key +3.2s in payments (payments.log:8)`; other
    /// kinds with their full sentence (`FindingText`).
    package static func verdictText(_ f: Finding, _ s: Summary) -> String {
        let h = name(f.rule, s)
        guard let rule = s.rule(of: f) else { return "\(h): \(f.verdict.rawValue)" }
        let wg = rule.within.addingSaturating(rule.grace)
        let latency = f.latency.map { DurationText.approximate($0) } ?? "?"
        let miss = s.nearMiss(of: f).map { m in
            "; nearest \(m.verdict == .orphan || m.verdict == .uncoveredReceive ? "receive" : "send") of this key "
                + "\(Summary.signed(m.offset)) in \(m.service) (\(s.place(m.position)))"
        } ?? ""
        switch f.verdict {
        case .confirmed:
            return "\(h): confirmed in \(latency)"
        case .late:
            return "\(h): late: confirmed after \(latency), past within \(DurationText.text(rule.within))"
        case .unconfirmed:
            let by = f.send.map { " by \(TimeText.rfc3339($0.time.addingSaturating(wg)))" } ?? ""
            return "\(h): unconfirmed: no receive\(by)" + miss + s.rejectedClause(f)
        case .orphan:
            let since = f.receive.map { " since \(TimeText.rfc3339(($0.time).subtractingSaturating(wg)))" } ?? ""
            return "\(h): orphan: no send\(since)" + miss + s.rejectedClause(f)
        default:
            return "\(h): \(f.verdict.rawValue): " + FindingText.why(f, summary: s)
        }
    }

    /// For each record, the verdicts to print after it (each after the last of its sides'
    /// records), and the verdicts none of whose sides is among the records.
    static func placement(_ j: KeyJourney) -> ([[Int]], [Int]) {
        var index: [InputPosition: Int] = [:]
        for (i, r) in j.records.enumerated() { index[r.position] = i }
        var after = [[Int]](repeating: [], count: j.records.count)
        var unplaced: [Int] = []
        for (v, f) in j.verdicts.enumerated() {
            let at = [f.send, f.receive].compactMap { $0.flatMap { index[$0.position] } }.max()
            if let at { after[at].append(v) } else { unplaced.append(v) }
        }
        return (after, unplaced)
    }

    private static func name(_ rule: Int32, _ s: Summary) -> String {
        rule >= 0 && Int(rule) < s.handoffs.count ? s.handoffs[Int(rule)].rule.name : "#\(rule)"
    }

    /// The key fields of the spec's handoffs, each once.
    static func keyFields(_ s: Summary) -> [String] {
        var out: [String] = []
        for h in s.handoffs {
            for p in [h.rule.sendKey.text, h.rule.receiveKey.text] where !out.contains(p) { out.append(p) }
        }
        return out
    }
}
