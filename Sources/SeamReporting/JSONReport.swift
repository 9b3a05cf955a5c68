@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamCorrelation
import SeamDiagnosis

/// The summary as one JSON object, schema 1 (README "JSON schema").
///
/// Keys come in the documented order. Beyond the schema's keys it adds, which never change
/// their meaning: `input.sources_detail` (per source: name, bytes_in, bytes_decoded, lines,
/// events, rejected, out_of_order, reordered, complete), `input.reordered` (names),
/// `input.errors[].code`, `input.incomplete` (why the run is incomplete: [{cause, message,
/// handoff, count, names, first, last}], empty when `complete`), `handoffs[].unverified` ({agree label: pairs with the field
/// absent on a side}), `latency_ms.min`, `handoffs[].caution` (why its gaps may say little, or null), and `values` on each finding
/// ([{"field", "send", "receive"}] for disagree), `near_miss` on each finding (for an unconfirmed
/// send or orphan receive: where the other side of its key was, {kind, service, source, line,
/// time, offset_ms}, or null), `handoffs[].diagnosis.suggestions` (the within, grace or tolerance
/// that would pair its near misses), `rejected_nearby` on each finding and in
/// `handoffs[].diagnosis` (the other side's rejected lines in the windows of gaps), and
/// `sources_detail[].rejection_runs` / `rejection_runs_capped`, `sources_detail[].inflater` (what
/// decoded it: "zlib", "isal", "zstd", null for plain) and `input.inflater` (the run's gzip
/// inflater: "isal" or "zlib"). `input.rejected` lists every reason, 0 when
/// none. `clocks`: per pair of services that exchanged pairs, bounds on `clock(b) - clock(a)`
/// in ms and whether they exclude zero (`ClockSkew`). Examples come in `Verdict.reportOrder`, then by time.
public enum JSONReport {
    public static func render(_ s: Summary, pretty: Bool = false) -> String {
        object(s).text(pretty: pretty)
    }

    /// One finding, as in `examples` and in each `jsonl` line.
    public static func render(_ f: Finding, summary: Summary, pretty: Bool = false) -> String {
        finding(f, summary: summary).text(pretty: pretty)
    }

    static func object(_ s: Summary) -> JSONValue {
        .object([
            ("schema", .number("1")),
            ("input", input(s)),
            ("handoffs", .array(s.handoffs.map { handoff($0, summary: s) })),
            ("totals", .object([("gaps", .count(s.gaps)), ("defects", .count(s.defects))])),
            ("clocks", .array(s.clockSkews.map(clock))),
        ])
    }

    /// Offset bounds in ms (`null` when unbounded) and whether they exclude zero.
    private static func clock(_ k: ClockSkew) -> JSONValue {
        .object([
            ("a", .string(k.a)), ("b", .string(k.b)),
            ("offset_ms", .object([
                ("min", .milliseconds(k.lower)),
                ("max", .milliseconds(k.upper)),
            ])),
            ("skewed", .bool(k.isSkewed)),
            ("handoffs", .array(k.handoffs.map { .string($0) })),
        ])
    }

    private static func rejected(_ stats: SourceStats) -> JSONValue {
        .object(RejectReason.allCases.map { ($0.rawValue, .count(stats.rejected[$0] ?? 0)) })
    }

    /// One reason the run is incomplete: every key always present (null or empty when unused).
    private static func incomplete(_ r: IncompleteReason) -> JSONValue {
        .object([
            ("cause", .string(r.cause.rawValue)), ("message", .string(r.message)),
            ("handoff", .optional(r.handoff)), ("count", .count(r.count)),
            ("names", .array(r.names.map { .string($0) })),
            ("first", r.first.map { .string(TimeText.rfc3339($0)) } ?? .null),
            ("last", r.last.map { .string(TimeText.rfc3339($0)) } ?? .null),
        ])
    }

    private static func input(_ s: Summary) -> JSONValue {
        let t = s.total
        let reasons = s.incompleteReasons
        let errors: [JSONValue] = t.errors.map { e in
            .object([
                ("source", .string(e.source)), ("offset", e.offset.map { .count($0) } ?? .null),
                ("message", .string(e.message)), ("code", .string(e.code.rawValue)),
            ])
        }
        let detail: [JSONValue] = s.sources.map { src in
            let st = src.stats
            return .object([
                ("name", .string(src.name)), ("bytes_in", .count(st.bytesIn)), ("bytes_decoded", .count(st.bytesDecoded)),
                ("lines", .count(st.lines)), ("events", .count(st.events)), ("rejected", rejected(st)),
                ("out_of_order", .count(st.outOfOrder)), ("reordered", .bool(st.reordered)),
                ("complete", .bool(st.errors.allSatisfy { $0.code.isNote })),
                ("rejection_runs", .array(st.rejectionRuns.map(rejectionRun))),
                ("rejection_runs_capped", .bool(st.rejectionRunsCapped)),
                ("inflater", st.inflater.map { .string($0) } ?? .null),
            ])
        }
        return .object([
            ("sources", .count(s.sources.count)), ("lines", .count(t.lines)), ("events", .count(t.events)),
            ("rejected", rejected(t)), ("out_of_order", .count(t.outOfOrder)),
            ("out_of_order_max_behind_ms", t.outOfOrder > 0 ? .milliseconds(t.maxLateness) : .null),
            ("reorder_to_hold_all", t.outOfOrder > 0 ? .string(DurationText.text(ReportText.reorderToHold(t.maxLateness))) : .null),
            ("errors", .array(errors)),
            ("complete", .bool(reasons.isEmpty)),
            ("sources_detail", .array(detail)),
            ("reordered", .array(s.sources.filter(\.stats.reordered).map { .string($0.name) })),
            ("incomplete", .array(reasons.map(incomplete))),
            ("inflater", .string(Inflater.preferred.rawValue)),
        ])
    }

    /// A tally's counts by their JSON names, in the documented order.
    private static let counts: [(String, Verdict)] = [
        ("confirmed", .confirmed), ("late", .late), ("unconfirmed", .unconfirmed), ("orphan", .orphan),
        ("duplicate", .duplicate), ("repeat", .repeat), ("disagree", .disagree),
        ("uncovered_sends", .uncoveredSend), ("uncovered_receives", .uncoveredReceive),
        ("unkeyed_sends", .unkeyedSend), ("unkeyed_receives", .unkeyedReceive),
        ("evicted_sends", .evictedSend), ("evicted_receives", .evictedReceive),
    ]

    private static func latency(_ l: LatencyDistribution) -> JSONValue {
        .object([
            ("p50", .milliseconds(l.value(atPercentile: 50))),
            ("p90", .milliseconds(l.value(atPercentile: 90))),
            ("p99", .milliseconds(l.value(atPercentile: 99))),
            ("max", .milliseconds(l.max)),
            ("min", .milliseconds(l.min)),
        ])
    }

    /// One actual pair of services of a handoff (issue 16): `from`/`to` null where unknown
    /// (`?`), then the handoff's count fields and latency.
    private static func pair(_ p: HandoffTally.ServicePair) -> JSONValue {
        .object(
            [("from", .optional(p.from)), ("to", .optional(p.to)),
             ("sent", .count(p.tally.sent)), ("received", .count(p.tally.received))]
                + counts.map { ($0.0, .count(p.tally[$0.1])) }
                + [("latency_ms", latency(p.tally.latency))])
    }

    private static func handoff(_ h: HandoffTally, summary: Summary) -> JSONValue {
        let r = h.rule
        let examples = Verdict.reportOrder.flatMap { h.examples[$0] ?? [] }
        return .object(
            [("name", .string(r.name)), ("from", .string(r.from)), ("to", .string(r.to)),
             ("sent", .count(h.sent)), ("received", .count(h.received))]
                + counts.map { ($0.0, .count(h[$0.1])) }
                + [
                    ("latency_ms", latency(h.latency)),
                    ("examples", .array(examples.map { finding($0, summary: summary) })),
                    ("unverified", .object(h.unverified.sorted { $0.key < $1.key }.map { ($0.key, .count($0.value)) })),
                    ("caution", summary.caution(h).map { .string($0) } ?? .null),
                    ("diagnosis", diagnosis(h, summary: summary)),
                    // Additive (issue 16): after the keys documented before it.
                    ("pairs", .array(h.servicePairs.map(pair))),
                ])
    }

    /// Why a handoff could not be judged, or one side of it was never seen, and the settings
    /// its near misses suggest (additive, schema 1); null when there is nothing to say.
    private static func diagnosis(_ h: HandoffTally, summary: Summary) -> JSONValue {
        let d = summary.diagnoses[h.rule.name]
        let advice = summary.nearMissAdvice(h)
        let rejected = summary.rejectedNeighbourhoods(h)
        guard d != nil || !advice.isEmpty || !rejected.isEmpty else { return .null }
        return .object([
            ("could_not_be_judged", .bool(d?.couldNotBeJudged ?? false)),
            ("reasons", .array((d?.reasons ?? []).map { r in
                .object([
                    ("cause", .string(r.cause.rawValue)), ("side", .string(r.side)), ("name", .string(r.name)),
                    ("nearest", r.nearest.map { .string($0) } ?? .null), ("seen", .array(r.seen.map { .string($0) })),
                    ("message", .string(r.message)),
                ])
            })),
            ("suggestions", .array(advice.flatMap { a in
                a.settings.map { setting in
                    .object([
                        ("setting", .string(setting.name)), ("value", .string(DurationText.text(setting.value))),
                        ("value_ms", .milliseconds(setting.value)), ("direction", .string(a.direction.rawValue)),
                        ("pairs", .count(a.pairs)),
                        ("lag_ms", .object([("min", .milliseconds(a.minLag)), ("max", .milliseconds(a.maxLag))])),
                        ("message", .string(summary.nearMissSentence(a, rule: h.rule))),
                    ])
                }
            })),
            ("rejected_nearby", .array(rejected.map { n in
                .object([
                    ("kind", .string(n.verdict.rawValue)), ("service", .string(n.service)), ("gaps", .count(n.gaps)),
                    ("touched", .count(n.touched)),
                    ("rejected", .array(n.rejected.map { nearby($0, summary: summary) })),
                    ("message", .string(summary.rejectedSentence(n))),
                ])
            })),
        ])
    }

    /// One source's run of rejected lines, placed by its neighbouring events.
    private static func rejectionRun(_ r: RejectionRun) -> JSONValue {
        .object([
            ("reason", .string(r.reason.rawValue)), ("count", .count(r.count)),
            ("first_line", .count(r.firstLine)), ("last_line", .count(r.lastLine)),
            ("earliest", r.earliest.map { .string(TimeText.rfc3339($0)) } ?? .null),
            ("latest", r.latest.map { .string(TimeText.rfc3339($0)) } ?? .null),
            ("services", .array(r.services.map { .string($0) })),
        ])
    }

    /// Rejected lines of one source and reason near a finding or the gaps of a handoff.
    private static func nearby(_ r: RejectedNearby, summary: Summary) -> JSONValue {
        .object([
            ("source", .string(summary.sourceName(r.source))), ("reason", .string(r.reason.rawValue)),
            ("count", .count(r.count)), ("first_line", .count(r.firstLine)), ("last_line", .count(r.lastLine)),
            ("earliest", .string(TimeText.rfc3339(r.earliest))), ("latest", .string(TimeText.rfc3339(r.latest))),
            ("services", .array(r.services.map { .string($0) })),
        ])
    }

    /// Where the other side of an unconfirmed send or orphan receive was (`NearMiss`), or null.
    private static func nearMiss(_ f: Finding, summary: Summary) -> JSONValue {
        guard let m = summary.nearMiss(of: f) else { return .null }
        return .object([
            ("kind", .string(m.verdict.rawValue)), ("service", .string(m.service)),
            ("source", .string(summary.sourceName(m.position.source))), ("line", .count(m.position.line)),
            ("time", .string(TimeText.rfc3339(m.time))), ("offset_ms", .milliseconds(m.offset)),
        ])
    }

    package static func finding(_ f: Finding, summary: Summary) -> JSONValue {
        func side(_ e: Finding.Evidence?) -> JSONValue {
            guard let e else { return .null }
            return .object([
                ("time", .string(TimeText.rfc3339(e.time))), ("source", .string(summary.sourceName(e.position.source))),
                ("line", .count(e.position.line)),
            ])
        }
        let values: [JSONValue] = zip(f.fields, f.values).map { field, v in
            .object([("field", .string(field)), ("send", .string(v.send)), ("receive", .string(v.receive))])
        }
        return .object([
            ("kind", .string(f.verdict.rawValue)),
            ("handoff", .string(summary.rule(of: f)?.name ?? "#\(f.rule)")),
            ("key", .optional(f.key)),
            ("send", side(f.send)), ("receive", side(f.receive)),
            ("latency_ms", .milliseconds(f.latency)),
            ("fields", .array(f.fields.map { .string($0) })),
            ("why", .string(FindingText.why(f, summary: summary))),
            ("values", .array(f.verdict == .disagree ? values : [])),
            ("near_miss", nearMiss(f, summary: summary)),
            ("rejected_nearby", .array(summary.rejectedNearby(f).map { nearby($0, summary: summary) })),
            // Additive (issue 16): the actual services of the finding's sides.
            ("from", .optional(f.from)), ("to", .optional(f.to)),
        ])
    }
}
