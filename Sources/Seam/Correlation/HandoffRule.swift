/// One handoff rule, compiled from the spec: A's `send` events must be confirmed by B's
/// `receive` events with the same key within `within` (+ `grace` counts as late).
///
/// All durations are nanoseconds. Invariants (checked by the spec loader):
/// `within > 0`, `grace >= 0`, `tolerance >= 0`.
public struct HandoffRule: Sendable, Equatable {
    /// Shown in reports; default `FROM->TO`.
    public var name: String
    /// Sending service (A).
    public var from: String
    /// Receiving service (B).
    public var to: String
    /// Key field on A's send events.
    public var sendKey: FieldPath
    /// Key field on B's receive events.
    public var receiveKey: FieldPath
    /// Which of A's events are sends.
    public var send: Predicate
    /// Which of B's events are receives.
    public var receive: Predicate
    /// W: a pair with latency <= W is confirmed.
    public var within: Int64
    /// G: a pair with W < latency <= W + G is late.
    public var grace: Int64
    /// T: how far a receive may precede its send (clock skew).
    public var tolerance: Int64
    /// Fields whose values must agree across a pair, (send field, receive field).
    public var agree: [AgreeField]
    /// True: a second receive for an already confirmed send is a duplicate; false: a repeat.
    public var once: Bool

    public struct AgreeField: Sendable, Equatable {
        public var send: FieldPath
        public var receive: FieldPath
        /// Name used in reports: the send field, or `send=receive` when they differ.
        public var label: String { send == receive ? send.text : "\(send.text)=\(receive.text)" }
        public init(send: FieldPath, receive: FieldPath) {
            self.send = send
            self.receive = receive
        }
    }

    public init(
        name: String, from: String, to: String, sendKey: FieldPath, receiveKey: FieldPath,
        send: Predicate, receive: Predicate, within: Int64, grace: Int64, tolerance: Int64,
        agree: [AgreeField], once: Bool
    ) {
        self.name = name
        self.from = from
        self.to = to
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

/// Which events of a service count as a send (or receive) of a rule.
public enum Predicate: Sendable, Equatable {
    /// The record's event name (first present field of `fields.event`) equals this text.
    case event(String)
    /// Every listed field satisfies its condition.
    case fields([FieldCondition])
}

/// One field test inside a predicate.
public struct FieldCondition: Sendable, Equatable {
    public enum Test: Sendable, Equatable {
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
    public var path: FieldPath
    public var test: Test
    public init(path: FieldPath, test: Test) {
        self.path = path
        self.test = test
    }
}
