import ArgumentParser
import Dispatch
import Glibc
import Seam

/// `seam watch`: a live watch on pipes and growing files; findings as soon as decided.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch live logs and print each torn handoff as soon as it is decided.",
        discussion: """
            Reads stdin when no PATH is given, e.g. kubectl logs -f deploy/orders | seam watch. \
            At end of input, or on Ctrl-C (exit 130), prints the summary of everything decided.
            """)

    @OptionGroup var shared: SharedOptions

    @Option(help: "Output format: text or jsonl.")
    var format: WatchFormat = .text

    @Option(help: "Disorder tolerated within one source before events count as out of order (e.g. 1s).")
    var reorder: String = "1s"

    @Option(help: "Event-time silence of a receiver with sends pending before a silent notice (e.g. 30s).")
    var idle: String = "30s"

    @Option(name: .customLong("fail-on"), help: "Finding kinds that make the exit code 1 (as for check).")
    var failOn: String = "gaps"

    @Argument(help: "Files, folders or - (stdin, the default).")
    var paths: [String] = []

    func validate() throws {
        _ = try parseDurationOption(reorder, name: "--reorder")
        _ = try parseDurationOption(idle, name: "--idle")
        _ = try FailOn.parse(failOn)
    }

    func run() throws {
        let spec = try shared.loadSpec()
        var options = shared.runOptions()
        options.reorderBound = try parseDurationOption(reorder, name: "--reorder")
        options.idleBound = try parseDurationOption(idle, name: "--idle")
        let kinds = try FailOn.parse(failOn)
        let printer = LivePrinter(spec: spec, format: format, color: useColor(for: Output.standard))
        let watch = HandoffWatch(spec: spec, options: options, sink: printer)

        // Ctrl-C: stop reading, print what was decided, exit 130.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { watch.requestStop() }
        interrupt.resume()

        let inputs = paths.isEmpty ? ["-"] : paths
        let (summary, stopped) = watch.run(paths: inputs, services: try shared.services())
        printer.sources = summary.sources.map(\.name)
        let code: Int32 = stopped ? 130 : summary.exitCode(failOn: kinds)
        let out = Output.standard
        out.exitCodeOnClosedPipe = code
        for e in summary.total.errors {
            Diagnostics.error("\(e.source)\(e.offset.map { ": byte \($0)" } ?? ""): error: \(e.message)")
        }
        switch format {
        case .text: out.write("\n" + TextReport.render(summary, color: printer.color))
        case .jsonl: out.write("{\"summary\":" + JSONReport.render(summary) + "}\n")
        }
        out.flush()
        if code != 0 { throw ExitCode(code) }
    }
}

enum WatchFormat: String, ExpressibleByArgument, CaseIterable {
    case text, jsonl
}

/// Prints each finding (but confirmations) the moment the correlator decides it.
final class LivePrinter: FindingSink {
    let spec: HandoffSpec
    let format: WatchFormat
    let color: Bool
    /// Source names, for evidence; filled as the run learns them.
    var sources: [String] = []

    init(spec: HandoffSpec, format: WatchFormat, color: Bool) {
        self.spec = spec
        self.format = format
        self.color = color
    }

    func found(_ finding: Finding) {
        guard finding.verdict != .confirmed else { return }
        let out = Output.standard
        switch format {
        case .jsonl: out.write(FindingText.jsonLine(finding, rules: spec.rules, sources: sources) + "\n")
        case .text: out.write(FindingText.line(finding, rules: spec.rules, sources: sources, color: color) + "\n")
        }
        out.flush()
    }

    func silent(service: String, since: Int64, pendingSends: Int) {
        let out = Output.standard
        switch format {
        case .jsonl:
            out.write("{\"kind\":\"silent\",\"service\":\"\(service)\",\"since\":\"\(TimeText.format(since))\",\"pending_sends\":\(pendingSends)}\n")
        case .text:
            out.write("silent: \(service) has logged nothing since \(TimeText.format(since)) while \(pendingSends) sends to it are pending\n")
        }
        out.flush()
    }
}
