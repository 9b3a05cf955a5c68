/// One problem found in a spec file, where it is, and what to do about it.
///
/// `line` and `column` are 1-based (columns count Unicode scalars, as libyaml does);
/// both are 0 when the problem concerns the whole file (it cannot be read).
public struct SpecError: Sendable, Equatable, CustomStringConvertible {
    /// The spec's path as given (or the name passed to `load(text:file:)`).
    public var file: String
    public var line: Int
    public var column: Int
    /// Where in the spec, e.g. `handoffs[1].within`; `nil` for the document or the file.
    public var key: String?
    /// A sentence for people: what is wrong and, when it helps, what would be right.
    public var message: String

    public init(file: String, line: Int, column: Int, key: String?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `file:line:column: error: message`, or `file: error: message` for the whole file.
    public var description: String {
        if line == 0 { return "\(file): error: \(message)" }
        return "\(file):\(line):\(column): error: \(message)"
    }
}

/// Every problem found in a spec, in file order; thrown by `SpecLoader` when there is any.
public struct SpecErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [SpecError]

    public init(errors: [SpecError]) { self.errors = errors }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
