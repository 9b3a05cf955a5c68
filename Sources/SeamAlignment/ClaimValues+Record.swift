@_spi(SeamStages) import SeamRecords

/// Packing straight from a decoded record: no `FieldValue` in between, no allocation inline.
extension ClaimValues {
    /// Appends the key entry: the field's scalar text (decoded string, number literal,
    /// `true`/`false`), or unkeyed when it is absent, null, an object or an array.
    @inlinable
    @_spi(SeamStages) public mutating func appendKey(_ record: RecordView, slot: Int) {
        let keyed: Bool? = record.withScalarBytes(slot) { append(.string, $0); return true }
        if keyed == nil { append(.absent, UnsafeRawBufferPointer(start: nil, count: 0)) }
    }

    /// Appends one agree entry for the field in `slot`, as `RecordView.value(_:)` would read it.
    @inlinable
    @_spi(SeamStages) public mutating func appendValue(_ record: RecordView, slot: Int) {
        let s = record.span(slot)
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        switch s.kind {
        case .absent, .null: append(.absent, none)
        case .true, .false:
            _ = record.withScalarBytes(slot) { append(s.kind == .true ? .true : .false, $0) }
        case .number:
            append(.number, UnsafeRawBufferPointer(start: record.line.baseAddress! + Int(s.start), count: Int(s.count)))
        case .object, .array:
            append(.composite, UnsafeRawBufferPointer(start: record.line.baseAddress! + Int(s.start), count: Int(s.count)))
        case .string:
            _ = record.withScalarBytes(slot) { append(.string, $0) }
        }
    }
}
