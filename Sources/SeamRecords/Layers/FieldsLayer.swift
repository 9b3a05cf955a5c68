/// JSON or logfmt inside `FormatDecoder` (a source with derived fields or a layout time, or a
/// record nested in a field): every planned path present with a scalar value becomes a field
/// named by its path text, decoded (unescaped). The syntax is forced, or detected with
/// `RecordSyntax.detect`: kept once seen when `locks` (the source's own format, as
/// `RecordDecoder` does), else detected per record (a nested record). No allocation per record.
final class FieldsLayer: FieldLayer {
    private let forced: RecordSyntax?
    private let locks: Bool
    private var locked: RecordSyntax?
    private let plan: FieldPlan
    private var json: JSONFieldScanner
    private let logfmt: LogfmtScanner
    private let spans: UnsafeMutablePointer<FieldSpan>
    /// Table index per plan slot.
    private let fields: [Int]

    init(syntax: RecordSyntax?, locks: Bool, plan: FieldPlan, table: FieldTable) {
        forced = syntax
        self.locks = locks
        self.plan = plan
        json = JSONFieldScanner(plan: plan)
        logfmt = LogfmtScanner(plan: plan)
        spans = .allocate(capacity: plan.spanCapacity)
        spans.initialize(repeating: .absent, count: plan.spanCapacity)
        fields = plan.paths.map { table.index(of: $0.text) }
    }

    deinit { spans.deallocate() }

    func decode(_ table: FieldTable, start: Int, count: Int) -> Bool {
        table.ensure(count)
        var start = start, count = count
        let work = table.work
        // A UTF-8 byte order mark is not part of the record (as in `RecordDecoder`).
        if count >= 3, work[start] == 0xEF, work[start + 1] == 0xBB, work[start + 2] == 0xBF {
            start += 3
            count -= 3
        }
        let text = UnsafeRawBufferPointer(start: work + start, count: count)
        guard let syntax = forced ?? locked ?? RecordSyntax.detect(text) else { return false }
        // The locking rule of `RecordSyntax.detect`: JSON at the first `{`, logfmt once it scans.
        switch syntax {
        case .json:
            if locks { locked = .json }
            guard json.scan(text, into: spans) != .malformed else { return false }
        case .logfmt:
            guard logfmt.scan(text, into: spans) else { return false }
            if locks { locked = .logfmt }
        }
        for (s, field) in fields.enumerated() where spans[s].isScalar {
            table.copyScalar(spans[s], base: start, to: field)
        }
        return true
    }
}
