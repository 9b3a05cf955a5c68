@_spi(SeamStages) import SeamRecords

/// Picks out of a decoded record the handoff observations it makes.
///
/// Alignment moves observations, not records: most lines match no rule and leave nothing but
/// a coverage note behind. The correlation stage supplies the selector (`HandoffMatcher`).
@_spi(SeamStages) public protocol ObservationSelector {
    /// Every field path the selector reads, so the decoder's plan includes them.
    var fieldPaths: [FieldPath] { get }
    /// Which of `fieldPaths` `observations(in:)` reads of a record, by its service and event
    /// name, so the decoder may stop reading a JSON line once those are known; nil: all of them
    /// in every record (the default).
    var fieldNeeds: FieldNeeds? { get }
    /// The field plan of records read with `config` for this selector:
    /// `FieldPlan(config: config, extraPaths: fieldPaths)`. A selector that compiled its own
    /// (`HandoffSelector`) returns it, so every source's decoder shares its slots instead of
    /// rebuilding the plan.
    func plan(for config: FieldConfig) -> FieldPlan
    /// Appends the observations `record` makes to `out`.
    func observations(in record: RecordView, position: InputPosition, into out: inout [Observation])
}

extension ObservationSelector {
    @_spi(SeamStages) public var fieldNeeds: FieldNeeds? { nil }
    @_spi(SeamStages) public func plan(for config: FieldConfig) -> FieldPlan { FieldPlan(config: config, extraPaths: fieldPaths) }
}
