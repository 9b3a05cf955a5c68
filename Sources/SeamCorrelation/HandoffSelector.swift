@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamAlignment

/// The observation selector for a run: a `HandoffMatcher` compiled lazily per decoder plan.
///
/// Every source's decoder is built from the same config and field paths, so slots agree
/// across sources and one compiled matcher serves them all.
@_spi(SeamStages) public final class HandoffSelector: ObservationSelector {
    @_spi(SeamStages) public let rules: [HandoffRule]
    @_spi(SeamStages) public let fieldPaths: [FieldPath]
    /// By service and event: the key, agree and predicate fields of the sides a record could match.
    @_spi(SeamStages) public let fieldNeeds: FieldNeeds?
    /// The record plan the matcher was compiled against; handed to every source's decoder.
    @_spi(SeamStages) public let plan: FieldPlan
    private let config: FieldConfig
    private let matcher: HandoffMatcher

    @_spi(SeamStages) public init(rules: [HandoffRule], config: FieldConfig, services: ServiceTable) {
        self.rules = rules
        let paths = HandoffMatcher.fieldPaths(for: rules)
        self.fieldPaths = paths
        self.fieldNeeds = HandoffMatcher.fieldNeeds(for: rules)
        let plan = FieldPlan(config: config, extraPaths: paths)
        self.plan = plan
        self.config = config
        self.matcher = HandoffMatcher(rules: rules, plan: plan, services: services)
    }

    /// The matcher's plan (built once); another config gets a plan of its own.
    @_spi(SeamStages) public func plan(for config: FieldConfig) -> FieldPlan {
        config == self.config ? plan : FieldPlan(config: config, extraPaths: fieldPaths)
    }

    @inlinable
    @_spi(SeamStages) public func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {
        matcherObservations(record, position, &out)
    }

    @usableFromInline
    func matcherObservations(_ record: RecordView, _ position: InputPosition, _ out: inout [Observation]) {
        matcher.observations(in: record, position: position, into: &out)
    }
}
