@_spi(SeamStages) import SeamCorrelation

extension Verdict {
    /// The order reports list verdicts in: gaps, then defects, then what is not judged,
    /// confirmed last.
    package static let reportOrder: [Verdict] = [
        .unconfirmed, .orphan, .disagree, .duplicate, .late, .repeat, .uncoveredSend, .uncoveredReceive,
        .unkeyedSend, .unkeyedReceive, .evictedSend, .evictedReceive, .confirmed,
    ]

    /// The verdicts the "What tore" section shows, worst first.
    static let torn: [Verdict] = [.unconfirmed, .orphan, .disagree, .duplicate, .late]

    /// Neither gap nor defect nor confirmed: reported, never judged.
    static let notJudged: [Verdict] = [
        .uncoveredSend, .uncoveredReceive, .unkeyedSend, .unkeyedReceive, .evictedSend, .evictedReceive, .repeat,
    ]

    /// Words for a count: "uncovered sends", "repeats".
    func words(_ n: UInt64) -> String {
        let one = n == 1
        switch self {
        case .uncoveredSend: return one ? "uncovered send" : "uncovered sends"
        case .uncoveredReceive: return one ? "uncovered receive" : "uncovered receives"
        case .unkeyedSend: return one ? "unkeyed send" : "unkeyed sends"
        case .unkeyedReceive: return one ? "unkeyed receive" : "unkeyed receives"
        case .evictedSend: return one ? "evicted send" : "evicted sends"
        case .evictedReceive: return one ? "evicted receive" : "evicted receives"
        case .orphan: return one ? "orphan" : "orphans"
        case .duplicate: return one ? "duplicate" : "duplicates"
        case .repeat: return one ? "repeat" : "repeats"
        default: return rawValue
        }
    }
}
