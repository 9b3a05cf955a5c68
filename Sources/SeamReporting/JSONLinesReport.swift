@_spi(SeamStages) import SeamCorrelation

/// `--format jsonl`: one line per finding that is not plainly confirmed, then
/// `{"summary": <the schema 1 object>}` as the last line.
///
/// `watch` prints `line(for:summary:)` as each finding is decided and `summaryLine` at the end.
public enum JSONLinesReport {
    /// Every finding but `confirmed`, one per line in the order given, then the summary line.
    /// Ends with a newline.
    public static func render(findings: [Finding], summary: Summary) -> String {
        var out = ""
        for f in findings where f.verdict != .confirmed {
            out += line(for: f, summary: summary) + "\n"
        }
        return out + summaryLine(summary) + "\n"
    }

    /// One finding as a compact JSON object (the `examples` form), without a newline.
    public static func line(for finding: Finding, summary: Summary) -> String {
        JSONReport.finding(finding, summary: summary).text()
    }

    /// `{"summary":{...}}`, without a newline.
    public static func summaryLine(_ summary: Summary) -> String {
        JSONValue.object([("summary", JSONReport.object(summary))]).text()
    }

    /// The `silent` notice of `watch`: `{"kind":"silent","service":S,"since":TIME,"pending_sends":N,"why":S}`.
    public static func silentLine(service: String, since: Int64, pendingSends: Int) -> String {
        JSONValue.object([
            ("kind", .string("silent")), ("service", .string(service)), ("since", .string(TimeText.rfc3339(since))),
            ("pending_sends", .count(pendingSends)),
            ("why", .string("\(service) has logged nothing since \(TimeText.rfc3339(since)) while \(pendingSends) "
                + "\(pendingSends == 1 ? "send waits" : "sends wait") for it")),
        ]).text()
    }
}
