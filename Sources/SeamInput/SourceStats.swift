@_spi(SeamStages) import SeamCore

/// What was read from one source, and what became of it. `lines == events + rejected` always.
public struct SourceStats: Sendable, Equatable, Codable {
    /// Bytes read from the file or pipe (compressed bytes for gzip).
    public var bytesIn: UInt64 = 0
    /// Bytes after decompression (equal to `bytesIn` for plain text).
    public var bytesDecoded: UInt64 = 0
    /// Lines framed (a last line without newline counts).
    public var lines: UInt64 = 0
    /// Lines that became events.
    public var events: UInt64 = 0
    /// Rejected lines by reason.
    public var rejected: [RejectReason: UInt64] = [:]
    /// First rejected line per reason (line number), for the report's examples.
    public var firstRejectedLine: [RejectReason: UInt64] = [:]
    /// Events behind their source's watermark when they arrived (still correlated where open).
    public var outOfOrder: UInt64 = 0
    /// How far behind its source's latest time the most belated out-of-order event came (ns):
    /// a reorder bound above it would have held every event (`watch --reorder`).
    public var maxLateness: Int64 = 0
    /// Errors that stopped reading this source early (the source is then incomplete).
    public var errors: [InputError] = []
    /// True when the source was reordered by time before correlation (newest-first or shuffled).
    public var reordered: Bool = false
    /// Its rejected lines (but blank ones) in runs placed by their neighbouring events, in line
    /// order, at most 64 of them: past that, the two adjacent runs of one reason whose merged span
    /// is the narrowest merge, and `rejectionRunsCapped` says so. Not added up by `add` (runs belong to a source).
    public var rejectionRuns: [RejectionRun] = []
    public var rejectionRunsCapped = false
    /// What decoded it: "zlib" or "isal" (gzip; zlib also where ISA-L handed a damaged member
    /// over), "zstd"; nil for plain text. Not added up by `add`.
    public var inflater: String? = nil

    @_spi(SeamStages) public init() {}

    /// Sum of all rejections.
    public var rejectedTotal: UInt64 { rejected.values.reduce(0, +) }

    /// Counts one rejection, remembering the first line for each reason.
    @_spi(SeamStages) public mutating func reject(_ reason: RejectReason, line: UInt64) {
        rejected[reason, default: 0] += 1
        if firstRejectedLine[reason] == nil { firstRejectedLine[reason] = line }
    }

    /// Adds another source's counts (for totals).
    @_spi(SeamStages) public mutating func add(_ other: SourceStats) {
        bytesIn += other.bytesIn
        bytesDecoded += other.bytesDecoded
        lines += other.lines
        events += other.events
        for (r, n) in other.rejected { rejected[r, default: 0] += n }
        outOfOrder += other.outOfOrder
        maxLateness = max(maxLateness, other.maxLateness)
        errors += other.errors
    }
}
