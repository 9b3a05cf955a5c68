import ArgumentParser
import Foundation
@_spi(SeamStages) import Seam

/// `seam correlate`: stage two of a split run (issue 17): one partition's sorted rows -> a
/// partial summary.
struct Correlate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge one partition of observation rows (sorted by time) against the whole run's coverage.",
        discussion: """
            Reads rows from seam extract (one partition: every row whose hash mod N is this \
            partition, sorted with LC_ALL=C sort) from ROWS or stdin, plain or gzip, and writes \
            the partition's partial summary (one JSON line) to stdout for seam merge. Rows that \
            do not parse or are out of time order are counted as errors of the part: the merged \
            run is then incomplete (exit 3). Exits 0 once the part is written.
            """)

    @Option(name: .long, help: "The handoff spec (YAML) the rows were extracted with.")
    var spec: String = "seam.yaml"

    @Option(name: [.customLong("coverage"), .customLong("stats")], help: ArgumentHelp(
        "Coverage accounts of every source of the run (seam extract's, repeatable; lines not starting with { are skipped).",
        valueName: "FILE"))
    var coverage: [String] = []

    @Option(help: "This partition's number (0-based).")
    var partition: Int = 0

    @Option(help: "Number of partitions of the run.")
    var partitions: Int = 1

    @Option(help: "Examples kept per verdict kind and handoff (>= 0); the same for every part.")
    var examples: Int = 5

    @Option(name: .customLong("max-open"), help: "Open sends and receives held before the oldest are evicted (>= 1), per partition.")
    var maxOpen: Int = 1_000_000

    @Argument(help: "Rows file (plain or gzip); default: stdin.")
    var rows: String = "-"

    func validate() throws {
        guard !coverage.isEmpty else { throw ValidationError("--coverage: give the coverage accounts of every source of the run") }
        guard partitions >= 1, partition >= 0, partition < partitions else {
            throw ValidationError("--partition must be 0 to --partitions - 1, got \(partition) of \(partitions)")
        }
        guard examples >= 0, maxOpen >= 1 else { throw ValidationError("--examples must be >= 0 and --max-open >= 1") }
    }

    func run() throws {
        let (spec, text) = try Self.loadSpec(spec)
        let (accounts, problems) = PartFiles.accounts(coverage)
        var options = RunOptions()
        options.examplesPerKind = examples
        options.maxOpen = maxOpen
        let correlate = HandoffCorrelate(spec: spec, options: options, accounts: accounts, origin: rows)
        let source = rows == "-"
            ? SourceDescriptor(index: 0, location: .standardInput, displayName: "-", defaultService: nil)
            : SourceDescriptor(index: 0, location: .file(path: rows), displayName: rows, defaultService: nil)
        let reader = LineReader(source: source, maxLineLength: 1 << 30)
        correlate.run(reader: reader)
        reader.close()
        var part = correlate.finish(specText: text, specFile: self.spec, partition: partition, partitions: partitions)
        part.errors = problems + part.errors
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        Output.standard.write(String(decoding: try encoder.encode(part), as: UTF8.self) + "\n")
        Output.standard.flush()
        if Output.standard.failed {
            Diagnostics.error("writing the partial summary of partition \(partition) failed")
            throw ExitCode(3)
        }
    }

    /// The spec and its text, or exit 2 with every problem on stderr.
    static func loadSpec(_ path: String) throws -> (HandoffSpec, String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            Diagnostics.error("\(path): cannot read the spec")
            throw ExitCode(2)
        }
        let text = String(decoding: data, as: UTF8.self)
        return (try parseSpec(text, file: path), text)
    }

    static func parseSpec(_ text: String, file: String) throws -> HandoffSpec {
        do {
            return try SpecLoader.load(text: text, file: file)
        } catch let e as SpecErrors {
            for err in e.errors { Output.error.write("seam: \(err.description)\n") }
            Output.error.flush()
            throw ExitCode(2)
        }
    }
}
