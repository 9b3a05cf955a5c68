/// CRI (containerd, CRI-O): `<time> <stream> <P|F> <line>` gives `time`, `stream`, `flags` and
/// `log` (empty when the line ends after the flag). Malformed with fewer than three fields.
final class CRILayer: FieldLayer {
    static let names = ["time", "stream", "flags", "log"]
    /// Table index per name of `names`.
    private let fields: [Int]

    init(table: FieldTable) { fields = Self.names.map { table.index(of: $0) } }

    func decode(_ table: FieldTable, start: Int, count: Int) -> Bool {
        let work = table.work
        let end = start + count
        var bounds = (0, 0, 0)
        var found = 0
        var i = start
        while found < 3, i < end {
            if work[i] == 0x20 {
                switch found {
                case 0: bounds.0 = i
                case 1: bounds.1 = i
                default: bounds.2 = i
                }
                found += 1
            }
            i += 1
        }
        if found == 2 { bounds.2 = end; found = 3 }  // `<time> <stream> <flag>` and an empty line
        guard found == 3 else { return false }
        table.set(fields[0], start, bounds.0 - start)
        table.set(fields[1], bounds.0 + 1, bounds.1 - bounds.0 - 1)
        table.set(fields[2], bounds.1 + 1, bounds.2 - bounds.1 - 1)
        let logStart = min(bounds.2 + 1, end)
        table.set(fields[3], logStart, end - logStart)
        return true
    }
}
