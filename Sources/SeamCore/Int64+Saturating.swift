/// Overflow-safe time arithmetic: times near the Int64 limits (a line dated year 2262, a window
/// of `Int64.max`) clamp instead of trapping. One definition for every stage.
extension Int64 {
    /// `self - other`, clamped to the representable range instead of trapping.
    @inlinable @_spi(SeamStages) public func subtractingSaturating(_ other: Int64) -> Int64 {
        let (v, o) = subtractingReportingOverflow(other)
        return o ? (other > 0 ? .min : .max) : v
    }

    /// `self + other`, clamped to the representable range instead of trapping.
    @inlinable @_spi(SeamStages) public func addingSaturating(_ other: Int64) -> Int64 {
        let (v, o) = addingReportingOverflow(other)
        return o ? (other > 0 ? .max : .min) : v
    }
}
