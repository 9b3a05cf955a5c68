/// A field's value, decoded and owned; made only for values that are kept (keys, agree fields).
///
/// Strings hold their decoded bytes (escapes resolved; invalid UTF-8 kept as is).
/// Numbers hold their literal text. Objects and arrays hold their raw JSON text.
@_spi(SeamStages) public enum FieldValue: Hashable, Sendable {
    case string([UInt8])
    case number([UInt8])
    case bool(Bool)
    /// Raw JSON text of an object or array, as it stood in the line.
    case composite([UInt8])

    /// The value as text: the decoded string, the number's literal, `true`/`false`, raw JSON.
    @_spi(SeamStages) public var textBytes: [UInt8] {
        switch self {
        case .string(let b), .number(let b), .composite(let b): return b
        case .bool(let v): return Array((v ? "true" : "false").utf8)
        }
    }

    /// The value as a Swift string (invalid UTF-8 repaired with U+FFFD); for display and keys.
    @_spi(SeamStages) public var text: String { String(decoding: textBytes, as: UTF8.self) }

    /// Whether this is a scalar (string, number or bool), as time, service and event require.
    @_spi(SeamStages) public var isScalar: Bool {
        if case .composite = self { return false }
        return true
    }
}
