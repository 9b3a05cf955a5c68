import ArgumentParser
import Glibc
@_spi(SeamStages) import Seam
import SeamDiscovery

/// `seam discover`: reads the logs once and prints a draft spec of the handoffs they show.
struct Discover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Propose a spec from the logs: the handoffs they show, with the evidence.",
        discussion: """
            Reads PATHs as check does (files, folders, - for stdin, gzip) and prints a draft spec \
            that `seam check --spec` accepts as it is, each handoff with its confidence and evidence \
            in comments, then the events seen per service. --spec may hold only fields:, sources: \
            and derive: (how to read the logs); they are carried into the draft. \
            Exit codes: 0 handoffs proposed, 1 none found, 2 usage or spec error, 3 some input could \
            not be read whole (the draft is still printed).
            """)

    @Option(name: .long, help: "A spec whose fields:, sources: and derive: say how to read the logs (handoffs, if any, are ignored).")
    var spec: String?

    @Option(name: .customLong("service"), help: ArgumentHelp(
        "Service for records without a service field, by path: NAME=PATH (repeatable).", valueName: "NAME=PATH"))
    var serviceMappings: [String] = []

    @Option(help: "Output format: yaml (the draft spec) or json.")
    var format: DiscoverFormat = .yaml

    @Option(name: .customLong("min-confidence"), help: "Leave out handoffs below this confidence (0 to 1).")
    var minConfidence: Double = 0.5

    @Option(name: .customLong("max-handoffs"), help: "At most this many handoffs, the most confident first (>= 1).")
    var maxHandoffs: Int = 50

    @Option(name: .customLong("max-line"), help: "Longest line read, in bytes; longer lines are rejected too-long.")
    var maxLine: Int = 1 << 20

    @Argument(help: "Files, folders or - (stdin).")
    var paths: [String] = []

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("no input: give files, folders or - for stdin") }
        guard minConfidence >= 0 && minConfidence <= 1 else {
            throw ValidationError("--min-confidence must be 0 to 1, got \(minConfidence)")
        }
        guard maxHandoffs >= 1 else { throw ValidationError("--max-handoffs must be >= 1, got \(maxHandoffs)") }
        guard maxLine >= 1 && maxLine <= LineReader.maxLineLengthLimit else {
            throw ValidationError("--max-line must be 1 to \(LineReader.maxLineLengthLimit) bytes, got \(maxLine)")
        }
        _ = try SharedOptions.services(serviceMappings)
    }

    func run() throws {
        var inputSpec = HandoffSpec(rules: [])
        var carried: String?
        if let spec {
            do {
                inputSpec = try SpecLoader.loadInputs(path: spec)
                carried = DraftSpec.inputSections(of: try String(contentsOfFile: spec, encoding: .utf8))
            } catch let e as SpecErrors {
                for err in e.errors { Output.error.write("seam: \(err.description)\n") }
                Output.error.flush()
                throw ExitCode(2)
            }
        }
        var options = DiscoveryOptions()
        options.minConfidence = minConfidence
        options.maxHandoffs = maxHandoffs
        options.maxLineLength = maxLine
        let result = HandoffDiscovery(spec: inputSpec, options: options)
            .run(paths: paths, services: try SharedOptions.services(serviceMappings))
        for e in result.inputErrors + result.sources.flatMap(\.stats.errors) {
            let place = "\(e.source)\(e.offset.map { ": byte \($0)" } ?? "")"
            if e.code.isNote { Diagnostics.warning("\(place): \(e.message)") } else { Diagnostics.error("\(place): error: \(e.message)") }
        }
        let code: Int32 = !result.complete ? 3 : (result.handoffs.isEmpty ? 1 : 0)
        Output.standard.exitCodeOnClosedPipe = code
        switch format {
        case .yaml: Output.standard.write(DraftSpec.yaml(result, carried: carried, options: options))
        case .json: Output.standard.write(DraftSpec.json(result, carried: carried, options: options) + "\n")
        }
        Output.standard.flush()
        if result.handoffs.isEmpty {
            Diagnostics.warning("no handoff found: no two events share key values in a consistent order")
        }
        if code != 0 { throw ExitCode(code) }
    }
}

enum DiscoverFormat: String, ExpressibleByArgument, CaseIterable {
    case yaml, json
}
