@_spi(SeamStages) import SeamAlignment

/// One decided verdict with its evidence: which handoff, which key, which lines.
///
/// The words ("why") are made by Reporting, which knows source names and time zones.
public struct Finding: Sendable, Equatable {
    /// Where one side of the handoff was logged.
    public struct Evidence: Sendable, Equatable, Codable {
        /// Event time, nanoseconds since the Unix epoch.
        public var time: Int64
        public var position: InputPosition
        @_spi(SeamStages) public init(time: Int64, position: InputPosition) {
            self.time = time
            self.position = position
        }
    }

    public var verdict: Verdict
    /// Index of the rule in the spec.
    public var rule: Int32
    /// The key, or `nil` for unkeyed findings.
    public var key: String?
    public var send: Evidence?
    public var receive: Evidence?
    /// Receive time minus send time, for pairs.
    public var latency: Int64?
    /// For `disagree`: the agree labels that differ. For pairs: the labels left unverified.
    public var fields: [String]
    /// For `disagree`: the send and receive values of each differing field, as text.
    public var values: [(send: String, receive: String)]
    /// The actual sending service (A) and receiving service (B): the services of the records,
    /// or the service a `{field: F}` named; nil where unknown (the other side of an unpaired
    /// observation under a wildcard side, shown as `?`). Set by the correlator.
    public var from: String?
    public var to: String?

    @_spi(SeamStages) public init(
        verdict: Verdict, rule: Int32, key: String?, send: Evidence?, receive: Evidence?,
        latency: Int64?, fields: [String] = [], values: [(send: String, receive: String)] = []
    ) {
        self.verdict = verdict
        self.rule = rule
        self.key = key
        self.send = send
        self.receive = receive
        self.latency = latency
        self.fields = fields
        self.values = values
    }

    public static func == (a: Finding, b: Finding) -> Bool {
        a.verdict == b.verdict && a.rule == b.rule && a.key == b.key && a.send == b.send
            && a.receive == b.receive && a.latency == b.latency && a.fields == b.fields
            && a.values.map { [$0.send, $0.receive] } == b.values.map { [$0.send, $0.receive] }
            && a.from == b.from && a.to == b.to
    }

    /// The time that orders findings for examples: the send's, else the receive's.
    public var time: Int64 { send?.time ?? receive?.time ?? 0 }
}

/// Receives each finding as soon as it is decided (the push interface `watch` is built on).
public protocol FindingSink: AnyObject {
    /// Whether `found` should be called for `confirmed` findings too (default true). Sinks that
    /// ignore them say false: most pairs are then only counted, which is much cheaper.
    var wantsConfirmed: Bool { get }
    func found(_ finding: Finding)
    /// A receiver has shown nothing for the idle bound while sends to it are pending.
    func silent(service: String, since: Int64, pendingSends: Int)
    /// A batch run started over (a source turned out of time order after its probe): every
    /// finding given so far is void and must be dropped; the new pass gives them again.
    /// `HandoffWatch` never calls it; a sink that only prints as it goes should hold findings
    /// until `HandoffCheck.run` returns. Required (no default), so that no sink keeps a void
    /// pass's findings by accident.
    func discardFindings()
}

extension FindingSink {
    public var wantsConfirmed: Bool { true }
    public func silent(service: String, since: Int64, pendingSends: Int) {}
}

/// Told the latency of every pair (confirmed or late) as it is made, on the correlator's
/// thread: what a latency histogram needs without a `Finding` per pair (`watch --metrics`).
public protocol PairObserver: AnyObject {
    /// `rule`: the handoff's index in the spec; `latency`: receive time minus send time (ns).
    func paired(rule: Int, latency: Int64)
}
