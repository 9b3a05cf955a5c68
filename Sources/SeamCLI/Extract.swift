import ArgumentParser
import Foundation
@_spi(SeamStages) import Seam

/// `seam extract`: stage one of a split run (issue 17): observation rows and coverage accounts.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the observations of log files as rows, for seam correlate (a run split over many tasks).",
        discussion: """
            Rows (one line each, ObservationRow) go to stdout; each source's accounting, coverage \
            extents and the services taking part in each rule go to --coverage FILE as JSON lines, \
            or after the rows on stdout as lines starting with { when it is not given. \
            Then: partition the rows by their second field (hash mod N), sort each partition \
            (LC_ALL=C sort), seam correlate each, seam merge the parts. A source that cannot be read \
            whole is accounted as such (the merged run is then incomplete), as seam check does.
            """)

    @OptionGroup var shared: SharedOptions

    @Option(name: .customLong("coverage"), help: "Write the coverage accounts here (JSON lines) instead of stdout.")
    var coverage: String?

    @Option(name: .customLong("source-index"), help: "Index in the whole run of the first source given here (default 0): one task per file gives each its place in input order.")
    var sourceIndex: Int = 0

    @Option(name: .customLong("sources"), help: "Number of sources in the whole run, so that the merge names a missing one (default: those given here).")
    var sources: Int?

    @Option(help: ArgumentHelp("Read stdin (-, the one path) as the file NAME: its display name, and its service from the file name unless --service maps NAME (a driver streaming remote files).", valueName: "NAME"))
    var name: String?

    @Flag(help: "Only list the sources the paths expand to, in input order, as seam check would read them: a JSON line {\"source\": INDEX, \"path\": PATH} each, then the input errors as coverage accounts. Reads no file.")
    var list = false

    @Argument(help: "Files, folders or - (stdin), as seam check takes them.")
    var paths: [String] = []

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("no input: give files, folders or - for stdin") }
        guard sourceIndex >= 0 else { throw ValidationError("--source-index must be >= 0") }
        guard name == nil || paths == ["-"] else { throw ValidationError("--name names stdin: give - as the only path") }
    }

    func run() throws {
        let spec = try shared.loadSpec()
        let services = try shared.services()
        let (found, errors) = SourceWalker.expand(paths, services: services)
        let out = Output.standard
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if self.list {
            struct Listed: Encodable { var source: Int; var path: String }
            for d in found {
                guard case .file(let path) = d.location else { continue }
                out.write(String(decoding: try encoder.encode(Listed(source: d.index + sourceIndex, path: path)), as: UTF8.self) + "\n")
            }
            for (i, e) in errors.enumerated() {
                out.write(String(decoding: try encoder.encode(InputAccount(index: i, error: e)), as: UTF8.self) + "\n")
            }
            out.flush()
            return
        }
        let list = found.map { d in
            SourceDescriptor(index: d.index + sourceIndex, location: d.location, displayName: name ?? d.displayName,
                             defaultService: name.map { services[$0] ?? SourceWalker.serviceFromFileName($0) } ?? d.defaultService)
        }
        Output.standard.exitCodeOnClosedPipe = 3
        let accounts = HandoffExtract(spec: spec, options: shared.runOptions())
            .run(sources: list, inputErrors: errors, total: sources ?? (sourceIndex + list.count)) { out.write(bytes: $0) }
        var text = ""
        for a in accounts { text += String(decoding: try encoder.encode(a), as: UTF8.self) + "\n" }
        if let path = coverage {
            // Opened and written in place, not replaced by a rename as Foundation's createFile
            // does: `--coverage /dev/null` or a pipe must stay what it is (a rename once turned
            // this machine's /dev/null into a regular file).
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                Diagnostics.error("\(path): cannot write the coverage accounts (\(String(cString: strerror(errno))))")
                throw ExitCode(3)
            }
            let file = Output(fd: fd)
            file.write(text)
            file.flush()
            close(fd)
            if file.failed {
                Diagnostics.error("\(path): writing the coverage accounts failed; they are incomplete")
                throw ExitCode(3)
            }
        } else {
            out.write(text)
        }
        out.flush()
        if out.failed {
            Diagnostics.error("writing the rows failed (\(String(cString: strerror(errno)))); the rows of \(paths.joined(separator: " ")) are incomplete")
            throw ExitCode(3)
        }
        reportInputErrors(accounts)
    }

    private func reportInputErrors(_ accounts: [InputAccount]) {
        for a in accounts {
            for e in (a.error.map { [$0] } ?? []) + (a.stats?.errors ?? []) {
                let place = "\(e.source)\(e.offset.map { ": byte \($0)" } ?? "")"
                if e.code.isNote { Diagnostics.warning("\(place): \(e.message)") }
                else { Diagnostics.error("\(place): error: \(e.message)") }
            }
        }
    }
}

/// Reading the JSON lines of coverage files and partial summaries.
enum PartFiles {
    /// Every `{` line of `paths` as an account; lines that do not parse become input errors.
    static func accounts(_ paths: [String]) -> (accounts: [InputAccount], problems: [InputError]) {
        var accounts: [InputAccount] = []
        var problems: [InputError] = []
        let decoder = JSONDecoder()
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(InputError(code: .unreadable, source: path, offset: nil, message: "cannot read this coverage file"))
                continue
            }
            for (n, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where line.first == UInt8(ascii: "{") {
                do {
                    accounts.append(try decoder.decode(InputAccount.self, from: Data(line)))
                } catch {
                    problems.append(InputError(code: .unreadable, source: "\(path):\(n + 1)", offset: nil,
                                               message: "not a coverage account (cut short?): the sources it accounted for are missing"))
                }
            }
        }
        return (accounts, problems)
    }
}
