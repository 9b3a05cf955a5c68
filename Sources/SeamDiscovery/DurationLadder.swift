import Foundation

/// Readable durations for a suggested `within`: 1, 2, 5 steps from 1 ms to 10 s, then 15 s,
/// 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 6, 12, 24 h.
enum DurationLadder {
    static let steps: [Int64] = {
        let ms: Int64 = 1_000_000, s = 1000 * ms, m = 60 * s, h = 60 * m
        return [1 * ms, 2 * ms, 5 * ms, 10 * ms, 20 * ms, 50 * ms, 100 * ms, 200 * ms, 500 * ms,
                1 * s, 2 * s, 5 * s, 10 * s, 15 * s, 30 * s, 1 * m, 2 * m, 5 * m, 10 * m, 15 * m, 30 * m,
                1 * h, 2 * h, 6 * h, 12 * h, 24 * h]
    }()

    /// The smallest step at or above `ns` (the largest step when beyond them all).
    static func roundUp(_ ns: Int64) -> Int64 {
        steps.first { $0 >= ns } ?? steps.last!
    }

    /// As written in a spec: `200ms`, `5s`, `2m`, `1h`.
    static func text(_ ns: Int64) -> String {
        let ms: Int64 = 1_000_000
        if ns % (3600 * 1000 * ms) == 0 { return "\(ns / (3600 * 1000 * ms))h" }
        if ns % (60 * 1000 * ms) == 0 { return "\(ns / (60 * 1000 * ms))m" }
        if ns % (1000 * ms) == 0 { return "\(ns / (1000 * ms))s" }
        if ns % ms == 0 { return "\(ns / ms)ms" }
        return "\(ns)ns"
    }

    /// A lag for a person: `312 ms`, `7.3 s`, `2.1 min`.
    static func describe(_ ns: Int64) -> String {
        let v = Double(ns)
        if abs(v) < 1_000_000 { return String(format: "%.0f us", v / 1_000) }
        if abs(v) < 1_000_000_000 { return String(format: "%.0f ms", v / 1_000_000) }
        if abs(v) < 60_000_000_000 { return String(format: "%.1f s", v / 1_000_000_000) }
        return String(format: "%.1f min", v / 60_000_000_000)
    }
}
