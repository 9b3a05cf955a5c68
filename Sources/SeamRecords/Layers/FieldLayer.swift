/// One level of a record format inside `FormatDecoder`: text already in the `FieldTable`'s work
/// buffer in, named fields in the table out. The one scan interface every non-plain format
/// implements (lnav's `log_format` is the model): text pattern, Docker, CRI, JSON/logfmt, and
/// `NestedLayer`, which wraps any of them around the format of a record held in a field.
/// (CSV is the outer framing of `FormatDecoder`, since its records span lines and start with
/// a header; its columns then go through the same nested layers.)
///
/// Layers are built once per source (`make`), with every name they write resolved to a table
/// index then, so that a record costs no name lookup.
protocol FieldLayer: AnyObject {
    /// Decodes work[start..<start+count] into fields; false when the text is malformed for
    /// this layer. May append decoded values to the buffer (it calls `table.ensure` first).
    func decode(_ table: FieldTable, start: Int, count: Int) -> Bool
}

extension FormatLayer {
    /// The layer chain this spec layer describes, its names resolved in `table`; `plan` is the
    /// JSON/logfmt layers' plan (the record plan extended by the names the spec reads).
    /// `outer`: the source's own layer (an auto-detected outer syntax is kept once seen; an
    /// inner one is detected per record). Nil for CSV without an inner record (CSV is framing).
    func makeLayer(table: FieldTable, plan: FieldPlan, outer: Bool) -> (any FieldLayer)? {
        let own: (any FieldLayer)?
        switch kind {
        case .csv: own = nil
        case .text(let pattern): own = TextLayer(pattern: pattern, table: table)
        case .docker: own = DockerLayer(table: table)
        case .cri: own = CRILayer(table: table)
        case .json: own = FieldsLayer(syntax: .json, locks: false, plan: plan, table: table)
        case .logfmt: own = FieldsLayer(syntax: .logfmt, locks: false, plan: plan, table: table)
        case .auto: own = FieldsLayer(syntax: nil, locks: outer, plan: plan, table: table)
        }
        guard let inner else { return own }
        let innerLayer = inner.layer.makeLayer(table: table, plan: plan, outer: false)!
        return NestedLayer(outer: own, field: table.index(of: inner.field), inner: innerLayer)
    }
}

/// A layer wrapped around the record one of its fields holds (a JSON app line in Docker's
/// `log`, a Docker line in a CSV column): decodes `outer` (if any: CSV columns are already in
/// the table), then `inner` from the field's value. The inner fields join the outer record's
/// (the outer ones win on equal names, `FieldTable.set`). Malformed when the field is absent.
final class NestedLayer: FieldLayer {
    let outer: (any FieldLayer)?
    let field: Int
    let inner: any FieldLayer

    init(outer: (any FieldLayer)?, field: Int, inner: any FieldLayer) {
        self.outer = outer
        self.field = field
        self.inner = inner
    }

    func decode(_ table: FieldTable, start: Int, count: Int) -> Bool {
        if let outer, !outer.decode(table, start: start, count: count) { return false }
        guard table.isPresent(field) else { return false }
        return inner.decode(table, start: table.start(field), count: table.count(field))
    }
}
