import ArgumentParser
import Glibc
import Seam

/// `seam check`: a batch check over archives; the summary, then the exit code CI keys on.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check archived logs for torn handoffs.",
        discussion: """
            PATH is a file (gzip or plain), a folder (read recursively) or - for stdin. \
            Exit codes: 0 no gap, 1 gaps (--fail-on), 2 usage or spec error, 3 input not read whole.
            """)

    @OptionGroup var shared: SharedOptions

    @Option(help: "Output format: text, json, jsonl or markdown.")
    var format: ReportFormat = .text

    @Option(name: .customLong("fail-on"), help: ArgumentHelp(
        "Finding kinds that make the exit code 1, comma-separated (e.g. unconfirmed,orphan,late; also gaps, defects, all).",
        valueName: "KINDS"))
    var failOn: String = "gaps"

    @Option(help: "Examples kept per verdict kind and handoff (>= 0).")
    var examples: Int = 5

    @Flag(name: .customLong("allow-unjudged"), help: ArgumentHelp(
        "A handoff that could not be judged (its services or events appear in no record) does not make the run incomplete (exit 3): for a spec that covers more services than the logs at hand."))
    var allowUnjudged = false

    @Option(help: "Threads to decode on, 1 to 256 (default: the cores online); results do not depend on it.")
    var threads: Int = min(RunOptions.onlineCores, Check.maxThreads)

    /// More decode threads than this bring nothing (each source decodes on one at most) and
    /// each costs a stack and a queue of steps.
    static let maxThreads = 256

    @Argument(help: "Files, folders or - (stdin).")
    var paths: [String] = []

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("no input: give files, folders or - for stdin") }
        guard examples >= 0 else { throw ValidationError("--examples must be >= 0, got \(examples)") }
        guard threads >= 1 && threads <= Check.maxThreads else {
            throw ValidationError("--threads must be 1 to \(Check.maxThreads), got \(threads)")
        }
        _ = try FailOn.parse(failOn)
    }

    func run() throws {
        let spec = try shared.loadSpec()
        let kinds = try FailOn.parse(failOn)
        var options = shared.runOptions()
        options.examplesPerKind = examples
        options.threads = threads
        options.allowUnjudged = allowUnjudged
        let collector = FindingCollector(keepAll: format == .jsonl)
        let check = HandoffCheck(spec: spec, options: options, sink: collector)
        let progress = ProgressLine(paths: paths)
        let summary = check.run(paths: paths, services: try shared.services(),
                                progress: progress.map { p in { p.update(bytes: $0) } })
        progress?.finish()
        let code = summary.exitCode(failOn: kinds)
        let out = Output.standard
        out.exitCodeOnClosedPipe = code
        reportInputProblems(summary)
        switch format {
        case .text: out.write(TextReport.render(summary, color: useColor(for: out)))
        case .json: out.write(JSONReport.render(summary) + "\n")
        case .jsonl: out.write(JSONLinesReport.render(findings: collector.findings, summary: summary))
        case .markdown: out.write(MarkdownReport.render(summary))
        }
        out.flush()
        if code != 0 { throw ExitCode(code) }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, jsonl, markdown
}

/// The finding kinds that fail a run.
enum FailOn {
    static func parse(_ text: String) throws -> Set<Verdict> {
        var kinds = Set<Verdict>()
        for word in text.split(separator: ",").map({ String($0).trimmingSpaces() }) where !word.isEmpty {
            switch word {
            case "gaps": kinds.formUnion([.unconfirmed, .orphan])
            case "defects": kinds.formUnion([.late, .duplicate, .disagree])
            case "all": kinds.formUnion([.unconfirmed, .orphan, .late, .duplicate, .disagree])
            case "uncovered": kinds.formUnion([.uncoveredSend, .uncoveredReceive])
            case "unkeyed": kinds.formUnion([.unkeyedSend, .unkeyedReceive])
            case "evicted": kinds.formUnion([.evictedSend, .evictedReceive])
            case "none": break
            default:
                let w = String(word.map { $0 == "-" ? "_" : $0 })
                guard let v = Verdict(rawValue: w) ?? Verdict(rawValue: String(w.dropLast())) else {
                    throw ValidationError("--fail-on: unknown kind '\(word)' (kinds: gaps, defects, all, none, \(Verdict.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                kinds.insert(v)
            }
        }
        return kinds
    }
}

/// Keeps findings for `--format jsonl` (every non-confirmed finding is printed).
final class FindingCollector: FindingSink {
    let keepAll: Bool
    private(set) var findings: [Finding] = []
    init(keepAll: Bool) { self.keepAll = keepAll }
    var wantsConfirmed: Bool { false }
    func found(_ finding: Finding) {
        if keepAll && finding.verdict != .confirmed { findings.append(finding) }
    }
    func discardFindings() { findings.removeAll() }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// Input errors, and records that could not be given a service, as `seam: path:line: error:`
/// lines on stderr (the summary carries them too).
func reportInputProblems(_ summary: Summary) {
    for e in summary.total.errors {
        let place = "\(e.source)\(e.offset.map { ": byte \($0)" } ?? "")"
        // A symlink loop loses nothing: a warning, not an error.
        if e.code == .symlinkLoop { Diagnostics.warning("\(place): \(e.message)") }
        else { Diagnostics.error("\(place): error: \(e.message)") }
    }
    for s in summary.sources {
        guard let n = s.stats.rejected[.noService], n > 0, let line = s.stats.firstRejectedLine[.noService] else { continue }
        Diagnostics.error("\(s.name):\(line): error: \(n) record\(n == 1 ? "" : "s") without a service field"
            + (s.name == "-" ? " (stdin has no file name to take one from; add a service field, or --service NAME=-)"
                             : " (add one, or name it with --service NAME=\(s.name))"))
    }
}
