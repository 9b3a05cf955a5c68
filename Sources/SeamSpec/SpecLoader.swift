import Foundation
import Yams

/// Reads a handoff spec (YAML) and validates all of it, reporting every problem at once.
///
/// Format (issue 3, README "Spec reference"):
/// ```yaml
/// version: 1
/// fields: {time: [ts], service: [service], event: [event]}   # optional
/// handoffs:
///   - name: orders->payments       # optional, default FROM->TO
///     from: orders
///     to: payments
///     key: request_id              # or {send: request_id, receive: ctx.req}
///     send: payment.requested      # or {field: value, ...}, all must be equal
///     receive: payment.received
///     within: 5s                   # required, > 0
///     grace: 5s                    # default = within
///     tolerance: 0s                # default 0
///     agree: [amount, currency]    # or {send_field: receive_field}
///     once: true                   # default true
/// ```
public enum SpecLoader {
    /// Loads the spec at `path`; throws `SpecErrors` naming `path` in every message.
    public static func load(path: String) throws -> HandoffSpec {
        try load(text: readText(path: path), file: path)
    }

    /// Loads only what says how to read the logs (`fields`, `sources`, `derive`): `version` and
    /// `handoffs` may be absent (`seam discover --spec`); whatever is present is validated.
    package static func loadInputs(path: String) throws -> HandoffSpec {
        try load(text: readText(path: path), file: path, inputsOnly: true)
    }

    /// Loads a spec from its text; `file` is the name used in messages. With `inputsOnly`,
    /// `version` and `handoffs` may be absent.
    public static func load(text: String, file: String, inputsOnly: Bool = false) throws -> HandoffSpec {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw SpecErrors(errors: [syntaxError(error, text: text, file: file)])
        }
        var reader = SpecReader(file: file)
        reader.inputsOnly = inputsOnly
        let spec = reader.read(root)
        guard let spec, reader.errors.isEmpty else {
            let sorted = reader.errors.enumerated().sorted {
                ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
            }
            throw SpecErrors(errors: sorted.map(\.element))
        }
        return spec
    }

    /// The file's text; one error for the whole file when it cannot be read or is not UTF-8.
    static func readText(path: String) throws(SpecErrors) -> String {
        func fail(_ message: String) -> SpecErrors {
            SpecErrors(errors: [SpecError(file: path, line: 0, column: 0, key: nil, message: message)])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("cannot read the spec: no such file")
        }
        guard !isDirectory.boolValue else { throw fail("cannot read the spec: it is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw fail("cannot read the spec: \(error.localizedDescription)")
        }
        if let text = String(data: data, encoding: .utf8) { return text }
        // Say where the bad byte is: a pasted binary or a Latin-1 file is found at once.
        var line = 1, column = 1
        var bytes = data.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let c):
                if c == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput, .error:
                break decoding
            }
        }
        throw SpecErrors(errors: [
            SpecError(file: path, line: line, column: column, key: nil, message: "the spec is not valid UTF-8 text")
        ])
    }

    /// A YAML syntax error as Yams reports it, with its line and column.
    static func syntaxError(_ error: Error, text: String, file: String) -> SpecError {
        func at(_ mark: Mark, _ message: String) -> SpecError {
            SpecError(file: file, line: mark.line, column: mark.column, key: nil, message: message)
        }
        guard let yaml = error as? YamlError else {
            return SpecError(file: file, line: 1, column: 1, key: nil, message: "YAML error: \(error)")
        }
        switch yaml {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            var message = "YAML syntax: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return at(mark, message)
        case let .reader(problem, offset, _, _):
            let (line, column) = position(ofCharacter: offset ?? 0, in: text)
            return SpecError(file: file, line: line, column: column, key: nil, message: "YAML syntax: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return at(context.mark, "duplicate key \(names) in one mapping; each key may appear once")
        default:
            return SpecError(file: file, line: 1, column: 1, key: nil, message: "YAML error: \(yaml)")
        }
    }

    /// 1-based line and column (in Unicode scalars) of the `offset`-th character.
    static func position(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for c in text.prefix(max(0, offset)) {
            if c == "\n" || c == "\r\n" { line += 1; column = 1 } else { column += c.unicodeScalars.count }
        }
        return (line, column)
    }
}
