@_spi(SeamStages) import SeamCore

/// A source's `RecordFormat`, chosen once when the source is opened (ripgrep's searcher picks
/// one strategy per reader the same way): readers switch on it once per batch of lines and run
/// a loop specialized for the case, so the per-line decode is a direct call, not a witness-table
/// call (`SourceCursor.step`).
@_spi(SeamStages) public enum SourceDecoder {
    /// JSON lines or logfmt (forced or detected): the hot path.
    case records(RecordDecoder)
    /// Anything else a `sources:` entry describes (CSV, text, Docker/CRI, nested records,
    /// derived fields, a layout time, a service from a field or a name).
    case table(FormatDecoder)

    /// The decoder for a source whose spec entry is `entry` (nil: no entry matched, detect JSON
    /// or logfmt). A `format:` always wins over detection, whatever else the entry says
    /// (`format: json` alone forces JSON on a plain `RecordDecoder`). `plan` is
    /// `FieldPlan(config: config, extraPaths: extraPaths)`, built once and shared with the
    /// observation selector; `needs` lets JSON lines stop early; `maxRecordLength` bounds a
    /// CSV record joined over lines.
    @_spi(SeamStages) public static func make(for entry: SourceFormat?, plan: FieldPlan, config: FieldConfig,
                            extraPaths: [FieldPath], services: ServiceTable, needs: FieldNeeds? = nil,
                            strictJSON: Bool = false, maxRecordLength: Int = 1 << 20) -> SourceDecoder {
        if let entry, !entry.isPlainRecordFormat {
            let d = FormatDecoder(format: entry, plan: plan, config: config, services: services)
            d.maxRecordLength = maxRecordLength
            return .table(d)
        }
        var d = RecordDecoder(plan: plan, config: config, extraPaths: extraPaths, services: services, needs: needs)
        d.strictJSON = strictJSON
        d.format = entry?.layer.kind.forcedSyntax
        return .records(d)
    }
}
