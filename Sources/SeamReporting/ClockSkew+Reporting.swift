@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamCorrelation

extension ClockSkew {
    /// One sentence for people, e.g. "payments' clock runs at least 300ms behind orders'
    /// (payment: a receive logged 300ms before its send); tolerance must cover it".
    package var sentence: String {
        if let upper, upper < 0 {
            return "\(b)'s clock runs at least \(DurationText.approximate(-upper)) behind \(a)'s "
                + "(\(handoffs.joined(separator: ", ")): a receive was logged before its send); "
                + "a tolerance of at least that much keeps such handoffs pairing"
        }
        if let lower, lower > 0 {
            return "\(b)'s clock runs at least \(DurationText.approximate(lower)) ahead of \(a)'s "
                + "(\(handoffs.joined(separator: ", ")): a receive was logged before its send); "
                + "a tolerance of at least that much keeps such handoffs pairing"
        }
        let lo = lower.map { DurationText.approximate($0) } ?? "?", hi = upper.map { DurationText.approximate($0) } ?? "?"
        return "\(b) - \(a) clock offset within [\(lo), \(hi)]"
    }
}

extension Summary {
    /// Clock offset bounds between services that exchanged paired handoffs.
    package var clockSkews: [ClockSkew] { ClockSkew.estimate(handoffs) }
}
