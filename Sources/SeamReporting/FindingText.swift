@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamCorrelation

/// The "why" of a finding: one sentence in the user's words, with times and `source:line`.
///
/// e.g. unconfirmed: "orders sent payment.requested for request_id=abc at
/// 2026-11-29T12:00:01.234Z (orders.jsonl.gz:1042); payments, logging until
/// 2026-11-29T12:09:59.000Z, never confirmed it within 5s". Values from logs are quoted as
/// they are; renderers escape them for their format.
public enum FindingText {
    public static func why(_ f: Finding, summary: Summary) -> String {
        guard let rule = summary.rule(of: f) else {
            return "\(f.verdict.rawValue) for handoff #\(f.rule), which the summary does not hold"
        }
        let words = Words(f: f, rule: rule, summary: summary)
        // The actual services (issue 16); under a wildcard the unknown side of an unpaired
        // observation is every service that took that side of the handoff.
        let a = f.from ?? (rule.fromParty.isWildcard ? "no service" : rule.from)
        let b = f.to ?? (rule.toParty.isWildcard ? "no service" : rule.to)
        let aLogs = f.from ?? (rule.fromParty.isWildcard ? "every service that sends under this handoff" : rule.from)
        let bLogs = f.to ?? (rule.toParty.isWildcard ? "every service that receives under this handoff" : rule.to)
        let W = DurationText.text(rule.within), G = rule.grace, T = rule.tolerance
        switch f.verdict {
        case .confirmed:
            return "\(words.sent); \(b) confirmed it\(words.received)\(words.latency), within \(W)"
        case .late:
            return "\(words.sent); \(b) confirmed it\(words.received)\(words.latency), later than within \(W)"
        case .unconfirmed:
            let until = summary.lastLogged(b).map { ", logging until \(TimeText.rfc3339($0))," } ?? ""
            let grace = G > 0 ? " (nor in the \(DurationText.text(G)) of grace after)" : ""
            return "\(words.sent); \(b)\(until) never confirmed it within \(W)\(grace)" + summary.nearMissClause(f)
                + summary.rejectedClause(f)
        case .orphan:
            let after = T > 0 ? " (or the \(DurationText.text(T)) after)" : ""
            return "\(words.receivedAlone), but \(a) never sent it in the \(words.window) before\(after)"
                + summary.nearMissClause(f) + summary.rejectedClause(f)
        case .duplicate:
            return "\(b) received \(words.receiveWhat) for \(words.receiveKey) a second time\(words.received); "
                + "the send\(words.sentAt) was already confirmed"
        case .repeat:
            return "\(b) received \(words.receiveWhat) for \(words.receiveKey) again\(words.received); "
                + "the send\(words.sentAt) was already confirmed (a repeat: the handoff has once: false)"
        case .disagree:
            let diffs = f.fields.enumerated().map { i, label in
                i < f.values.count
                    ? "\(label) differs: \(a) sent \(f.values[i].send), \(b) got \(f.values[i].receive)"
                    : "\(label) differs"
            }
            let what = diffs.isEmpty ? "the agree fields differ" : diffs.joined(separator: "; ")
            return "\(what) (\(words.sendKey): sent\(words.sentAt), received\(words.received))"
        case .uncoveredSend:
            let end = f.send.map { " (until \(TimeText.rfc3339(saturating($0.time, rule.within, G, T))))" } ?? ""
            return "\(words.sent); not judged: the logs of \(bLogs) do not cover its whole window\(end)"
        case .uncoveredReceive:
            let start = f.receive.map { " (from \(TimeText.rfc3339(saturating($0.time, -rule.within, -G))))" } ?? ""
            return "\(words.receivedAlone); not judged: the logs of \(aLogs) do not cover its whole window\(start)"
        case .unkeyedSend:
            return "\(a) sent \(words.sendWhat)\(words.sentAt) without a \(rule.sendKey.text) field, so it cannot be paired "
                + "(not judged)"
        case .unkeyedReceive:
            return "\(b) received \(words.receiveWhat)\(words.received) without a \(rule.receiveKey.text) field, "
                + "so it cannot be paired (not judged)"
        case .evictedSend:
            return "\(words.sent); still open when the open-handoff limit (max-open) was reached, "
                + "so it was resolved early without a verdict"
        case .evictedReceive:
            return "\(words.receivedAlone); still open when the open-handoff limit (max-open) was reached, "
                + "so it was resolved early without a verdict"
        }
    }

    /// The event a predicate matches, as the spec wrote it: `payment.requested` or
    /// `[kind=payment, amount=5]`.
    package static func what(_ p: Predicate) -> String {
        switch p {
        case .event(let name): return name
        case .fields(let conditions):
            let parts = conditions.map { c -> String in
                switch c.test {
                case .equals(let v): return "\(c.path.text)=\(v)"
                case .matches(let p): return "\(c.path.text)~/\(p.source)/"
                case .contains(let v): return "\(c.path.text) contains \"\(v)\""
                case .oneOf(let vs): return "\(c.path.text) in [\(vs.joined(separator: ", "))]"
                case .exists(let e): return e ? "\(c.path.text) exists" : "no \(c.path.text)"
                }
            }
            return "[\(parts.joined(separator: ", "))]"
        case .any(let ps): return "any of (\(ps.map(what).joined(separator: "; ")))"
        case .all(let ps): return ps.map(what).joined(separator: " and ")
        case .not(let p): return "not \(what(p))"
        }
    }

    /// `request_id=abc`; a key that is empty or holds spaces or quotes is quoted.
    package static func keyText(_ path: FieldPath, _ key: String?) -> String {
        guard let key else { return "no \(path.text)" }
        let plain = !key.isEmpty && !key.unicodeScalars.contains { $0.value <= 0x20 || $0 == "\"" || $0.value == 0x7F }
        return "\(path.text)=" + (plain ? key : "\"\(key.replacingOccurrences(of: "\"", with: "\\\""))\"")
    }

    /// `t + a + b + ...`, each step clamped to the Int64 range (windows near the end of time).
    private static func saturating(_ t: Int64, _ terms: Int64...) -> Int64 {
        terms.reduce(t) { $0.addingSaturating($1) }
    }

    /// The phrases sentences are made of, for one finding.
    private struct Words {
        let f: Finding, rule: HandoffRule, summary: Summary

        var sendWhat: String { FindingText.what(rule.send) }
        var receiveWhat: String { FindingText.what(rule.receive) }
        var sendKey: String { FindingText.keyText(rule.sendKey, f.key) }
        var receiveKey: String { FindingText.keyText(rule.receiveKey, f.key) }
        /// ` at 2026-...Z (orders.log:12)`, or empty when there is no send evidence.
        var sentAt: String { f.send.map(at) ?? "" }
        var received: String { f.receive.map(at) ?? "" }
        var sent: String { "\(f.from ?? rule.from) sent \(sendWhat) for \(sendKey)\(sentAt)" }
        var receivedAlone: String { "\(f.to ?? rule.to) received \(receiveWhat) for \(receiveKey)\(received)" }
        var latency: String { f.latency.map { ", after \(DurationText.text($0))" } ?? "" }
        /// W + G, how far back a receive looks for its send.
        var window: String {
            let s = rule.within.addingReportingOverflow(rule.grace)
            return DurationText.text(s.overflow ? .max : s.partialValue)
        }

        func at(_ e: Finding.Evidence) -> String {
            " at \(TimeText.rfc3339(e.time)) (\(summary.place(e.position)))"
        }
    }
}
