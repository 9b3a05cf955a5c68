/// One handoff `seam discover` proposes, with what it rests on.
public struct DiscoveredHandoff: Sendable, Equatable {
    /// How one side's records are selected in the spec.
    public enum Selector: Sendable, Equatable {
        /// `send: NAME`: the event field (`fields.event`) equals NAME.
        case event(String)
        /// `send: {FIELD: VALUE}`: a text field (no event field) equals VALUE.
        case fieldEquals(String, String)
        /// `send: {FIELD: {matches: REGEX}}`: free text of one template.
        case fieldMatches(String, String)
        /// `send: {FIELD: {exists: true}}`: every record of the service carrying the key.
        case fieldExists(String)
    }

    /// The numbers behind a proposal (YAML comments and JSON `evidence`).
    public struct Evidence: Sendable, Equatable {
        /// Records of the send and receive events.
        public var sendRecords: UInt64
        public var receiveRecords: UInt64
        /// Distinct key values per side (exact up to the sketch size, else estimated).
        public var sendKeys: Double
        public var receiveKeys: Double
        /// Key values sampled on each side at the common sampling rate, and those in both.
        public var sampledSend: Int
        public var sampledReceive: Int
        public var shared: Int
        /// Share of the receive side's key values that were sent, and of the sent ones received.
        public var receivesSent: Double
        public var sendsReceived: Double
        /// Shared keys whose first receive came after (before, at the same time as) the first send.
        public var after: Int
        public var before: Int
        public var simultaneous: Int
        /// Lag from the first send to the first receive of a shared key (ns), over the lags kept.
        public var lagP50: Int64
        public var lagP99: Int64
        public var lagMax: Int64
        /// Lags far above the rest (beyond the third quartile plus 3 interquartile ranges) and
        /// beyond the `within` the others suggest: `check` will report them late; their largest.
        public var outliers: Int
        public var outlierMax: Int64
        /// Mean records per shared key on each side (1 = one-to-one).
        public var sendMultiplicity: Double
        public var receiveMultiplicity: Double
        /// Other key pairs the same two events share (the best was chosen).
        public var otherKeys: [String]
    }

    public var name: String
    public var from: String
    public var to: String
    /// The events as shown to a person (event name or message template).
    public var sendEvent: String
    public var receiveEvent: String
    public var send: Selector
    public var receive: Selector
    public var sendKey: String
    public var receiveKey: String
    public var within: Int64
    /// Set when some receives came slightly before their sends (clocks apart), else 0.
    public var tolerance: Int64
    public var agree: [AgreePair]
    /// False when a key recurs on a side (a trace id over many records): `once: false`.
    public var once: Bool
    public var confidence: Double
    public var evidence: Evidence

    public struct AgreePair: Sendable, Equatable {
        public var send: String
        public var receive: String
        /// Share of the shared keys whose two values agree.
        public var agreement: Double
    }
}

/// One (service, event) as discovery saw it.
public struct DiscoveredEvent: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var records: UInt64
        /// Distinct values (estimated past the sketch size); nil when not tracked.
        public var distinct: Double?
        /// Why it is no key candidate, or nil when it is one.
        public var notKey: String?
    }

    public var service: String
    public var event: String
    public var records: UInt64
    public var firstTime: Int64
    public var lastTime: Int64
    public var fields: [Field]
    public var moreFields: Int
    /// Whether some proposed handoff has it as a side.
    public var inHandoff: Bool
}
