@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamCorrelation

/// What one correlation task decided about its partition of the keys (`seam correlate`): a
/// tally per handoff, the gaps kept for near misses, and its own problems. Partitions hold
/// disjoint sets of (handoff, key), so their tallies add up to the run's (`Summary.merge`).
///
/// Written as one JSON object on one line, last: a task that died half way leaves a line that
/// does not parse, which the merge reports as an incomplete run naming the file.
public struct PartialSummary: Codable, Sendable {
    /// Version of this layout; the merge refuses another.
    public static let currentSchema = 1
    public var schema = PartialSummary.currentSchema
    /// The spec's YAML text and file name: the merge renders with the rules it holds, and
    /// refuses parts made with different specs.
    public var spec: String
    public var specFile: String
    /// This part's partition and the number of partitions of the run.
    public var partition: Int
    public var partitions: Int
    /// Observation rows read.
    public var rows: UInt64
    package var handoffs: [HandoffTally.Parts]
    package var gaps: [GapIndex.KeyEntries]
    public var gapsDropped: UInt64
    public var gapCapacity: Int
    /// Problems of the task itself (a malformed or unsorted row): each makes the run incomplete.
    public var errors: [InputError]

    package init(spec: String, specFile: String, partition: Int, partitions: Int, rows: UInt64,
                tallies: [HandoffTally], gaps: GapIndex, errors: [InputError]) {
        self.spec = spec
        self.specFile = specFile
        self.partition = partition
        self.partitions = partitions
        self.rows = rows
        self.handoffs = tallies.map(\.parts)
        self.gaps = gaps.keyEntries
        self.gapsDropped = gaps.dropped
        self.gapCapacity = gaps.capacity
        self.errors = errors
    }
}
