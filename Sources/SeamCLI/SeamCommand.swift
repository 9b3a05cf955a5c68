import ArgumentParser
import Glibc
@_spi(SeamStages) import Seam

/// `seam`: find where handoffs between services tear.
///
/// Exit codes (docs/verdicts.md): 0 no gap, 1 gaps, 2 usage or spec error, 3 input not read whole,
/// 130 / 143 stopped by SIGINT / SIGTERM.
struct SeamCommand: ParsableCommand {
    /// The one place the version is written; `seam --version` and `seam check --version` print it.
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "seam",
        abstract: "Find where handoffs between services tear.",
        discussion: """
            Seam reads the logs of many services (gzip or plain; files, folders, stdin), lines \
            their events up in time and reports every handoff where one side's claim was never \
            confirmed by the other. See README.md, and docs/verdicts.md for what each verdict means.

            Exit codes: 0 no gap, 1 gaps found (--fail-on), 2 usage or spec error, \
            3 some input could not be read whole (wins over 1), 130 stopped by SIGINT (Ctrl-C), \
            143 stopped by SIGTERM (e.g. Kubernetes); a stopped run still prints what was decided.
            """,
        version: SeamCommand.version,
        subcommands: [Check.self, Watch.self, Discover.self, Explain.self, Extract.self, Correlate.self, Merge.self],
        defaultSubcommand: nil
    )
}

@main
enum Main {
    static func main() {
        // A closed pipe (`seam ... | head -1`) must end the run quietly, not kill it.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try SeamCommand.parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = SeamCommand.exitCode(for: error)
            if code == .success {
                Output.standard.write(SeamCommand.fullMessage(for: error) + "\n")
                Output.standard.flush()
                exit(0)
            }
            Diagnostics.error(SeamCommand.fullMessage(for: error))
            // Usage errors are 2 here, not ArgumentParser's 64: CI scripts key on SEMANTICS' codes.
            exit(2)
        }
    }
}
