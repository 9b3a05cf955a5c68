import SeamRecords
import SeamAlignment

/// The observation selector for a run: a `HandoffMatcher` compiled lazily per decoder plan.
///
/// Every source's decoder is built from the same config and field paths, so slots agree
/// across sources and one compiled matcher serves them all.
public final class HandoffSelector: ObservationSelector {
    public let rules: [HandoffRule]
    public let fieldPaths: [FieldPath]
    /// By service and event: the key, agree and predicate fields of the sides a record could match.
    public let fieldNeeds: FieldNeeds?
    private let matcher: HandoffMatcher

    public init(rules: [HandoffRule], config: FieldConfig, services: ServiceTable) {
        self.rules = rules
        let paths = HandoffMatcher.fieldPaths(for: rules)
        self.fieldPaths = paths
        self.fieldNeeds = HandoffMatcher.fieldNeeds(for: rules)
        let decoder = RecordDecoder(config: config, extraPaths: paths, services: services)
        self.matcher = HandoffMatcher(rules: rules, decoder: decoder, services: services)
    }

    @inlinable
    public func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {
        matcherObservations(record, position, &out)
    }

    @usableFromInline
    func matcherObservations(_ record: RecordView, _ position: InputPosition, _ out: inout [Observation]) {
        matcher.observations(in: record, position: position, into: &out)
    }
}
