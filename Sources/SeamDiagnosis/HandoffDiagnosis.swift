@_spi(SeamStages) import SeamCorrelation
import SeamSpec
@_spi(SeamStages) import SeamRecords

/// Why a handoff could not be judged (SEMANTICS.md "Gaps, defects, exit codes", cause 4), in
/// words that point at the likely mistake: a service, event or key field the spec names that
/// the input does not hold, with the nearest name it does hold.
///
/// A handoff could not be judged when no send or receive of it was judged: every one it saw was
/// uncovered or unkeyed, or it saw none (the run is then incomplete). A handoff one side of which
/// was never seen was judged, but its findings (all orphans, or all unconfirmed) most likely come
/// from the same kind of mistake: it gets a diagnosis too, as a caution.
package struct HandoffDiagnosis: Sendable, Equatable {
    package enum Cause: String, Sendable {
        /// The spec's `from` or `to` service appears in no record.
        case serviceNotSeen = "service-not-seen"
        /// The service logged, but no record of it matched the side's `send`/`receive`.
        case eventNotSeen = "event-not-seen"
        /// Sends or receives matched, but none carried the key field.
        case keyNotSeen = "key-not-seen"
        /// Every send or receive seen was uncovered: the other side was not logging then.
        case neverCovered = "never-covered"
    }

    package struct Reason: Sendable, Equatable {
        package var cause: Cause
        /// `send` or `receive`.
        package var side: String
        /// The name the spec gives (service, event or field path).
        package var name: String
        /// The nearest name the input held, when close enough to be a typo.
        package var nearest: String?
        /// Names the input held there (at most 8, most frequent first).
        package var seen: [String]
        package var message: String
    }

    package var handoff: String
    /// True when nothing of the handoff was judged (SEMANTICS.md cause 4: the run is
    /// incomplete); false when only one side was never seen (a caution on its findings).
    package var couldNotBeJudged: Bool
    package var reasons: [Reason]

    /// Judged observations of a tally: everything but uncovered, unkeyed and evicted.
    static func judged(_ t: HandoffTally) -> UInt64 {
        t[.confirmed] + t[.late] + t[.unconfirmed] + t[.orphan] + t[.duplicate] + t[.repeat]
    }

    /// Whether `tally` needs a diagnosis: nothing judged, or one side never seen with a key
    /// (no keyed send, or no keyed receive). Cheap: decide with it whether to sample the input.
    package static func needed(_ tally: HandoffTally) -> Bool {
        if tally[.evictedSend] + tally[.evictedReceive] > 0 { return false }
        return judged(tally) == 0 || tally.sent == 0 || tally.received == 0
    }

    /// The diagnosis of `tally`'s handoff, or nil when it needs none (see `needed`).
    package static func diagnose(_ tally: HandoffTally, sample: InputSample) -> HandoffDiagnosis? {
        guard needed(tally) else { return nil }
        let nothingJudged = judged(tally) == 0
        let rule = tally.rule
        var reasons: [Reason] = []
        let services = sample.serviceNames
        for (side, service, predicate, key, seen, unkeyed, uncovered) in [
            ("send", rule.from, rule.send, rule.sendKey, tally.sent, tally[.unkeyedSend], tally[.uncoveredSend]),
            ("receive", rule.to, rule.receive, rule.receiveKey, tally.received, tally[.unkeyedReceive],
             tally[.uncoveredReceive]),
        ] {
            // A side judged at least once, or seen keyed while the other side was judged, is fine.
            if !nothingJudged && seen > 0 { continue }
            // A wildcard side (issue 16) is any service: no name to miss; its events and fields
            // are those of every service sampled.
            let wild = (side == "send" ? rule.fromParty : rule.toParty).isWildcard
            let otherWild = (side == "send" ? rule.toParty : rule.fromParty).isWildcard
            if !wild && sample.services[service] == nil {
                let near = NearestName.suggest(service, among: services)
                reasons.append(Reason(
                    cause: .serviceNotSeen, side: side, name: service, nearest: near, seen: Array(services.prefix(8)),
                    message: "'\(service)' appears in no record"
                        + (near.map { "; did you mean '\($0)'?" } ?? "")
                        + (services.isEmpty ? "" : " (services seen: \(list(services)))")))
                continue
            }
            if uncovered > 0 && uncovered == seen {
                let other = otherWild ? "every service of the other side" : side == "send" ? rule.to : rule.from
                // An unseen other side was named above or is named next: that is the cause.
                if !otherWild && sample.services[other] == nil { continue }
                reasons.append(Reason(
                    cause: .neverCovered, side: side, name: service, nearest: nil, seen: [],
                    message: "every \(side) was uncovered: '\(other)' was not logging through their windows"))
                continue
            }
            if unkeyed > 0 {
                let fields = (wild ? sample.fields.values.reduce(into: Set<String>()) { $0.formUnion($1) }
                              : sample.fields[service] ?? []).sorted()
                let near = NearestName.suggest(key.text, among: fields)
                reasons.append(Reason(
                    cause: .keyNotSeen, side: side, name: key.text, nearest: near, seen: Array(fields.prefix(8)),
                    message: "\(unkeyed) \(side)\(unkeyed == 1 ? "" : "s") of '\(service)' had no '\(key.text)' field"
                        + (near.map { "; did you mean '\($0)'?" } ?? "")
                        + (fields.isEmpty ? "" : " (fields seen: \(list(fields)))")))
                continue
            }
            // The service logged, but nothing of it matched this side.
            let events = wild ? sample.allEventNames : sample.eventNames(of: service)
            if case .event(let name) = predicate {
                let near = NearestName.suggest(name, among: events)
                reasons.append(Reason(
                    cause: .eventNotSeen, side: side, name: name, nearest: near, seen: Array(events.prefix(8)),
                    message: "no '\(name)' event in '\(service)'"
                        + (near.map { "; did you mean '\($0)'?" } ?? "")
                        + (!events.isEmpty ? " (events seen: \(list(events)))"
                            : sample.sourcesSampled > 0 ? " (its records carry no event field)" : "")))
            } else {
                reasons.append(Reason(
                    cause: .eventNotSeen, side: side, name: "\(side) predicate", nearest: nil, seen: Array(events.prefix(8)),
                    message: "no record of '\(service)' matched the \(side) predicate"
                        + (events.isEmpty ? "" : " (events seen: \(list(events)))")))
            }
        }
        if reasons.isEmpty {
            reasons.append(Reason(cause: .eventNotSeen, side: "send", name: rule.name, nearest: nil, seen: [],
                                  message: "no send or receive of it was seen"))
        }
        return HandoffDiagnosis(handoff: rule.name, couldNotBeJudged: nothingJudged, reasons: reasons)
    }

    private static func list(_ names: [String]) -> String {
        names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", ..." : "")
    }
}
