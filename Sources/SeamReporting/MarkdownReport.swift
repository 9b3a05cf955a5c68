@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamCorrelation

/// `--format markdown`: the text report for a postmortem or a pull-request comment.
///
/// Headings, a table of handoffs, findings as bullet lists with evidence, a Mermaid
/// `graph LR` of services whose edges carry each handoff's gaps (red when there are any), and
/// input accounting. Text from logs and the spec is escaped so that it cannot break the
/// markdown or the diagram.
public enum MarkdownReport {
    public static func render(_ s: Summary, examples: Int = 3) -> String {
        var out = ""
        let gaps = ReportText.count(s.gaps, "gap"), defects = ReportText.count(s.defects, "defect")
        out += "## Seam report\n\n"
        out += "**\(gaps), \(defects)** in \(ReportText.count(UInt64(s.handoffs.count), "handoff"))"
        let reasons = s.incompleteReasons
        out += reasons.isEmpty ? ".\n\n" : ". **Run incomplete:** verdicts cover only what could be read and judged.\n\n"
        for r in reasons { out += "- **\(r.cause.rawValue)**: \(escape(r.message))\n" }
        if !reasons.isEmpty { out += "\n" }
        table(s, &out)
        whatTore(s, examples: max(0, examples), &out)
        graph(s, &out)
        input(s, &out)
        return out
    }

    private static func table(_ s: Summary, _ out: inout String) {
        guard !s.handoffs.isEmpty else {
            out += "No handoffs in the spec: nothing to check.\n\n"
            return
        }
        out += "| Handoff | Sent | Confirmed | Late | Unconfirmed | Orphan | Duplicate | Disagree | Uncovered | p50 | p99 |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        // A handoff with a wildcard side is followed by one row per actual pair of services.
        for (name, h) in TextReport.tableRows(s) {
            let g = { (v: Verdict) in ReportText.grouped(h[v]) }
            let p = { (q: Double) in h.latency.value(atPercentile: q).map(DurationText.approximate) ?? "–" }
            let indented = name.hasPrefix("  ")
            let cells = [
                indented ? "↳ " + escape(String(name.dropFirst(2))) : escape(name), ReportText.grouped(h.sent), g(.confirmed), g(.late), g(.unconfirmed), g(.orphan),
                g(.duplicate), g(.disagree), ReportText.grouped(h[.uncoveredSend] + h[.uncoveredReceive]), p(50), p(99),
            ]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        out += "\n"
    }

    private static func whatTore(_ s: Summary, examples: Int, _ out: inout String) {
        out += "### What tore\n\n"
        var any = false
        for h in s.handoffs {
            let torn = Verdict.torn.filter { h[$0] > 0 }
            let unjudged = Verdict.notJudged.filter { h[$0] > 0 }
            guard !torn.isEmpty || !unjudged.isEmpty else { continue }
            any = any || !torn.isEmpty
            let counts = torn.map { "\(ReportText.grouped(h[$0])) \($0.words(h[$0]))" }
            out += "#### \(escape(h.rule.name)): \(counts.isEmpty ? "nothing tore" : counts.joined(separator: ", "))\n\n"
            if let caution = s.caution(h) { out += "> **Caution:** \(escape(caution))\n\n" }
            for v in torn {
                let shown = (h.examples[v] ?? []).prefix(examples)
                for f in shown { out += "- **\(v.rawValue)**: \(escape(FindingText.why(f, summary: s)))\n" }
                let more = h[v] - UInt64(shown.count)
                if more > 0 { out += "- … and \(ReportText.grouped(more)) more \(v.words(more))\n" }
            }
            if !unjudged.isEmpty {
                let list = unjudged.map { "\(ReportText.grouped(h[$0])) \($0.words(h[$0]))" }.joined(separator: ", ")
                out += "- _not judged: \(list)_\n"
            }
            out += "\n"
        }
        if !any {
            let seen = s.handoffs.contains { $0.sent + $0.received > 0 }
            out += !s.complete ? "No gap in what was judged, but the run is incomplete (above).\n\n"
                : seen ? "Nothing tore: every judged send was confirmed in time and every judged receive had its send.\n\n"
                        : "Nothing tore, but no handoff was seen: no event matched a send or a receive.\n\n"
        }
    }

    /// Services as nodes, handoffs as edges labelled `NAME: N gaps` (and defects when any).
    private static func graph(_ s: Summary, _ out: inout String) {
        guard !s.handoffs.isEmpty else { return }
        var ids: [String: String] = [:], used: Set<String> = [], order: [String] = []
        func id(_ service: String) -> String {
            if let known = ids[service] { return known }
            var base = String(String.UnicodeScalarView(service.unicodeScalars.map {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) ? $0 : "_"
            }))
            // Mermaid reads some words as syntax, and ids must not start with a digit.
            let reserved: Set<String> = ["end", "graph", "subgraph", "style", "class", "classdef", "click", "linkstyle", "flowchart", "direction", "default"]
            if base.isEmpty || base.first!.isNumber || reserved.contains(base.lowercased()) { base = "s_" + base }
            var candidate = base, n = 2
            while used.contains(candidate) { candidate = "\(base)_\(n)"; n += 1 }
            used.insert(candidate)
            ids[service] = candidate
            order.append(service)
            return candidate
        }
        var edges: [String] = [], red: [Int] = []
        // A handoff with a wildcard side draws one edge per actual pair (`?` for the unknown
        // side of unpaired observations), like a service graph whose edges are exact.
        for h in s.handoffs {
            for p in h.servicePairs {
                let a = id(p.from ?? "?"), b = id(p.to ?? "?")
                let t = p.tally
                var label = "\(h.rule.name): \(ReportText.count(t.gaps, "gap"))"
                if t.defects > 0 { label += ", \(ReportText.count(t.defects, "defect"))" }
                if t.gaps > 0 { red.append(edges.count) }
                edges.append("  \(a) -->|\"\(mermaidText(label))\"| \(b)")
            }
        }
        out += "### Services\n\n```mermaid\ngraph LR\n"
        for service in order { out += "  \(ids[service]!)[\"\(mermaidText(service))\"]\n" }
        out += edges.joined(separator: "\n") + "\n"
        if !red.isEmpty { out += "  linkStyle \(red.map(String.init).joined(separator: ",")) stroke:#d00,stroke-width:2px\n" }
        out += "```\n\n"
    }

    private static func input(_ s: Summary, _ out: inout String) {
        let t = s.total
        out += "### Input\n\n"
        out += "Read \(ReportText.count(UInt64(s.sources.count), "source")), \(ReportText.count(t.lines, "line")): "
            + "\(ReportText.count(t.events, "event")), \(ReportText.grouped(t.rejectedTotal)) rejected.\n\n"
        var items: [String] = []
        for r in RejectReason.allCases where (t.rejected[r] ?? 0) > 0 {
            let first = s.firstRejection(r).map { ", first at `\(code($0))`" } ?? ""
            items.append("- \(ReportText.grouped(t.rejected[r]!)) \(r.rawValue)\(first)")
        }
        if t.outOfOrder > 0 { items.append("- \(ReportText.count(t.outOfOrder, "event")) out of order, still correlated where open") }
        for e in t.errors { items.append("- **error**: \(escape(e.description))") }
        let reordered = s.sources.filter(\.stats.reordered).map { "`\(code($0.name))`" }
        if !reordered.isEmpty { items.append("- reordered by time: \(reordered.joined(separator: ", "))") }
        if !items.isEmpty { out += items.joined(separator: "\n") + "\n\n" }
    }

    /// Text safe inside markdown prose and table cells: markup characters backslash-escaped,
    /// line breaks and control characters made spaces. `>` and `#` only matter at the start of
    /// a line, where Seam's own markup always stands, so `orders->payments` stays as written.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in ReportText.printable(s).unicodeScalars {
            if "\\`*_[]<|~".unicodeScalars.contains(c) { out += "\\" }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// Text safe inside a code span: no backticks, no line breaks.
    static func code(_ s: String) -> String {
        ReportText.printable(s).replacingOccurrences(of: "`", with: "'")
    }

    /// Text safe inside a quoted Mermaid label: quotes and markup as entity codes.
    static func mermaidText(_ s: String) -> String {
        var out = ""
        for c in ReportText.printable(s).unicodeScalars {
            switch c {
            case "\"": out += "#quot;"
            case "#": out += "#35;"
            case "|": out += "#124;"
            case "<": out += "#lt;"
            case "`": out += "#96;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
