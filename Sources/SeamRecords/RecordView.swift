#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One decoded record while its line is alive: time, service and the wanted fields' spans.
///
/// Only valid inside the `RecordDecoder.decode` closure that received it (it points into the
/// line and into the decoder's buffers): never store it. Reading is free of allocation except
/// `value(_:)`. `equals`, `eventEquals` and `withScalarBytes` share one scratch buffer, so bytes
/// handed to a `withScalarBytes` closure are valid only inside it.
///
/// Invariants (the decoder that forms the view guarantees them; asserted in debug builds where
/// a span becomes a pointer: `withScalarBytes`, `raw`): `spans` holds `slotCount` spans (checked
/// by `span(_:)` always); a present span lies inside `line` (`start + count <= line.count`);
/// `scratch` holds at least `line.count` bytes, enough for any decoded span of it.
@_spi(SeamStages) public struct RecordView {
    /// The line, without its line end.
    @_spi(SeamStages) public let line: UnsafeRawBufferPointer
    /// Event time, ns since the Unix epoch.
    @_spi(SeamStages) public let time: Int64
    /// Service id in the decoder's `ServiceTable`.
    @_spi(SeamStages) public let service: Int32
    /// Slot of the event-name field found (first scalar of `FieldConfig.event`), if any.
    @_spi(SeamStages) public let eventSlot: Int?
    /// True when the decoder's early stop (`FieldNeeds`) found that no consumer needs anything
    /// of a record with this service and event beyond time, service and event: the consumer
    /// that declared those needs can skip it. False when unknown (strict JSON, logfmt, text).
    @_spi(SeamStages) public let needsNothingMore: Bool
    @usableFromInline let spans: UnsafePointer<FieldSpan>
    @usableFromInline let slotCount: Int
    /// At least `line.count` bytes: decoded text is never longer than its escaped span.
    @usableFromInline let scratch: UnsafeMutablePointer<UInt8>

    @usableFromInline
    init(line: UnsafeRawBufferPointer, time: Int64, service: Int32, eventSlot: Int?,
         spans: UnsafePointer<FieldSpan>, slotCount: Int, scratch: UnsafeMutablePointer<UInt8>,
         needsNothingMore: Bool = false) {
        self.line = line
        self.time = time
        self.service = service
        self.eventSlot = eventSlot
        self.needsNothingMore = needsNothingMore
        self.spans = spans
        self.slotCount = slotCount
        self.scratch = scratch
    }

    /// The span of `slot` (`.absent` kind when the field is missing).
    @inlinable @_spi(SeamStages) public func span(_ slot: Int) -> FieldSpan {
        precondition(slot >= 0 && slot < slotCount, "slot out of range")
        return spans[slot]
    }

    /// Present with a non-null value.
    @inlinable @_spi(SeamStages) public func isPresent(_ slot: Int) -> Bool { span(slot).isPresent }

    /// The field's value, owned (allocates); nil when absent or null.
    @_spi(SeamStages) public func value(_ slot: Int) -> FieldValue? {
        let s = span(slot)
        switch s.kind {
        case .absent, .null: return nil
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number([UInt8](raw(s)))
        case .object, .array: return .composite([UInt8](raw(s)))
        case .string: return .string(s.escaped ? EscapedText.decode(raw(s)) : [UInt8](raw(s)))
        }
    }

    /// Whether the field holds a scalar that agrees with `text` (same text or equal decimal
    /// numbers, SEMANTICS.md). False when absent, null, object or array. No allocation.
    @inlinable @_spi(SeamStages) public func equals(_ slot: Int, _ text: [UInt8]) -> Bool {
        text.withUnsafeBytes { t in
            withScalarBytes(slot) { FieldValue.scalarTextsAgree($0, t) } ?? false
        }
    }

    /// Whether the record's event name agrees with `text`; false when it has none.
    @inlinable @_spi(SeamStages) public func eventEquals(_ text: [UInt8]) -> Bool {
        guard let s = eventSlot else { return false }
        return equals(s, text)
    }

    /// Calls `body` with the decoded text of a scalar field (`true`/`false` for bools) and
    /// returns its result; nil when the field is not a present scalar. No allocation.
    @inlinable @_spi(SeamStages) public func withScalarBytes<R>(_ slot: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        let s = span(slot)
        return Self.withScalarBytes(s, line: line, scratch: scratch, body)
    }

    @inlinable
    static func withScalarBytes<R>(_ s: FieldSpan, line: UnsafeRawBufferPointer, scratch: UnsafeMutablePointer<UInt8>,
                                   _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        switch s.kind {
        case .string, .number:
            assert(s.start >= 0 && s.count >= 0 && Int(s.start) + Int(s.count) <= line.count, "span outside the line")
            // Safe: the span lies inside `line` (asserted above), `scratch` holds `line.count` bytes.
            let start = line.baseAddress! + Int(s.start)
            if s.escaped {
                let n = EscapedText.decode(start.assumingMemoryBound(to: UInt8.self), count: Int(s.count), into: scratch)
                return body(UnsafeRawBufferPointer(start: scratch, count: n))
            }
            return body(UnsafeRawBufferPointer(start: start, count: Int(s.count)))
        case .true:
            let t: StaticString = "true"
            return body(UnsafeRawBufferPointer(start: t.utf8Start, count: t.utf8CodeUnitCount))
        case .false:
            let f: StaticString = "false"
            return body(UnsafeRawBufferPointer(start: f.utf8Start, count: f.utf8CodeUnitCount))
        default:
            return nil
        }
    }

    @inline(__always)
    private func raw(_ s: FieldSpan) -> UnsafeRawBufferPointer {
        assert(s.start >= 0 && s.count >= 0 && Int(s.start) + Int(s.count) <= line.count, "span outside the line")
        return UnsafeRawBufferPointer(start: line.baseAddress! + Int(s.start), count: Int(s.count))
    }
}
