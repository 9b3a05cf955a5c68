extension String {
    /// Without leading and trailing spaces and tabs (what a spec value, a CSV header name or a
    /// flag's list item may carry around it). One definition for every stage and the CLI.
    @_spi(SeamStages) public var trimmingSpaces: String {
        let isSpace = { (c: Character) in c == " " || c == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
