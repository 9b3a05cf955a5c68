/// A loaded, validated handoff spec: which fields give time, service and event, and the rules.
///
/// Made by `SpecLoader`; every rule already satisfies `within > 0`, `grace >= 0`,
/// `tolerance >= 0`, and names are unique.
public struct HandoffSpec: Sendable, Equatable {
    /// The spec format version; always 1 for now.
    public var version: Int
    /// Field lists, with the spec's `fields:` block applied over the defaults.
    public var fields: FieldConfig
    /// The handoff rules in spec order; `Finding.rule` indexes this array.
    public var rules: [HandoffRule]

    public init(version: Int = 1, fields: FieldConfig = FieldConfig(), rules: [HandoffRule]) {
        self.version = version
        self.fields = fields
        self.rules = rules
    }
}
