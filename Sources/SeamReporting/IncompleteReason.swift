/// One reason a run is incomplete (SEMANTICS.md "Gaps, defects, exit codes"): its cause, the
/// words for it, and what it concerns. A summary with any of them exits 3.
public struct IncompleteReason: Sendable, Equatable {
    /// The causes SEMANTICS.md names, as stable codes (`input.incomplete[].cause` in JSON).
    public enum Cause: String, Sendable, CaseIterable {
        /// 1: some input could not be read whole (missing, unreadable, corrupt or truncated).
        case inputNotReadWhole = "input_not_read_whole"
        /// 2: observations of a handoff were evicted past max-open: verdicts near them are partial.
        case evicted
        /// 3: no line became an event, or no handoff saw any keyed send or receive.
        case nothingJudged = "nothing_judged"
        /// 4: a handoff of the spec could not be judged: its sides were never seen, or every
        /// observation it saw is uncovered or unkeyed. `names` holds the nearest names the input
        /// held. The only cause a flag may excuse (`Summary.allowUnjudged`).
        case handoffNotJudged = "handoff_not_judged"
    }

    public var cause: Cause
    /// One sentence for people, naming what is concerned.
    public var message: String
    /// The handoff concerned, for per-handoff causes; `nil` for the run.
    public var handoff: String?
    /// How many: inputs not read whole, observations evicted; 0 when not a count.
    public var count: UInt64
    /// Names concerned: the sources not read whole.
    public var names: [String]
    /// Event-time span concerned (the evicted observations'), when there is one.
    public var first: Int64?
    public var last: Int64?

    public init(cause: Cause, message: String, handoff: String? = nil, count: UInt64 = 0, names: [String] = [],
                first: Int64? = nil, last: Int64? = nil) {
        self.cause = cause
        self.message = message
        self.handoff = handoff
        self.count = count
        self.names = names
        self.first = first
        self.last = last
    }
}
