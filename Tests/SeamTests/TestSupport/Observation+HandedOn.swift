@_spi(SeamStages) @testable import SeamAlignment

extension Observation {
    /// This observation with a claim of its own (a long one copied into a new block), for a
    /// test that keeps its copy while a correlator takes, and must release, the one it is given
    /// (`ClaimValues`, "Ownership"): a release the correlator forgets then shows in
    /// `LongClaims.live`, which counts blocks, not owners.
    var handedOn: Observation {
        var o = self
        o.values = values.withBytes { ClaimValues(packed: $0) }
        return o
    }
}
