/// How the sources whose path matches a glob are read: their format, where their time and
/// service come from, and fields derived from others. Built by the spec's `sources:` list.
///
/// A source takes the first entry whose `path` matches its display path; a source that no entry
/// matches is auto-detected (JSON lines or logfmt). `SourceDecoder.make` turns an entry into
/// the source's `RecordFormat`, once per source.
@_spi(SeamStages) public struct SourceFormat: Sendable, Equatable {
    /// Which display paths this entry applies to.
    @_spi(SeamStages) public var path: PathGlob?
    /// How one line (record) becomes fields, possibly with a record nested in a field.
    @_spi(SeamStages) public var layer: FormatLayer
    /// Where the time is: a field and, for text times, a layout.
    @_spi(SeamStages) public var time: TimeSource?
    /// Where the service is: a fixed name, or a field (optionally cut by a regex).
    @_spi(SeamStages) public var service: ServiceSource?
    /// Fields computed after decoding, in order (a later one may read an earlier one).
    @_spi(SeamStages) public var derive: [DerivedField]

    @_spi(SeamStages) public init(path: PathGlob?, layer: FormatLayer = FormatLayer(kind: .auto), time: TimeSource? = nil,
                service: ServiceSource? = nil, derive: [DerivedField] = []) {
        self.path = path
        self.layer = layer
        self.time = time
        self.service = service
        self.derive = derive
    }

    /// The entry for a source: the first whose glob matches `displayName` (nil: auto-detect).
    @_spi(SeamStages) public static func first(in formats: [SourceFormat], for displayName: String) -> SourceFormat? {
        formats.first { $0.path?.matches(displayName) ?? true }
    }
}

/// One level of record format; `inner` names a field holding another record to unwrap.
@_spi(SeamStages) public struct FormatLayer: Sendable, Equatable {
    @_spi(SeamStages) public enum Kind: Sendable, Equatable {
        /// JSON lines or logfmt, detected from the first line (as without a spec entry).
        case auto
        case json
        case logfmt
        /// Named groups of a regular expression become fields; a line it does not match is malformed.
        case text(TextPattern)
        /// Comma-separated values; the source's first record is the header naming the columns.
        case csv
        /// Docker json-file: `{"log":"<line>\n","stream":"stdout","time":"..."}` gives `log`
        /// (without its final newline), `stream`, `time`.
        case docker
        /// CRI (containerd, CRI-O): `<time> <stream> <P|F> <line>` gives `time`, `stream`, `flags`, `log`.
        case cri
    }

    @_spi(SeamStages) public var kind: Kind
    /// A field of this layer's record that holds a record in another format.
    @_spi(SeamStages) public var inner: InnerRecord? {
        get { innerStorage.first }
        set { innerStorage = newValue.map { [$0] } ?? [] }
    }
    // An array breaks the value-type recursion FormatLayer -> InnerRecord -> FormatLayer.
    private var innerStorage: [InnerRecord]

    @_spi(SeamStages) public init(kind: Kind, inner: InnerRecord? = nil) {
        self.kind = kind
        self.innerStorage = inner.map { [$0] } ?? []
    }

    /// The names of the fields this kind makes when they are fixed (not CSV, JSON or logfmt).
    var fixedNames: [String] {
        switch kind {
        case .text(let p): return p.names
        case .docker: return ["log", "stream", "time"]
        case .cri: return ["time", "stream", "flags", "log"]
        case .auto, .json, .logfmt, .csv: return []
        }
    }
}

/// A field whose value is itself a record (a Docker JSON line in a CSV column, a JSON app line in
/// Docker's `log`); its fields join the outer record's (the outer ones win on equal names).
@_spi(SeamStages) public struct InnerRecord: Sendable, Equatable {
    @_spi(SeamStages) public var field: String
    @_spi(SeamStages) public var layer: FormatLayer
    @_spi(SeamStages) public init(field: String, layer: FormatLayer) {
        self.field = field
        self.layer = layer
    }
}

/// Where a source's event time is.
@_spi(SeamStages) public struct TimeSource: Sendable, Equatable {
    @_spi(SeamStages) public var field: String
    /// nil: RFC 3339 / ISO 8601 or epoch, as for JSON (`Timestamp`).
    @_spi(SeamStages) public var layout: TimeLayout?
    @_spi(SeamStages) public init(field: String, layout: TimeLayout?) {
        self.field = field
        self.layout = layout
    }
}

/// Where a source's service name is.
@_spi(SeamStages) public enum ServiceSource: Sendable, Equatable {
    /// Every record of the source has this service.
    case name(String)
    /// The field's value, or the part a regex picks: its group `service`, else its first named
    /// group, else the whole match (as for `DerivedField`).
    case field(String, pattern: TextPattern?)
}

extension FormatLayer.Kind {
    /// The syntax a spec's `format: json` / `format: logfmt` forces (it always wins over
    /// detection); nil for `auto` (detect) and the other formats.
    @_spi(SeamStages) public var forcedSyntax: RecordSyntax? {
        switch self {
        case .json: return .json
        case .logfmt: return .logfmt
        default: return nil
        }
    }
}

extension SourceFormat {
    /// True when `RecordDecoder` alone reads this entry exactly: auto, JSON or logfmt with
    /// nothing nested, derived, or taken from elsewhere (a forced syntax still applies).
    @_spi(SeamStages) public var isPlainRecordFormat: Bool {
        guard layer.inner == nil, time == nil, service == nil, derive.isEmpty else { return false }
        switch layer.kind {
        case .auto, .json, .logfmt: return true
        default: return false
        }
    }
}
