/// The kind of value a scanner found for a wanted field.
@_spi(SeamStages) public enum FieldKind: UInt8, Sendable {
    /// Not present in the record (or not yet seen).
    case absent
    case null
    case string
    case number
    case `true`
    case `false`
    case object
    case array
}

/// Where a wanted field's value lies inside the current line: no copy, no allocation.
///
/// For strings, `start`/`count` cover the text between the quotes (still escaped when
/// `escaped` is true); for other kinds, the value's literal bytes.
@_spi(SeamStages) public struct FieldSpan: Sendable, Equatable {
    @_spi(SeamStages) public var start: Int32
    @_spi(SeamStages) public var count: Int32
    @_spi(SeamStages) public var kind: FieldKind
    /// True when the string holds backslash escapes that must be decoded before comparing.
    @_spi(SeamStages) public var escaped: Bool

    @_spi(SeamStages) public static let absent = FieldSpan(start: 0, count: 0, kind: .absent, escaped: false)

    @_spi(SeamStages) public init(start: Int32, count: Int32, kind: FieldKind, escaped: Bool) {
        self.start = start
        self.count = count
        self.kind = kind
        self.escaped = escaped
    }

    /// Present with a non-null value.
    @inlinable @_spi(SeamStages) public var isPresent: Bool { kind != .absent && kind != .null }
    /// Present with a string, number or bool.
    @inlinable @_spi(SeamStages) public var isScalar: Bool {
        switch kind {
        case .string, .number, .true, .false: return true
        default: return false
        }
    }
}
