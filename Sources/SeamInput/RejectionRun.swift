@_spi(SeamStages) import SeamCore

/// Rejected lines of one source that came together, placed in time by the events around them.
///
/// A rejected line often has no time of its own (`no-time`, `malformed`): it is placed between
/// the last event before it in its source (line order) and the next one after, and given the
/// service of those neighbours. So "9 gateway lines rejected `no-time` between 10:00:01 and
/// 10:00:09" can be set beside findings whose window that span crosses (`RejectedNearby`).
/// Blank lines are never counted in a run: they cannot have been anyone's send or receive.
public struct RejectionRun: Sendable, Equatable, Codable {
    public var reason: RejectReason
    /// Lines in the run.
    public var count: UInt64
    /// First and last rejected line (after runs merge, lines between may be events).
    public var firstLine: UInt64
    public var lastLine: UInt64
    /// The span the neighbouring events give it (ns): from the earlier to the later of the
    /// event before and the event after; one of them alone when the run starts or ends its
    /// source; `nil` when the source had no event at all (it cannot be placed).
    public var earliest: Int64?
    public var latest: Int64?
    /// The neighbours' services (one, or two when they differ; more after merging under the
    /// cap); empty when there was no neighbour.
    public var services: [String]

    @_spi(SeamStages) public init(reason: RejectReason, count: UInt64, firstLine: UInt64, lastLine: UInt64, earliest: Int64?,
                latest: Int64?, services: [String]) {
        self.reason = reason
        self.count = count
        self.firstLine = firstLine
        self.lastLine = lastLine
        self.earliest = earliest
        self.latest = latest
        self.services = services
    }
}
