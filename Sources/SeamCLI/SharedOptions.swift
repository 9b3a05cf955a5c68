import ArgumentParser
import Glibc
@_spi(SeamStages) import Seam

/// Options that `check` and `watch` share: the spec and how sources are named and read.
struct SharedOptions: ParsableArguments {
    @Option(name: .long, help: "The handoff spec (YAML). Default: seam.yaml in the current folder.")
    var spec: String?

    @Option(name: .customLong("service"), help: ArgumentHelp(
        "Service for records without a service field, by path: NAME=PATH (repeatable).",
        valueName: "NAME=PATH"))
    var serviceMappings: [String] = []

    @Option(name: .customLong("max-line"), help: ArgumentHelp(
        "Longest line read, in bytes (1 to 1 GiB = 1073741824); longer lines are rejected too-long.",
        discussion: "At most 1 GiB: a line is held whole in memory while it is read, and fields are addressed with 32-bit offsets."))
    var maxLine: Int = 1 << 20

    @Option(name: .customLong("max-open"), help: "Open sends and receives held before the oldest are evicted (>= 1).")
    var maxOpen: Int = 1_000_000

    @Flag(name: .customLong("strict-json"), help: ArgumentHelp(
        "Validate every JSON line whole; by default a line is read until its fields are known and its rest must only end in }."))
    var strictJSON = false

    func validate() throws {
        guard maxLine >= 1 && maxLine <= LineReader.maxLineLengthLimit else {
            throw ValidationError("--max-line must be 1 to \(LineReader.maxLineLengthLimit) bytes (1 GiB: a line is held whole in memory), got \(maxLine)")
        }
        guard maxOpen >= 1 else { throw ValidationError("--max-open must be >= 1, got \(maxOpen)") }
        _ = try services()
    }

    /// `--service NAME=PATH` as path -> name.
    func services() throws -> [String: String] { try Self.services(serviceMappings) }

    /// `NAME=PATH` mappings as path -> name (`check`, `watch` and `discover`).
    static func services(_ mappings: [String]) throws -> [String: String] {
        var map: [String: String] = [:]
        for m in mappings {
            guard let eq = m.firstIndex(of: "="), eq != m.startIndex, m.index(after: eq) != m.endIndex else {
                throw ValidationError("--service takes NAME=PATH, got '\(m)'")
            }
            map[String(m[m.index(after: eq)...])] = String(m[..<eq])
        }
        return map
    }

    /// Loads the spec, or exits 2 with every problem on stderr.
    func loadSpec() throws -> HandoffSpec {
        let path = spec ?? "seam.yaml"
        if spec == nil, access(path, F_OK) != 0 {
            Diagnostics.error("""
                no spec: seam.yaml not found in the current folder and --spec not given
                seam: note: a spec names the handoffs to check, e.g.
                  version: 1
                  handoffs:
                    - from: orders
                      to: payments
                      key: request_id
                      send: payment.requested
                      receive: payment.received
                      within: 5s
                seam: note: see README.md, "Spec reference"
                """)
            throw ExitCode(2)
        }
        do {
            return try SpecLoader.load(path: path)
        } catch let e as SpecErrors {
            for err in e.errors { Output.error.write("seam: \(err.description)\n") }
            Output.error.flush()
            throw ExitCode(2)
        }
    }

    func runOptions() -> RunOptions {
        var o = RunOptions()
        o.maxLineLength = maxLine
        o.maxOpen = maxOpen
        o.strictJSON = strictJSON
        return o
    }
}

/// Parses a duration such as 250ms, 5s, 2m, 1h or a bare number of seconds: finite (at most
/// about 292 years, `DurationText`) and not negative.
func parseDurationOption(_ text: String, name: String) throws -> Int64 {
    let ns: Int64
    do {
        ns = try DurationText.nanoseconds(text)
    } catch {
        throw ValidationError("\(name): \(error)")
    }
    guard ns >= 0 else { throw ValidationError("\(name) must not be negative, got '\(text)'") }
    return ns
}
