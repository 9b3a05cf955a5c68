import ArgumentParser
import Glibc
@_spi(SeamStages) import Seam

/// `seam check`: a batch check over archives; the summary, then the exit code CI keys on.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check archived logs for torn handoffs.",
        discussion: """
            PATH is a file (gzip or plain), a folder (read recursively) or - for stdin. \
            Exit codes: 0 no gap, 1 gaps (--fail-on), 2 usage or spec error, 3 input not read whole, \
            130 / 143 stopped by SIGINT / SIGTERM (the summary then holds what was decided so far). \
            Verdicts: docs/verdicts.md.
            """)

    @OptionGroup var shared: SharedOptions

    @Option(help: "Output format: text, json, jsonl or markdown.")
    var format: ReportFormat = .text

    /// Parsed once, when the arguments are (a bad kind is a usage error, exit 2).
    @Option(name: .customLong("fail-on"), help: ArgumentHelp(FailOn.help + " (default: gaps)", valueName: "KINDS"),
            transform: FailOn.parse)
    var failOn: Set<Verdict> = FailOn.gaps

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
    }

    func run() throws {
        let spec = try shared.loadSpec()
        var options = shared.runOptions()
        options.examplesPerKind = examples
        options.threads = threads
        options.allowUnjudged = allowUnjudged
        let collector = FindingCollector(keepAll: format == .jsonl, rules: spec.rules, examplesPerKind: examples)
        let check = HandoffCheck(spec: spec, options: options, sink: collector)
        let progress = ProgressLine(paths: paths)
        // SIGINT / SIGTERM: print what was decided so far (an incomplete run), exit 130 / 143.
        let stop = StopSignals { [self] sig in
            StopSignals.clearProgressLine()
            let (partial, findings) = collector.interrupted(by: sig, paths: paths)
            reportInputProblems(partial)
            write(partial, findings: findings)
            Glibc.exit(StopSignals.exitCode(for: sig))
        }
        let summary = check.run(paths: paths, services: try shared.services(),
                                progress: progress.map { p in { p.update(bytes: $0) } })
        stop.finishing()
        progress?.finish()
        let code = summary.exitCode(failOn: failOn)
        Output.standard.exitCodeOnClosedPipe = code
        reportInputProblems(summary)
        write(summary, findings: collector.findings)
        if code != 0 { throw ExitCode(code) }
    }

    /// The summary on stdout in the chosen format.
    private func write(_ summary: Summary, findings: [Finding]) {
        let out = Output.standard
        switch format {
        case .text: out.write(TextReport.render(summary, color: useColor(for: out), width: textWidth(for: out)))
        case .json: out.write(JSONReport.render(summary) + "\n")
        case .jsonl: out.write(JSONLinesReport.render(findings: findings, summary: summary))
        case .markdown: out.write(MarkdownReport.render(summary))
        }
        out.flush()
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, jsonl, markdown
}

/// The finding kinds that fail a run, by kind or by group (docs/verdicts.md, "Gaps, defects,
/// exit codes"). `all` is every kind but `confirmed`, the not-judged ones included.
enum FailOn {
    static let gaps: Set<Verdict> = [.unconfirmed, .orphan]
    static let defects: Set<Verdict> = [.late, .duplicate, .disagree]
    static let notJudged: Set<Verdict> = [.uncoveredSend, .uncoveredReceive, .unkeyedSend, .unkeyedReceive,
                                          .evictedSend, .evictedReceive, .repeat]
    static let all: Set<Verdict> = gaps.union(defects).union(notJudged)

    /// The `--fail-on` help: each group and what it holds.
    static let help = """
        Finding kinds that make the exit code 1, comma-separated: kinds (unconfirmed, orphan, late, \
        duplicate, disagree, uncovered, unkeyed, evicted, repeat; uncovered_send and the like for one side) \
        or groups: gaps = unconfirmed,orphan; defects = late,duplicate,disagree; \
        not-judged = uncovered,unkeyed,evicted,repeat; all = every kind but confirmed; none.
        """

    static func parse(_ text: String) throws -> Set<Verdict> {
        var kinds = Set<Verdict>()
        for word in text.split(separator: ",").map({ String($0).trimmingSpaces }) where !word.isEmpty {
            switch word {
            case "gaps": kinds.formUnion(gaps)
            case "defects": kinds.formUnion(defects)
            case "not-judged", "not_judged": kinds.formUnion(notJudged)
            case "all": kinds.formUnion(all)
            case "uncovered": kinds.formUnion([.uncoveredSend, .uncoveredReceive])
            case "unkeyed": kinds.formUnion([.unkeyedSend, .unkeyedReceive])
            case "evicted": kinds.formUnion([.evictedSend, .evictedReceive])
            case "none": break
            default:
                let w = String(word.map { $0 == "-" ? "_" : $0 })
                guard let v = Verdict(rawValue: w) ?? Verdict(rawValue: String(w.dropLast())) else {
                    throw ValidationError("--fail-on: unknown kind '\(word)' (kinds: gaps, defects, not-judged, all, none, \(Verdict.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                kinds.insert(v)
            }
        }
        return kinds
    }
}

/// Keeps findings for `--format jsonl` (every non-confirmed finding is printed), and tallies
/// every non-confirmed finding per rule for the summary of a run stopped by a signal.
///
/// `found` runs on the thread that correlates, `interrupted` on a signal handler's: a mutex
/// (uncontended but for that one call) guards both.
/// `@unchecked Sendable`: its findings and tallies are behind that mutex.
final class FindingCollector: FindingSink, @unchecked Sendable {
    let keepAll: Bool
    private let rules: [HandoffRule]
    private let examplesPerKind: Int
    private var all: [Finding] = []
    private var tallies: [HandoffTally]
    // Safe: C interop; a pthread object must not move, so it lives in its own allocation.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(keepAll: Bool, rules: [HandoffRule] = [], examplesPerKind: Int = 0) {
        self.keepAll = keepAll
        self.rules = rules
        self.examplesPerKind = examplesPerKind
        self.tallies = rules.map { HandoffTally(rule: $0, examplesPerKind: examplesPerKind) }
        pthread_mutex_init(mutex, nil)
    }

    var findings: [Finding] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return all
    }

    var wantsConfirmed: Bool { false }

    func found(_ finding: Finding) {
        guard finding.verdict != .confirmed else { return }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if keepAll { all.append(finding) }
        let r = Int(finding.rule)
        if tallies.indices.contains(r) { tallies[r].record(finding) }
    }

    func discardFindings() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        all.removeAll()
        tallies = rules.map { HandoffTally(rule: $0, examplesPerKind: examplesPerKind) }
    }

    /// The summary of a run stopped by `signal`: the findings decided so far, and an input error
    /// that makes the run incomplete (exit 3 semantics; the process then exits 128 + signal).
    /// Confirmed pairs are not counted on the way (too costly), so the summary says so.
    func interrupted(by signal: Int32, paths: [String]) -> (Summary, [Finding]) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let error = InputError(
            code: .interrupted, source: paths.joined(separator: " "), offset: nil,
            message: "stopped by \(StopSignals.name(of: signal)) before the input was read whole; "
                + "the findings below are those decided by then (confirmed pairs are not counted), "
                + "handoffs still open are left out")
        return (Summary(sources: [], inputErrors: [error], coverage: [:], handoffs: tallies), all)
    }
}

/// Input errors, and records that could not be given a service, as `seam: path:line: error:`
/// lines on stderr (the summary carries them too).
func reportInputProblems(_ summary: Summary) {
    for e in summary.total.errors {
        let place = "\(e.source)\(e.offset.map { ": byte \($0)" } ?? "")"
        // A symlink loop or a file named twice loses nothing: a warning, not an error.
        if e.code.isNote { Diagnostics.warning("\(place): \(e.message)") }
        else { Diagnostics.error("\(place): error: \(e.message)") }
    }
    for s in summary.sources {
        guard let n = s.stats.rejected[.noService], n > 0, let line = s.stats.firstRejectedLine[.noService] else { continue }
        Diagnostics.error("\(s.name):\(line): error: \(n) record\(n == 1 ? "" : "s") without a service field"
            + (s.name == "-" ? " (stdin has no file name to take one from; add a service field, or --service NAME=-)"
                             : " (add one, or name it with --service NAME=\(s.name))"))
    }
}
