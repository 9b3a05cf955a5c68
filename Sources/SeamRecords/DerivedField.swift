/// A field computed by a regular expression from another field's value: a key out of a message
/// (`blk_-?\d+`, `req-[0-9a-f-]{36}`), a service out of a Kubernetes pod name.
///
/// The value is the group named like the new field when the pattern has one, else its first
/// named group, else the whole match. No match (or `from` absent) leaves the field absent.
@_spi(SeamStages) public struct DerivedField: Sendable, Equatable {
    /// Name of the new field (usable in keys, predicates, agree, time and service).
    @_spi(SeamStages) public var field: String
    /// Field whose value is searched.
    @_spi(SeamStages) public var from: String
    @_spi(SeamStages) public var pattern: TextPattern

    @_spi(SeamStages) public init(field: String, from: String, pattern: TextPattern) {
        self.field = field
        self.from = from
        self.pattern = pattern
    }

    /// The value's (start, count) within `text`, or nil when the pattern does not match there.
    func capture(in text: UnsafeRawBufferPointer) -> (start: Int, count: Int)? {
        Self.capture(pattern, named: field, in: text)
    }

    /// The group `name` of `pattern` in `text`, else its first named group, else the whole match.
    static func capture(_ pattern: TextPattern, named name: String, in text: UnsafeRawBufferPointer) -> (start: Int, count: Int)? {
        guard let m = pattern.match(text) else { return nil }
        let g = pattern.names.firstIndex(of: name) ?? (pattern.names.isEmpty ? nil : 0)
        guard let g else { return (m.whole.start, m.whole.count) }
        return m.groups[g].map { ($0.start, $0.count) }
    }
}
