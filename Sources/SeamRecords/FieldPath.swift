/// A field path as written in the spec, e.g. `request_id` or `ctx.req`.
///
/// Lookup (SEMANTICS.md): the literal key `"a.b"` when that key holds a non-null value,
/// else the nested lookup `a` then `b`. `null` counts as absent.
package struct FieldPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The path as written.
    package let text: String
    /// `text` split on `.`; a single component when there is no dot.
    package let components: [String]

    package init(_ text: String) {
        self.text = text
        self.components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    package init(stringLiteral value: String) { self.init(value) }

    package var description: String { text }
}
