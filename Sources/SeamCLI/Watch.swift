import ArgumentParser
import Dispatch
import Glibc
@_spi(SeamStages) import Seam
import SeamMetrics

/// `seam watch`: a live watch on pipes and growing files; findings as soon as decided.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch live logs and print each torn handoff as soon as it is decided.",
        discussion: """
            Reads stdin when no PATH is given, e.g. kubectl logs -f deploy/orders | seam watch. \
            With --follow, files and folders are followed like tail -F (rotation, truncation, new files) until stopped. \
            At end of input, or on Ctrl-C (exit 130) or SIGTERM (exit 143), drains what was read, \
            prints the summary of everything decided and exits.
            """)

    @OptionGroup var shared: SharedOptions

    @Option(help: "Output format: text or jsonl.")
    var format: WatchFormat = .text

    @Option(help: "Disorder tolerated within one source before events count as out of order (e.g. 1s).")
    var reorder: String = "1s"

    @Option(help: "Event-time silence of a receiver with sends pending before a silent notice (e.g. 30s).")
    var idle: String = "30s"

    @Option(name: .customLong("fail-on"), help: "Finding kinds that make the exit code 1 (as for check: gaps, defects, not-judged, all, none or kinds; default: gaps).",
            transform: FailOn.parse)
    var failOn: Set<Verdict> = FailOn.gaps

    @Flag(help: "Follow files and folders like tail -F: read what is appended, through rotation and truncation; pick up new files in folders. Runs until stopped.")
    var follow = false

    @Option(help: "With --follow: wall time between looks at a file at its end and at the folders (e.g. 250ms).")
    var poll: String = "250ms"

    @Option(help: "With --follow: files found in folders are followed only when their name matches this pattern (e.g. '*.log'; keeps rotated copies out).")
    var include: String?

    @Option(name: .customLong("quiet-after"), help: "With --follow: a file that has not grown for this long (wall time) stops holding back the others' verdicts until it grows again (0: never).")
    var quietAfter: String = "10s"

    @Option(help: "Serve Prometheus metrics at http://ADDR:PORT/metrics and a health check at /healthz (e.g. 127.0.0.1:9464; port 0: any free port, printed on stderr).")
    var metrics: String?

    @Option(name: .customLong("health-stall"), help: "With --metrics: /healthz fails when lines keep coming but the watermark has not advanced for this long (wall time).")
    var healthStall: String = "5m"

    @Argument(help: "Files, folders or - (stdin, the default).")
    var paths: [String] = []

    func validate() throws {
        _ = try parseDurationOption(reorder, name: "--reorder")
        _ = try parseDurationOption(idle, name: "--idle")
        if try parseDurationOption(poll, name: "--poll") <= 0 {
            throw ValidationError("--poll must be more than 0")
        }
        _ = try parseDurationOption(quietAfter, name: "--quiet-after")
        _ = try parseDurationOption(healthStall, name: "--health-stall")
        if let metrics, MetricsServer.parse(metrics) == nil {
            throw ValidationError("--metrics: expected ADDR:PORT (e.g. 127.0.0.1:9464), got '\(metrics)'")
        }
    }

    func run() throws {
        // Ctrl-C or SIGTERM: drain what was read, print what was decided, exit 130 / 143. The
        // handlers go in first: a daemon stopped while it opens its inputs still gets a summary.
        let stop = StopSignals()
        let spec = try shared.loadSpec()
        var options = shared.runOptions()
        options.reorderBound = try parseDurationOption(reorder, name: "--reorder")
        options.idleBound = try parseDurationOption(idle, name: "--idle")
        let inputs = paths.isEmpty ? ["-"] : paths
        let (sources, inputErrors) = SourceWalker.expand(inputs, services: try shared.services())
        let printer = LivePrinter(spec: spec, sources: sources, format: format, color: useColor(for: Output.standard))
        var follow: FollowOptions?
        if self.follow {
            var f = FollowOptions()
            f.pollInterval = UInt64(try parseDurationOption(poll, name: "--poll"))
            f.include = include
            f.quietAfter = UInt64(try parseDurationOption(quietAfter, name: "--quiet-after"))
            follow = f
        }
        let watch = HandoffWatch(spec: spec, options: options, sink: printer, follow: follow)

        var server: MetricsServer?
        var watchMetrics: WatchMetrics?
        if let metrics, let (host, port) = MetricsServer.parse(metrics) {
            let m = WatchMetrics(spec: spec, stall: Double(try parseDurationOption(healthStall, name: "--health-stall")) / 1e9)
            watch.progress = m
            watch.pairObserver = m
            do {
                server = try MetricsServer(host: host, port: port, metrics: m)
            } catch {
                Diagnostics.error("--metrics \(metrics): cannot listen: \(error)")
                throw ExitCode(2)
            }
            watchMetrics = m
            Diagnostics.note("metrics on http://\(host.contains(":") ? "[\(host)]" : host):\(server!.port)/metrics")
        }

        stop.whenStopped { [watchMetrics] _ in
            watchMetrics?.stopping()
            watch.requestStop()
        }

        let (summary, stopped) = watch.run(sources: sources, inputErrors: inputErrors,
                                           folders: self.follow ? SourceWalker.folders(in: inputs) : [],
                                           services: try shared.services())
        let signal = stop.finishing()
        let code: Int32 = stopped ? StopSignals.exitCode(for: signal ?? SIGINT) : summary.exitCode(failOn: failOn)
        let out = Output.standard
        out.exitCodeOnClosedPipe = code
        reportInputProblems(summary)
        // Once, at the end: the verdicts near belated events may have been decided early.
        if let advice = summary.reorderAdvice { Diagnostics.warning(advice) }
        switch format {
        case .text: out.write("\n" + TextReport.render(summary, color: printer.color, width: textWidth(for: out)))
        case .jsonl: out.write(JSONLinesReport.summaryLine(summary) + "\n")
        }
        out.flush()
        // The last scrape may come while the summary is printed; then the server goes.
        server?.close()
        if code != 0 { throw ExitCode(code) }
    }
}

enum WatchFormat: String, ExpressibleByArgument, CaseIterable {
    case text, jsonl
}

/// Prints each finding (but confirmations) the moment the correlator decides it.
final class LivePrinter: FindingSink {
    let format: WatchFormat
    let color: Bool
    /// What the evidence needs before the run ends: source names and rules, no counts yet.
    private let context: Summary

    /// `watch` never starts a pass over: what was printed stands.
    func discardFindings() {}

    init(spec: HandoffSpec, sources: [SourceDescriptor], format: WatchFormat, color: Bool) {
        self.format = format
        self.color = color
        self.context = Summary(
            sources: sources.map { Summary.Source(name: $0.displayName, stats: SourceStats()) },
            inputErrors: [], coverage: [:],
            handoffs: spec.rules.map { HandoffTally(rule: $0, examplesPerKind: 0) })
    }

    var wantsConfirmed: Bool { false }

    func found(_ finding: Finding) {
        guard finding.verdict != .confirmed else { return }
        let out = Output.standard
        switch format {
        case .jsonl: out.write(JSONLinesReport.line(for: finding, summary: context) + "\n")
        case .text:
            let name = context.rule(of: finding)?.name ?? "?"
            let kind = color && finding.verdict.isGap ? "\u{1B}[31m\(finding.verdict.rawValue)\u{1B}[0m" : finding.verdict.rawValue
            out.write("\(kind) \(name): \(FindingText.why(finding, summary: context))\n")
        }
        out.flush()
    }

    func silent(service: String, since: Int64, pendingSends: Int) {
        let out = Output.standard
        switch format {
        case .jsonl: out.write(JSONLinesReport.silentLine(service: service, since: since, pendingSends: pendingSends) + "\n")
        case .text:
            out.write("silent \(service): nothing logged since \(TimeText.rfc3339(since)) while \(pendingSends) sends to it are pending\n")
        }
        out.flush()
    }
}
