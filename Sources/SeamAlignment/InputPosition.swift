/// Where an event stands in input order: source index, then line number (1-based).
///
/// Ties in time are broken by this order (SEMANTICS.md), so it is the total order of events.
public struct InputPosition: Hashable, Comparable, Sendable, Codable {
    public var source: Int32
    public var line: UInt64

    @inlinable @_spi(SeamStages) public init(source: Int32, line: UInt64) {
        self.source = source
        self.line = line
    }

    @inlinable public static func < (a: InputPosition, b: InputPosition) -> Bool {
        a.source != b.source ? a.source < b.source : a.line < b.line
    }
}
