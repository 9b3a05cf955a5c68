@_spi(SeamStages) import SeamRecords

/// Event times as RFC 3339 UTC with milliseconds, e.g. `2026-11-29T12:00:01.234Z`.
package enum TimeText {
    /// Formats nanoseconds since the Unix epoch; times before 1970 are right too
    /// (`-1` ns is `1969-12-31T23:59:59.999Z`: the fraction is cut towards the past).
    /// The Records stage's formatter, so parsed and printed times round-trip.
    package static func rfc3339(_ ns: Int64) -> String { Timestamp.format(ns) }
}
