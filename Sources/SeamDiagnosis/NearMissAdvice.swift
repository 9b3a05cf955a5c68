@_spi(SeamStages) import SeamCorrelation

/// What many near misses of one handoff have in common, and the spec setting that would pair
/// them: receives that came after `within + grace` (a window too tight: `within` or `grace`),
/// or receives logged before their sends by more than `tolerance` (clocks apart: `tolerance`).
///
/// Each unconfirmed send the `GapIndex` kept is taken with its nearest orphan (or uncovered)
/// receive of the same key (`NearMiss`); lag = receive time - send time. Verdicts never change: this is advice
/// on the spec. O(gaps kept of the handoff).
package struct NearMissAdvice: Sendable, Equatable {
    package enum Direction: String, Sendable {
        /// Receives after the send's window (lag > within + grace).
        case late
        /// Receives logged before their sends by more than the tolerance (lag < -tolerance).
        case early
    }

    /// A spec setting and the value that would pair every near miss of the group.
    package struct Setting: Sendable, Equatable {
        /// `within`, `grace` or `tolerance`.
        package var name: String
        package var value: Int64
    }

    package var direction: Direction
    /// Unconfirmed sends with an orphan (or uncovered) receive of their key on this side of the
    /// window.
    package var pairs: Int
    /// Smallest and largest lag (receive - send, ns) among them.
    package var minLag: Int64
    package var maxLag: Int64
    /// The settings that would pair them all, the first preferred.
    package var settings: [Setting]

    /// The advice for `rule` (index `ruleIndex`) from the gaps kept: at most one per direction,
    /// late first.
    package static func advise(rule: HandoffRule, ruleIndex: Int32, gaps: GapIndex) -> [NearMissAdvice] {
        var late: [Int64] = [], early: [Int64] = []
        for (key, entries) in gaps.keys(of: ruleIndex) {
            for e in entries where e.verdict == .unconfirmed {
                let send = Finding(verdict: .unconfirmed, rule: ruleIndex, key: key,
                                   send: Finding.Evidence(time: e.time, position: e.position), receive: nil, latency: nil)
                guard let miss = NearMiss.find(for: send, rule: rule, gaps: gaps) else { continue }
                if miss.offset > 0 { late.append(miss.offset) } else { early.append(miss.offset) }
            }
        }
        var out: [NearMissAdvice] = []
        if let lo = late.min(), let hi = late.max() {
            let within = settingAbove(hi)
            let grace = settingAbove(hi.subtractingReportingOverflow(rule.within).partialValue)
            out.append(NearMissAdvice(direction: .late, pairs: late.count, minLag: lo, maxLag: hi,
                                      settings: [Setting(name: "within", value: within), Setting(name: "grace", value: grace)]))
        }
        if let lo = early.min(), let hi = early.max() {
            let tolerance = settingAbove(lo == .min ? .max : -lo)
            out.append(NearMissAdvice(direction: .early, pairs: early.count, minLag: lo, maxLag: hi,
                                      settings: [Setting(name: "tolerance", value: tolerance)]))
        }
        return out
    }

    /// A readable duration strictly above `ns` (> 0): one significant digit under a second
    /// (`150us` -> `200us`, `350ms` -> `400ms`), whole seconds under a minute (`3s` -> `4s`),
    /// whole minutes beyond.
    package static func settingAbove(_ ns: Int64) -> Int64 {
        let x = max(1, ns)
        if x >= Int64.max / 2 { return .max }
        if x < 1_000_000_000 {
            var step: Int64 = 1
            while step * 10 <= x { step *= 10 }
            return (x / step + 1) * step
        }
        let step: Int64 = x < 60_000_000_000 ? 1_000_000_000 : 60_000_000_000
        return (x / step + 1) * step
    }
}
