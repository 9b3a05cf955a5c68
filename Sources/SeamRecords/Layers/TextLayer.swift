/// `format: text`: the named groups of a regular expression become fields; a record it does
/// not match is malformed. Allocates a String per record (`TextPattern.match`).
final class TextLayer: FieldLayer {
    let pattern: TextPattern
    /// Table index per named group.
    private let fields: [Int]

    init(pattern: TextPattern, table: FieldTable) {
        self.pattern = pattern
        fields = pattern.names.map { table.index(of: $0) }
    }

    func decode(_ table: FieldTable, start: Int, count: Int) -> Bool {
        guard let m = pattern.match(UnsafeRawBufferPointer(start: table.work + start, count: count)) else { return false }
        for (k, g) in m.groups.enumerated() {
            if let g { table.set(fields[k], start + g.start, g.count) }
        }
        return true
    }
}
