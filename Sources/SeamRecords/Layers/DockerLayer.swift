/// Docker json-file: `{"log":"<line>\n","stream":"stdout","time":"..."}` gives `log` (without
/// its final newline, and a CR before it), `stream` and `time`. No allocation per record.
final class DockerLayer: FieldLayer {
    static let names = ["log", "stream", "time"]
    private var scanner: JSONFieldScanner
    private let spans: UnsafeMutablePointer<FieldSpan>
    private let spanCount: Int
    /// Table index per name of `names`.
    private let fields: [Int]

    init(table: FieldTable) {
        let plan = FieldPlan(paths: Self.names.map { FieldPath($0) })
        scanner = JSONFieldScanner(plan: plan)
        spanCount = plan.spanCapacity
        spans = .allocate(capacity: spanCount)
        spans.initialize(repeating: .absent, count: spanCount)
        fields = Self.names.map { table.index(of: $0) }
    }

    deinit { spans.deallocate() }

    func decode(_ table: FieldTable, start: Int, count: Int) -> Bool {
        // Room for the decoded values (never longer than the text) and `true`/`false`.
        table.ensure(count + 16)
        let text = UnsafeRawBufferPointer(start: table.work + start, count: count)
        guard scanner.scan(text, into: spans) != .malformed else { return false }
        for (s, field) in fields.enumerated() where spans[s].isScalar {
            table.copyScalar(spans[s], base: start, to: field)
        }
        let log = fields[0]
        guard table.isPresent(log) else { return false }
        if table.count(log) > 0, table.work[table.start(log) + table.count(log) - 1] == 0x0A { table.dropLast(log) }
        if table.count(log) > 0, table.work[table.start(log) + table.count(log) - 1] == 0x0D { table.dropLast(log) }
        return true
    }
}
