import SeamRecords

/// One side of one handoff seen in one record: "this record sends (or receives) rule R's key k".
///
/// Made only for records that match a rule's predicate. Its key and agree values are packed in
/// `values` (inline up to `ClaimValues.inlineCapacity` bytes), so making one allocates nothing
/// in the common case. A record may yield several (one per matching rule and side).
public struct Observation: Sendable, Equatable {
    public enum Side: UInt8, Sendable { case send, receive }

    /// Event time, nanoseconds since the Unix epoch.
    public var time: Int64
    /// Input order of the record.
    public var position: InputPosition
    /// Index of the handoff rule in the spec.
    public var rule: Int32
    public var side: Side
    /// The service id (`ServiceTable`) of the record: this side's actual service, which a
    /// wildcard side (`*`, `{field: F}`) needs to tally pairs per actual (from, to); -1 unknown.
    public var service: Int32
    /// The service id the record names for the other side (`to: {field: F}` on a send,
    /// `from: {field: F}` on a receive); -1 when the rule names none or the field is absent.
    public var peer: Int32
    /// The key and the agree values, packed.
    public var values: ClaimValues

    public init(time: Int64, position: InputPosition, rule: Int32, side: Side, service: Int32 = -1, peer: Int32 = -1,
                values: ClaimValues) {
        self.time = time
        self.position = position
        self.rule = rule
        self.side = side
        self.service = service
        self.peer = peer
        self.values = values
    }

    /// - Parameters:
    ///   - key: the key as text; `nil` when the record matched but has no key (unkeyed).
    ///   - agree: agree field values, in the rule's agree order (`nil` where absent).
    public init(time: Int64, position: InputPosition, rule: Int32, side: Side, service: Int32 = -1, peer: Int32 = -1,
                key: String?, agree: [FieldValue?]) {
        self.init(time: time, position: position, rule: rule, side: side, service: service, peer: peer,
                  values: ClaimValues(key: key, agree: agree))
    }

    /// The key as text; `nil` when unkeyed. Allocates for keys longer than 15 bytes.
    public var key: String? { values.key }
    /// Agree field values, in the rule's agree order (`nil` where the field is absent). Allocates.
    public var agree: [FieldValue?] { values.agree }
}
