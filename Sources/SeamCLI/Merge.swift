import ArgumentParser
import Foundation
@_spi(SeamStages) import Seam

/// `seam merge`: stage three of a split run (issue 17): partial summaries -> the summary
/// `seam check` prints on the same files, and its exit code.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the partial summaries of seam correlate into the summary seam check would print.",
        discussion: """
            PART files hold partial summaries (one JSON line each; several per file are fine). \
            --coverage takes the coverage accounts of seam extract. A partition missing or given \
            twice, a source without an account, a part that does not parse, or rows lost between \
            extract and correlate make the run incomplete (exit 3), with what is missing named. \
            Exit codes as seam check: 0, 1 (--fail-on), 2 usage or spec error, 3 incomplete.
            """)

    @Option(name: [.customLong("coverage"), .customLong("stats")], help: ArgumentHelp(
        "Coverage accounts of every source (seam extract's, repeatable).", valueName: "FILE"))
    var coverage: [String] = []

    @Option(help: "Output format: text, json or markdown.")
    var format: ReportFormat = .text

    /// Parsed once, when the arguments are (a bad kind is a usage error, exit 2), as in check.
    @Option(name: .customLong("fail-on"), help: ArgumentHelp(FailOn.help + " (default: gaps)", valueName: "KINDS"),
            transform: FailOn.parse)
    var failOn: Set<Verdict> = FailOn.gaps

    @Flag(name: .customLong("allow-unjudged"), help: "A handoff that could not be judged does not make the run incomplete.")
    var allowUnjudged = false

    @Argument(help: "Partial summary files.")
    var parts: [String] = []

    func validate() throws {
        guard !parts.isEmpty else { throw ValidationError("no partial summary given") }
        guard !coverage.isEmpty else { throw ValidationError("--coverage: give the coverage accounts of every source") }
        guard format != .jsonl else {
            throw ValidationError("--format jsonl lists every finding, which partial summaries do not keep: use text, json or markdown")
        }
    }

    func run() throws {
        var read: [PartialSummary] = []
        var problems: [InputError] = []
        let decoder = JSONDecoder()
        for path in parts {
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(InputError(code: .unreadable, source: path, offset: nil, message: "cannot read this partial summary"))
                continue
            }
            var any = false
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
                any = true
                do {
                    let p = try decoder.decode(PartialSummary.self, from: Data(line))
                    guard p.schema == PartialSummary.currentSchema else {
                        Diagnostics.error("\(path): partial summary schema \(p.schema), this seam reads \(PartialSummary.currentSchema)")
                        throw ExitCode(2)
                    }
                    read.append(p)
                } catch let e as ExitCode {
                    throw e
                } catch {
                    problems.append(InputError(code: .unreadable, source: path, offset: nil,
                                               message: "a line is not a partial summary (cut short? its correlate task failed?)"))
                }
            }
            if !any {
                problems.append(InputError(code: .unreadable, source: path, offset: nil,
                                           message: "holds no partial summary (its correlate task failed?)"))
            }
        }
        guard let first = read.first else {
            Diagnostics.error("no partial summary could be read: " + problems.map { "\($0.source) (\($0.message))" }.joined(separator: ", "))
            throw ExitCode(3)
        }
        if let other = read.first(where: { $0.spec != first.spec }) {
            Diagnostics.error("partial summaries of different specs (\(first.specFile) and \(other.specFile)): merge parts of one run")
            throw ExitCode(2)
        }
        let spec = try Correlate.parseSpec(first.spec, file: first.specFile)
        let (accounts, accountProblems) = PartFiles.accounts(coverage)
        let summary = Summary.merge(rules: spec.rules, parts: read, accounts: accounts,
                                    problems: problems + accountProblems, allowUnjudged: allowUnjudged)
        let code = summary.exitCode(failOn: failOn)
        Output.standard.exitCodeOnClosedPipe = code
        reportInputProblems(summary)
        let out = Output.standard
        switch format {
        case .text: out.write(TextReport.render(summary, color: useColor(for: out), width: textWidth(for: out)))
        case .json: out.write(JSONReport.render(summary) + "\n")
        case .markdown: out.write(MarkdownReport.render(summary))
        case .jsonl: break
        }
        out.flush()
        if code != 0 { throw ExitCode(code) }
    }
}
