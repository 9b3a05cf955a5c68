/// Limits and knobs of a `Correlator`.
@_spi(SeamStages) public struct CorrelatorOptions: Sendable, Equatable {
    /// Most sends + receives held at once; past it the oldest are resolved as evicted.
    @_spi(SeamStages) public var maxOpen: Int
    /// Examples kept per verdict kind in each tally.
    @_spi(SeamStages) public var examplesPerKind: Int
    /// Event-time silence of a receiver, with sends to it pending, that triggers a `silent`
    /// notice (nanoseconds).
    @_spi(SeamStages) public var idleBound: Int64
    /// Gaps (unconfirmed sends, orphan receives) kept by key for near misses (`GapIndex`).
    @_spi(SeamStages) public var gapCapacity: Int
    /// Wildcard coverage (SEMANTICS.md "Wildcard sides") against every service that took part
    /// in the rule in the whole run: an unpaired side that looks judged against the services
    /// known so far is held until `finish` (a batch run; memory O(such findings)). False
    /// (`watch`): judged at once against the services known so far.
    @_spi(SeamStages) public var wildcardsAtEnd: Bool = false

    @_spi(SeamStages) public init(maxOpen: Int = 1_000_000, examplesPerKind: Int = 5, idleBound: Int64 = 30_000_000_000,
                gapCapacity: Int = 65_536) {
        self.maxOpen = maxOpen
        self.examplesPerKind = examplesPerKind
        self.idleBound = idleBound
        self.gapCapacity = gapCapacity
    }
}
