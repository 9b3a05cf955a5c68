@_spi(SeamStages) import SeamRecords

/// One handoff rule, compiled from the spec: A's `send` events must be confirmed by B's
/// `receive` events with the same key within `within` (+ `grace` counts as late).
///
/// All durations are nanoseconds. Invariants (checked by the spec loader):
/// `within > 0`, `grace >= 0`, `tolerance >= 0`.
@_spi(SeamStages) public struct HandoffRule: Sendable, Equatable {
    /// Shown in reports; default `FROM->TO`.
    @_spi(SeamStages) public var name: String
    /// Sending service (A) as the spec names it: a service, `*`, or `{field: F}` (`fromParty`).
    @_spi(SeamStages) public var from: String
    /// Receiving service (B) as the spec names it: a service, `*`, or `{field: F}` (`toParty`).
    @_spi(SeamStages) public var to: String
    /// Who may send: one service, or any (SEMANTICS.md "Wildcard sides").
    @_spi(SeamStages) public var fromParty: Party
    /// Who may receive: one service, or any.
    @_spi(SeamStages) public var toParty: Party
    /// Key field on A's send events.
    @_spi(SeamStages) public var sendKey: FieldPath
    /// Key field on B's receive events.
    @_spi(SeamStages) public var receiveKey: FieldPath
    /// Which of A's events are sends.
    @_spi(SeamStages) public var send: Predicate
    /// Which of B's events are receives.
    @_spi(SeamStages) public var receive: Predicate
    /// W: a pair with latency <= W is confirmed.
    @_spi(SeamStages) public var within: Int64
    /// G: a pair with W < latency <= W + G is late.
    @_spi(SeamStages) public var grace: Int64
    /// T: how far a receive may precede its send (clock skew).
    @_spi(SeamStages) public var tolerance: Int64
    /// Fields whose values must agree across a pair, (send field, receive field).
    @_spi(SeamStages) public var agree: [AgreeField]
    /// True: a second receive for an already confirmed send is a duplicate; false: a repeat.
    @_spi(SeamStages) public var once: Bool

    @_spi(SeamStages) public struct AgreeField: Sendable, Equatable {
        @_spi(SeamStages) public var send: FieldPath
        @_spi(SeamStages) public var receive: FieldPath
        /// Name used in reports: the send field, or `send=receive` when they differ.
        @_spi(SeamStages) public var label: String { send == receive ? send.text : "\(send.text)=\(receive.text)" }
        @_spi(SeamStages) public init(send: FieldPath, receive: FieldPath) {
            self.send = send
            self.receive = receive
        }
    }

    /// - Parameters:
    ///   - from, to: service names; `fromParty`/`toParty`, when given, say who each side is
    ///     instead (`from`/`to` then default to their text: `*`, `{field: F}`).
    @_spi(SeamStages) public init(
        name: String, from: String = "", to: String = "", fromParty: Party? = nil, toParty: Party? = nil,
        sendKey: FieldPath, receiveKey: FieldPath,
        send: Predicate, receive: Predicate, within: Int64, grace: Int64, tolerance: Int64,
        agree: [AgreeField], once: Bool
    ) {
        self.name = name
        self.fromParty = fromParty ?? .service(from)
        self.toParty = toParty ?? .service(to)
        self.from = fromParty.map { from.isEmpty ? $0.text : from } ?? from
        self.to = toParty.map { to.isEmpty ? $0.text : to } ?? to
        self.sendKey = sendKey
        self.receiveKey = receiveKey
        self.send = send
        self.receive = receive
        self.within = within
        self.grace = grace
        self.tolerance = tolerance
        self.agree = agree
        self.once = once
    }
}

extension HandoffRule {
    /// Who one side of a handoff is (SEMANTICS.md "Wildcard sides").
    @_spi(SeamStages) public enum Party: Sendable, Equatable {
        /// Records of this service only.
        case service(String)
        /// Records of any service (`"*"`), services the spec never names included.
        case any
        /// Records of any service; the other side's record names this side's service in this
        /// field (`to: {field: peer.service}` is read on the send, `from: {field: F}` on the
        /// receive), which makes coverage exact where it is present.
        case named(by: FieldPath)

        /// The service, for a side that names one.
        @_spi(SeamStages) public var service: String? {
            if case .service(let s) = self { return s }
            return nil
        }

        /// True for `*` and `{field: F}`: records of any service may be this side.
        @_spi(SeamStages) public var isWildcard: Bool { service == nil }

        /// As the spec writes it: the name, `*`, or `{field: F}`.
        @_spi(SeamStages) public var text: String {
            switch self {
            case .service(let s): return s
            case .any: return "*"
            case .named(let f): return "{field: \(f.text)}"
            }
        }
    }

    /// True when a side is `*` or `{field: F}`: tallies are then kept per actual pair too.
    @_spi(SeamStages) public var hasWildcard: Bool { fromParty.isWildcard || toParty.isWildcard }
}

/// Which events of a service count as a send (or receive) of a rule.
@_spi(SeamStages) public indirect enum Predicate: Sendable, Equatable {
    /// The record's event name (first present field of `fields.event`) equals this text.
    case event(String)
    /// Every listed field satisfies its condition.
    case fields([FieldCondition])
    /// At least one of these holds (`any: [...]`).
    case any([Predicate])
    /// This does not hold (`not: ...`).
    case not(Predicate)
    /// Every one of these holds (a mapping of field conditions beside `any:` or `not:`).
    case all([Predicate])

    /// Every field path the predicate tests, in order (repeats kept).
    @_spi(SeamStages) public var fieldPaths: [FieldPath] {
        switch self {
        case .event: return []
        case .fields(let conds): return conds.map(\.path)
        case .any(let ps), .all(let ps): return ps.flatMap(\.fieldPaths)
        case .not(let p): return p.fieldPaths
        }
    }
}

/// One field test inside a predicate.
@_spi(SeamStages) public struct FieldCondition: Sendable, Equatable {
    @_spi(SeamStages) public enum Test: Sendable, Equatable {
        /// Equal as agree values are equal: same text, or both decimal numbers of equal value.
        case equals(String)
        /// The value (a scalar, as text) holds a match of the regular expression somewhere
        /// (anchor with `^`/`$` for the whole value).
        case matches(TextPattern)
        /// The value's text holds this text (byte for byte, case-sensitive).
        case contains(String)
        /// The value equals one of these (each as `equals`).
        case oneOf([String])
        /// `true`: the field is present with a non-null value; `false`: it is absent or null.
        case exists(Bool)
    }
    @_spi(SeamStages) public var path: FieldPath
    @_spi(SeamStages) public var test: Test
    @_spi(SeamStages) public init(path: FieldPath, test: Test) {
        self.path = path
        self.test = test
    }
}
