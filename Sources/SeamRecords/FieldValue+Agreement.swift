/// Agree-equality of field values (SEMANTICS.md, "Pairing").
///
/// - Scalars (strings, numbers, bools) agree when their texts are equal, or both texts are
///   decimal numbers of exactly equal value (`DecimalText`). A string counts by its decoded
///   text, so `"5"` agrees with `5`, and `"true"` with `true` (same text).
/// - Objects and arrays agree with objects and arrays only: structurally equal, keys in any
///   order, leaves compared by the scalar rule above (`{"a":"5"}` agrees with `{"a":5.0}`),
///   `null` only with `null`. Values nested deeper than 128 levels compare by raw text.
/// - A composite never agrees with a scalar, even with the same text.
extension FieldValue {
    @_spi(SeamStages) public func agrees(with other: FieldValue) -> Bool {
        switch (self, other) {
        case let (.composite(a), .composite(b)):
            if a == b { return true }
            guard let x = JSONTree.parse(a), let y = JSONTree.parse(b) else { return false }
            return x.agrees(with: y)
        case (.composite, _), (_, .composite):
            return false
        default:
            let a = textBytes, b = other.textBytes
            return a == b || DecimalText.equal(a, b)
        }
    }

    /// The scalar rule on raw texts: equal bytes, or equal decimal numbers. No allocation.
    @inlinable
    @_spi(SeamStages) public static func scalarTextsAgree(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        if ShortBytes.equal(a, b) { return true }
        return DecimalText.equal(a, b)
    }
}
