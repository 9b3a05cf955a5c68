@_spi(SeamStages) import SeamRecords

/// One side of one handoff seen in one record: "this record sends (or receives) rule R's key k".
///
/// Made only for records that match a rule's predicate. Its key and agree values are packed in
/// `values` (inline up to `ClaimValues.inlineCapacity` bytes), so making one allocates nothing
/// in the common case. A record may yield several (one per matching rule and side).
@_spi(SeamStages) public struct Observation: Sendable, Equatable {
    @_spi(SeamStages) public enum Side: UInt8, Sendable { case send, receive }

    /// Event time, nanoseconds since the Unix epoch.
    @_spi(SeamStages) public var time: Int64
    /// Input order of the record.
    @_spi(SeamStages) public var position: InputPosition
    /// Index of the handoff rule in the spec.
    @_spi(SeamStages) public var rule: Int32
    @_spi(SeamStages) public var side: Side
    /// The service id (`ServiceTable`) of the record: this side's actual service, which a
    /// wildcard side (`*`, `{field: F}`) needs to tally pairs per actual (from, to); -1 unknown.
    @_spi(SeamStages) public var service: Int32
    /// The service id the record names for the other side (`to: {field: F}` on a send,
    /// `from: {field: F}` on a receive); -1 when the rule names none or the field is absent.
    @_spi(SeamStages) public var peer: Int32
    /// The key and the agree values, packed.
    @_spi(SeamStages) public var values: ClaimValues

    @_spi(SeamStages) public init(time: Int64, position: InputPosition, rule: Int32, side: Side, service: Int32 = -1, peer: Int32 = -1,
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
    @_spi(SeamStages) public init(time: Int64, position: InputPosition, rule: Int32, side: Side, service: Int32 = -1, peer: Int32 = -1,
                key: String?, agree: [FieldValue?]) {
        self.init(time: time, position: position, rule: rule, side: side, service: service, peer: peer,
                  values: ClaimValues(key: key, agree: agree))
    }

    /// The key as text; `nil` when unkeyed. Allocates for keys longer than 15 bytes.
    @_spi(SeamStages) public var key: String? { values.key }
    /// Agree field values, in the rule's agree order (`nil` where the field is absent). Allocates.
    @_spi(SeamStages) public var agree: [FieldValue?] { values.agree }
}

@_spi(SeamStages) extension Sequence where Element == Observation {
    /// Lets go of the long claims of observations their holder drops without handing them on
    /// (see `ClaimValues`, "Ownership"). O(n); nothing for short claims.
    @_spi(SeamStages) public func releaseClaims() {
        for o in self where o.values.isLong {
            var v = o.values
            v.release()
        }
    }
}
