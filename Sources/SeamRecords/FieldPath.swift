/// A field path as written in the spec, e.g. `request_id` or `ctx.req`.
///
/// Lookup (SEMANTICS.md): the literal key `"a.b"` when that key holds a non-null value,
/// else the nested lookup `a` then `b`. `null` counts as absent.
@_spi(SeamStages) public struct FieldPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The path as written.
    @_spi(SeamStages) public let text: String
    /// `text` split on `.`; a single component when there is no dot.
    @_spi(SeamStages) public let components: [String]

    @_spi(SeamStages) public init(_ text: String) {
        self.text = text
        self.components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    @_spi(SeamStages) public init(stringLiteral value: String) { self.init(value) }

    @_spi(SeamStages) public var description: String { text }
}
