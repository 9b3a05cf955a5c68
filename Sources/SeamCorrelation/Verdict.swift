/// What Seam decided about one send, one receive, or one pair (SEMANTICS.md).
public enum Verdict: String, CaseIterable, Sendable, Hashable, Codable {
    /// Paired with latency <= W.
    case confirmed
    /// Paired with W < latency <= W + G.
    case late
    /// A send never paired, its whole window inside the receiver's coverage. A gap.
    case unconfirmed
    /// A receive never paired, its whole window inside the sender's coverage. A gap.
    case orphan
    /// A receive whose window only holds already paired sends, with `once`. A defect.
    case duplicate
    /// The same as duplicate with `once: false`. Not judged.
    case `repeat`
    /// A pair whose agree fields differ. A defect (on top of confirmed/late).
    case disagree
    /// An unpaired send whose window is not inside the receiver's coverage. Not judged.
    case uncoveredSend = "uncovered_send"
    /// An unpaired receive whose window is not inside the sender's coverage. Not judged.
    case uncoveredReceive = "uncovered_receive"
    /// A matching send without a key. Not judged.
    case unkeyedSend = "unkeyed_send"
    /// A matching receive without a key. Not judged.
    case unkeyedReceive = "unkeyed_receive"
    /// A send resolved early because `max-open` was reached. Not judged.
    case evictedSend = "evicted_send"
    /// A receive resolved early because `max-open` was reached. Not judged.
    case evictedReceive = "evicted_receive"

    /// Gaps: a claim never confirmed.
    public var isGap: Bool { self == .unconfirmed || self == .orphan }
    /// Defects: confirmed, but wrongly.
    public var isDefect: Bool { self == .late || self == .duplicate || self == .disagree }

    /// Dense index of the case, in `allCases` order (for per-verdict arrays).
    @_spi(SeamStages) public var ordinal: Int {
        switch self {
        case .confirmed: return 0
        case .late: return 1
        case .unconfirmed: return 2
        case .orphan: return 3
        case .duplicate: return 4
        case .repeat: return 5
        case .disagree: return 6
        case .uncoveredSend: return 7
        case .uncoveredReceive: return 8
        case .unkeyedSend: return 9
        case .unkeyedReceive: return 10
        case .evictedSend: return 11
        case .evictedReceive: return 12
        }
    }
}
