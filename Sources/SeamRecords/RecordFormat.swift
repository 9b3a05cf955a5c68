@_spi(SeamStages) import SeamCore

/// One source's record format: the bytes of a line in, a `RecordView` (an event) or a
/// rejection out. The one interface every reader of records (`SourceCursor`, `seam discover`)
/// drives; `SourceFormat.makeDecoder` picks the conforming type once per source, as ripgrep's
/// searcher picks one strategy per reader, so the per-line call is to a concrete type.
///
/// Conforming types: `RecordDecoder` (JSON lines and logfmt: the hot path, spans straight into
/// the line) and `FormatDecoder` (a field table filled by `FieldLayer`s: CSV, text pattern,
/// Docker and CRI wrappers around an inner format, JSON/logfmt with derived fields or a
/// layout time).
@_spi(SeamStages) public protocol RecordFormat {
    /// The plan whose slots the views' spans follow (shared with the observation selector).
    var plan: FieldPlan { get }
    /// The first line number of the record the last `decode` gave to `body` or rejected (a CSV
    /// record spans lines; otherwise the line's own number).
    var recordLine: UInt64 { get }

    /// Decodes line `number` (without its line end). For an event calls `body` exactly once
    /// with the view (valid only inside it) and the record's first line number, and returns
    /// `.event`; else returns the rejection or `.pending` (a line absorbed into a record that
    /// continues, or a CSV header) without calling `body`. `defaultService` is used when no
    /// service field is present.
    mutating func decode(_ line: UnsafeRawBufferPointer, number: UInt64, defaultService: Int32?,
                         _ body: (_ record: RecordView, _ recordLine: UInt64) -> Void) -> RecordOutcome

    /// A record left open at the end of input or before a line the reader rejected (a CSV
    /// quote never closed): its rejection and first line number; nil when none was open.
    mutating func finish() -> (reason: RejectReason, line: UInt64)?
}

/// What one line did (`RecordFormat.decode`).
@_spi(SeamStages) public enum RecordOutcome: Equatable, Sendable {
    /// `body` was called once with the record (at `recordLine`).
    case event
    case rejected(RejectReason)
    /// The line was kept as part of a record that continues (CSV), or was the CSV header:
    /// neither an event nor a rejection, and it does not count as a line.
    case pending
}

/// JSON lines or logfmt: the two self-describing syntaxes, forced by a spec's `format:` or
/// detected by `detect` (the one detection rule of the project).
@_spi(SeamStages) public enum RecordSyntax: Sendable, Equatable {
    case json
    case logfmt

    /// The syntax a line shows: after a UTF-8 byte order mark and whitespace (space, tab, CR,
    /// LF), `{` is JSON and anything else logfmt; nil for a line of whitespace only, which
    /// shows nothing (it is malformed, and detection waits for the next line).
    ///
    /// Who locks what: a source's own format locks JSON at the first `{` line and logfmt at
    /// the first line that scans as logfmt (`RecordDecoder`); a record nested in a field is
    /// detected anew for every record, since one container's output mixes writers. O(leading
    /// whitespace), no allocation.
    @inline(__always)
    @_spi(SeamStages) public static func detect(_ line: UnsafeRawBufferPointer) -> RecordSyntax? {
        guard let base = line.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = line.count
        var i = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
        while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D || p[i] == 0x0A { i += 1 }
        guard i < n else { return nil }
        return p[i] == UInt8(ascii: "{") ? .json : .logfmt
    }
}
