@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamCorrelation

/// `--format text`: what an SRE reads first in an incident, at most `width` (100) columns.
///
/// Layout: a headline (gaps, defects, handoffs); a table of handoffs (sent, confirmed, late,
/// unconfirmed, orphan, duplicate, disagree, uncovered, p50, p99); "What tore": per handoff the
/// worst findings in words with evidence (unconfirmed, orphan, disagree, duplicate, late; up to
/// `examples` each, then how many more) and what was not judged; then input accounting, one
/// line when clean. ANSI colour only when `color` is true (the CLI decides: TTY, NO_COLOR).
/// Log content is shown with control characters replaced, so it cannot break the layout.
public enum TextReport {
    public static func render(_ s: Summary, color: Bool = false, width: Int = 100, examples: Int = 3) -> String {
        var out = Output(color: color, width: max(40, width))
        headline(s, &out)
        table(s, &out)
        whatTore(s, examples: max(0, examples), &out)
        clocks(s, &out)
        input(s, &out)
        return out.text
    }

    /// The lines being written, with colour applied only when asked for.
    struct Output {
        let color: Bool
        let width: Int
        var text = ""

        mutating func line(_ s: String = "") { text += s + "\n" }

        func paint(_ s: String, _ code: String) -> String { color && !s.isEmpty ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func bold(_ s: String) -> String { paint(s, "1") }
        func red(_ s: String) -> String { paint(s, "31") }
        func yellow(_ s: String) -> String { paint(s, "33") }
        func dim(_ s: String) -> String { paint(s, "2") }
    }

    private static func headline(_ s: Summary, _ out: inout Output) {
        let gaps = ReportText.count(s.gaps, "gap"), defects = ReportText.count(s.defects, "defect")
        let head = "Seam: \(s.gaps > 0 ? out.red(gaps) : gaps), \(s.defects > 0 ? out.yellow(defects) : defects)"
            + " in \(ReportText.count(UInt64(s.handoffs.count), "handoff"))"
            + (s.complete ? "" : "; " + out.red("run incomplete"))
        out.line(out.bold(head))
        out.line()
    }

    private static func table(_ s: Summary, _ out: inout Output) {
        guard !s.handoffs.isEmpty else {
            out.line("No handoffs in the spec: nothing to check.")
            out.line()
            return
        }
        let n = { (v: Verdict) in { (h: HandoffTally) in ReportText.grouped(h[v]) } }
        let latency = { (p: Double) in { (h: HandoffTally) in h.latency.value(atPercentile: p).map(DurationText.approximate) ?? "-" } }
        let columns: [(long: String, short: String, cell: (HandoffTally) -> String, tone: (HandoffTally) -> Int)] = [
            ("sent", "sent", { ReportText.grouped($0.sent) }, { _ in 0 }),
            ("confirmed", "conf", n(.confirmed), { _ in 0 }),
            ("late", "late", n(.late), { $0[.late] > 0 ? 2 : 0 }),
            ("unconfirmed", "unconf", n(.unconfirmed), { $0[.unconfirmed] > 0 ? 1 : 0 }),
            ("orphan", "orphan", n(.orphan), { $0[.orphan] > 0 ? 1 : 0 }),
            ("duplicate", "dup", n(.duplicate), { $0[.duplicate] > 0 ? 2 : 0 }),
            ("disagree", "disagr", n(.disagree), { $0[.disagree] > 0 ? 2 : 0 }),
            ("uncovered", "uncov", { ReportText.grouped($0[.uncoveredSend] + $0[.uncoveredReceive]) }, { _ in 0 }),
            ("p50", "p50", latency(50), { _ in 0 }),
            ("p99", "p99", latency(99), { _ in 0 }),
        ]
        // A handoff with a wildcard side is followed by one row per actual pair of services.
        let rows = tableRows(s)
        let names = rows.map(\.name)
        let cells = rows.map { row in columns.map { $0.cell(row.tally) } }
        func widths(_ labels: [String]) -> [Int] {
            labels.enumerated().map { i, l in max(l.count, cells.map { $0[i].count }.max() ?? 0) }
        }
        // Full labels two spaces apart when they fit; then one space; then short labels; then
        // the name column gives way.
        var labels = columns.map(\.long), gap = 2
        var w = widths(labels)
        var nameWidth = max("handoff".count, names.map(\.count).max() ?? 0)
        let total = { (w: [Int], gap: Int) in nameWidth + w.reduce(0) { $0 + gap + $1 } }
        if total(w, 2) > out.width {
            if total(w, 1) <= out.width {
                gap = 1
            } else {
                labels = columns.map(\.short)
                w = widths(labels)
                if total(w, 2) > out.width && total(w, 1) <= out.width { gap = 1 }
            }
        }
        if total(w, gap) > out.width { nameWidth = max(8, out.width - w.reduce(0) { $0 + gap + $1 }) }
        let sep = String(repeating: " ", count: gap)

        var header = ReportText.pad("handoff", nameWidth)
        for (i, l) in labels.enumerated() { header += sep + ReportText.pad(l, w[i], right: true) }
        out.line(out.bold(header))
        for (row, r) in rows.enumerated() {
            let h = r.tally
            var line = ReportText.pad(ReportText.fit(names[row], nameWidth), nameWidth)
            for (i, c) in columns.enumerated() {
                let cell = ReportText.pad(cells[row][i], w[i], right: true)
                let tone = c.tone(h)
                line += sep + (tone == 1 ? out.red(cell) : tone == 2 ? out.yellow(cell) : cell)
            }
            out.line(line)
        }
        if labels.contains("conf") {
            out.line(out.dim("conf = confirmed, unconf = unconfirmed, dup = duplicate, disagr = disagree, uncov = uncovered"))
        }
        out.line()
    }

    /// The table's rows: each handoff, then, when it has a wildcard side, each actual pair of
    /// services as `  a -> b` (`?`: unknown) with the same columns.
    static func tableRows(_ s: Summary) -> [(name: String, tally: HandoffTally)] {
        var rows: [(name: String, tally: HandoffTally)] = []
        for h in s.handoffs {
            rows.append((ReportText.printable(h.rule.name), h))
            guard h.rule.hasWildcard else { continue }
            for p in h.servicePairs {
                rows.append(("  " + ReportText.printable("\(p.from ?? "?") -> \(p.to ?? "?")"), p.tally))
            }
        }
        return rows
    }

    private static func whatTore(_ s: Summary, examples: Int, _ out: inout Output) {
        out.line(out.bold("What tore"))
        var any = false
        for h in s.handoffs {
            let torn = Verdict.torn.filter { h[$0] > 0 }
            let unjudged = Verdict.notJudged.filter { h[$0] > 0 }
            guard !torn.isEmpty || !unjudged.isEmpty else { continue }
            any = any || !torn.isEmpty
            let counts = torn.map { v in
                let text = "\(ReportText.grouped(h[v])) \(v.words(h[v]))"
                return v.isGap ? out.red(text) : out.yellow(text)
            }
            out.line()
            // A name longer than a line is cut here as in the table (JSON has it whole).
            let name = ReportText.fit(ReportText.printable(h.rule.name), out.width - 1)
            let head = out.bold(name) + ": " + (counts.isEmpty ? "nothing tore" : counts.joined(separator: ", "))
            out.line(ReportText.wrap(head, width: out.width, first: 0, indent: "    "))
            if let caution = s.caution(h) {
                let label = "  caution: "
                out.line(out.yellow(label + ReportText.wrap(caution, width: out.width, first: label.count, indent: "    ")))
            }
            for v in torn {
                let shown = (h.examples[v] ?? []).prefix(examples)
                for f in shown {
                    let label = "  - \(v.rawValue): "
                    let why = ReportText.printable(FindingText.why(f, summary: s))
                    out.line(label + ReportText.wrap(why, width: out.width, first: label.count, indent: "    "))
                }
                let more = h[v] - UInt64(shown.count)
                if more > 0 { out.line("  - ... and \(ReportText.grouped(more)) more \(v.words(more))") }
            }
            if !unjudged.isEmpty {
                let list = unjudged.map { "\(ReportText.grouped(h[$0])) \($0.words(h[$0]))" }.joined(separator: ", ")
                let label = "  not judged: "
                out.line(out.dim(label + ReportText.wrap(list, width: out.width, first: label.count, indent: "    ")))
            }
        }
        if !any {
            out.line()
            let seen = s.handoffs.contains { $0.sent + $0.received > 0 }
            // Never an all clear over a run that could not judge everything.
            out.line(!s.complete ? "No gap in what was judged, but the run is incomplete: see below."
                     : seen ? "Nothing tore: every judged send was confirmed in time and every judged receive had its send."
                          : "Nothing tore, but no handoff was seen: no event matched a send or a receive.")
        }
        out.line()
    }

    /// Only when the clocks certainly disagree: then it explains orphans and unconfirmed sends.
    private static func clocks(_ s: Summary, _ out: inout Output) {
        let skewed = s.clockSkews.filter(\.isSkewed)
        guard !skewed.isEmpty else { return }
        out.line(out.bold("Clocks"))
        for k in skewed {
            out.line("  - " + ReportText.wrap(ReportText.printable(k.sentence), width: out.width, first: 4, indent: "    "))
        }
        out.line()
    }

    private static func input(_ s: Summary, _ out: inout Output) {
        let t = s.total
        let read = "read \(ReportText.count(UInt64(s.sources.count), "source")), \(ReportText.count(t.lines, "line"))"
        let reordered = s.sources.filter(\.stats.reordered).map(\.name)
        let clean = t.errors.isEmpty && t.rejectedTotal == 0 && t.outOfOrder == 0
        if clean {
            out.line(out.bold("Input: ") + read + (t.lines > 0 ? ", all of them events" : ""))
        } else {
            out.line(out.bold("Input: ") + read + ": \(ReportText.count(t.events, "event")), "
                + "\(ReportText.grouped(t.rejectedTotal)) rejected")
            let reasons = RejectReason.allCases.filter { (t.rejected[$0] ?? 0) > 0 }
            let countWidth = reasons.map { ReportText.grouped(t.rejected[$0]!).count }.max() ?? 0
            let reasonWidth = reasons.map(\.rawValue.count).max() ?? 0
            for r in reasons {
                let first = s.firstRejection(r).map { "first at \(ReportText.printable($0))" } ?? ""
                out.line("  " + ReportText.pad(ReportText.grouped(t.rejected[r]!), countWidth, right: true) + " "
                    + ReportText.pad(r.rawValue, reasonWidth) + "  " + first)
            }
            if t.outOfOrder > 0 {
                out.line("  \(ReportText.count(t.outOfOrder, "event")) arrived behind their source's watermark "
                    + "(out of order), still correlated where open" + ReportText.lateness(t))
            }
            for e in t.errors {
                let label = e.code.isNote ? "  note: " : "  error: "
                out.line((e.code.isNote ? out.dim : out.red)(label + ReportText.wrap(ReportText.printable(e.description), width: out.width,
                                                         first: label.count, indent: "    ")))
            }
        }
        if !reordered.isEmpty {
            let label = "  reordered by time (not in time order): "
            out.line(label + ReportText.wrap(reordered.map(ReportText.printable).joined(separator: ", "),
                                             width: out.width, first: label.count, indent: "    "))
        }
        incomplete(s, &out)
    }

    /// Why the run is incomplete (exit 3), one line per reason; nothing when complete.
    private static func incomplete(_ s: Summary, _ out: inout Output) {
        let reasons = s.incompleteReasons
        guard !reasons.isEmpty else { return }
        out.line(out.red(out.bold("Run incomplete") + ": verdicts cover only what could be read and judged."))
        for r in reasons {
            let label = "  \(r.cause.rawValue): "
            out.line(out.red(label + ReportText.wrap(ReportText.printable(r.message), width: out.width,
                                                     first: label.count, indent: "    ")))
        }
    }
}
