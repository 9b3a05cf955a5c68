/// Why a line read did not become an event. Every line is an event or exactly one rejection.
public enum RejectReason: String, CaseIterable, Hashable, Sendable, Comparable, Codable, CodingKeyRepresentable {
    /// Empty line (nothing but the line end).
    case blank
    /// Not a record in the source's format (bad JSON, not logfmt, no pattern match).
    case malformed
    /// No configured time field is present.
    case noTime = "no-time"
    /// A time field is present but does not parse (it does not fall through to the next field).
    case badTime = "bad-time"
    /// No service field, no `--service` mapping and no file name (stdin).
    case noService = "no-service"
    /// Longer than the maximum line length; never held in memory.
    case tooLong = "too-long"
    /// Holds NUL or other non-text control bytes.
    case binary
    /// The incomplete last line of a damaged compressed source.
    case truncated

    public static func < (a: RejectReason, b: RejectReason) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
