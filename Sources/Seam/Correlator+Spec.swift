@_spi(SeamStages) import SeamCorrelation
import SeamSpec
@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamRecords

extension Correlator {
    /// The correlator for `spec`'s rules under `options`, with each rule's fixed services
    /// interned in `services` (-1 for a wildcard side). One place for check, correlate and watch.
    ///
    /// `batch`: the whole input is known at the end (check, correlate), so a wildcard rule learns
    /// every participating service only then; otherwise (watch) open handoffs also close after
    /// `options.idleBound` of silence.
    static func make(spec: HandoffSpec, options: RunOptions, services: ServiceTable, coverage: CoverageTracker,
                     sink: FindingSink?, batch: Bool) -> Correlator {
        var correlatorOptions = CorrelatorOptions(maxOpen: options.maxOpen, examplesPerKind: options.examplesPerKind,
                                                  gapCapacity: options.gapCapacity)
        if batch { correlatorOptions.wildcardsAtEnd = true } else { correlatorOptions.idleBound = options.idleBound }
        return Correlator(rules: spec.rules,
                          fromService: spec.rules.map { $0.fromParty.service.map { services.intern($0) } ?? -1 },
                          toService: spec.rules.map { $0.toParty.service.map { services.intern($0) } ?? -1 },
                          coverage: coverage, options: correlatorOptions, sink: sink, services: services)
    }
}
