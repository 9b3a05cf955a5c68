@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamCorrelation

/// A loaded, validated handoff spec: which fields give time, service and event, and the rules.
///
/// Made by `SpecLoader`; every rule already satisfies `within > 0`, `grace >= 0`,
/// `tolerance >= 0`, and names are unique.
public struct HandoffSpec: Sendable, Equatable {
    /// The spec format version; always 1 for now.
    package var version: Int
    /// Field lists, with the spec's `fields:` block applied over the defaults.
    package var fields: FieldConfig
    /// The handoff rules in spec order; `Finding.rule` indexes this array.
    package var rules: [HandoffRule]
    /// Per-source formats by path glob (`sources:`), in spec order; the first match applies.
    package var sources: [SourceFormat]
    /// Fields derived in every source (`derive:` at the top), after the source's own.
    package var derive: [DerivedField]

    package init(version: Int = 1, fields: FieldConfig = FieldConfig(), rules: [HandoffRule],
                sources: [SourceFormat] = [], derive: [DerivedField] = []) {
        self.version = version
        self.fields = fields
        self.rules = rules
        self.sources = sources
        self.derive = derive
    }

    /// How the source shown as `displayName` is read: its `sources:` entry (the first whose path
    /// matches) with the top-level `derive:` added; nil when neither applies (auto-detect).
    package func format(for displayName: String) -> SourceFormat? {
        let entry = SourceFormat.first(in: sources, for: displayName)
        guard !derive.isEmpty else { return entry }
        var f = entry ?? SourceFormat(path: nil)
        f.derive += derive
        return f
    }
}
