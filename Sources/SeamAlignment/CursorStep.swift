@_spi(SeamStages) import SeamInput

/// What one step of a `SourceCursor` produced, and the cursor's state at its end: what the
/// thread that reads a source hands to the one that merges or correlates (`SourceFeed` in a
/// batch run, `HandoffWatch` live). Made by `SourceCursor.finishStep`.
@_spi(SeamStages) public struct CursorStep {
    @_spi(SeamStages) public var observations: [Observation]
    /// Where the watermark may move inside the step (counts relative to `observations`).
    var marks: [StepMark]
    /// Per service: the smallest and largest event time of the step.
    @_spi(SeamStages) public var extents: [(service: Int32, first: Int64, last: Int64)]
    @_spi(SeamStages) public var stats: SourceStats
    /// Events so far that ran more than the reorder bound behind the source's latest time.
    @_spi(SeamStages) public var disorderedEvents: UInt64
    /// How far behind the latest time the most belated of those came (ns).
    @_spi(SeamStages) public var maxLateness: Int64
    /// The cursor's `lowerBound` after the step.
    @_spi(SeamStages) public var lowerBound: Int64
    /// False once the source ended.
    @_spi(SeamStages) public var more: Bool
}

/// Where a step stood every `markEvery` lines: how many observations it had made and the
/// source's lower bound then, so that the merge can move the watermark inside a step and
/// the correlator holds one mark's worth of observations ahead of it, not a whole step's.
struct StepMark: Equatable {
    var count: Int
    var lowerBound: Int64
}
