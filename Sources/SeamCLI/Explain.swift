import ArgumentParser
@_spi(SeamStages) import Seam

/// `seam explain KEY PATH...`: the journey of one key, with the verdicts `check` gives it.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the journey of one key: its records across services in time order, and its verdicts.",
        discussion: """
            Every record whose key field (of any handoff in the spec, either side) holds KEY, in time \
            order, with source:line, service, event and the line itself; between them the verdicts \
            those records took part in, exactly as `seam check` gives them. A finding's `key` and \
            `handoff` (JSON) are what to call it on. Exit codes: 0 the key was found, 1 no record \
            holds it, 2 usage or spec error, 3 some input could not be read whole.
            """)

    @OptionGroup var shared: SharedOptions

    @Option(help: "Output format: text or json.")
    var format: JourneyFormat = .text

    @Argument(help: "The key, as the logs write it (request_id=abc: abc).")
    var key: String

    @Argument(help: "Files, folders or - (stdin).")
    var paths: [String] = []

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("no input: give files, folders or - for stdin") }
    }

    func run() throws {
        let spec = try shared.loadSpec()
        let journey = KeyJourney.trace(spec: spec, key: key, paths: paths, services: try shared.services(),
                                       options: shared.runOptions())
        reportInputProblems(journey.summary)
        let out = Output.standard
        switch format {
        case .text: out.write(KeyJourneyReport.text(journey))
        case .json: out.write(KeyJourneyReport.json(journey) + "\n")
        }
        out.flush()
        let lost = journey.summary.total.errors.contains { !$0.code.isNote }
        let code: Int32 = lost ? 3 : journey.records.isEmpty && journey.verdicts.isEmpty ? 1 : 0
        Output.standard.exitCodeOnClosedPipe = code
        if code != 0 { throw ExitCode(code) }
    }
}

enum JourneyFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
