/// One side of one handoff seen in one record: "this record sends (or receives) rule R's key k".
///
/// Made only for records that match a rule's predicate, so its allocations (key, agree values)
/// are paid per claim, not per line. A record may yield several (one per matching rule and side).
public struct Observation: Sendable, Equatable {
    public enum Side: UInt8, Sendable { case send, receive }

    /// Event time, nanoseconds since the Unix epoch.
    public var time: Int64
    /// Input order of the record.
    public var position: InputPosition
    /// Index of the handoff rule in the spec.
    public var rule: Int32
    public var side: Side
    /// The key as text; `nil` when the record matched but has no key (unkeyed).
    public var key: String?
    /// Agree field values, in the rule's agree order (`nil` where the field is absent).
    public var agree: [FieldValue?]

    public init(time: Int64, position: InputPosition, rule: Int32, side: Side, key: String?, agree: [FieldValue?]) {
        self.time = time
        self.position = position
        self.rule = rule
        self.side = side
        self.key = key
        self.agree = agree
    }
}
