@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamAlignment
import SeamDiagnosis

/// One line of a coverage file (`seam extract`): what one source contributed besides its
/// observation rows, or one input problem not tied to a source that could be opened.
///
/// The coverage file is JSON lines, one account per line, so that the files of many extract
/// tasks join by concatenation (`cat`, Spark's `collect`) and a line can never be half another
/// task's. Correlation needs every source's `extents` (coverage is judged over all the input,
/// not per partition) and `participants` (a wildcard side is judged over every service that
/// took part in its rule); the merge needs the rest to print what `seam check` prints.
public struct InputAccount: Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// A source that was opened (read whole or not: its `stats.errors` say).
        case source
        /// A path that gave no source (`not-found`, a symlink loop, ...): `error` only.
        case error
    }

    /// A service's smallest and largest event time in this source (coverage, SEMANTICS.md).
    public struct Extent: Codable, Sendable, Equatable {
        public var service: String
        public var first: Int64
        public var last: Int64
        public init(service: String, first: Int64, last: Int64) {
            self.service = service
            self.first = first
            self.last = last
        }
    }

    /// A service that sent (`send`) or received under rule `rule` in this source.
    public struct Participant: Codable, Sendable, Hashable {
        public var rule: Int32
        public var side: String
        public var service: String
        public init(rule: Int32, side: String, service: String) {
            self.rule = rule
            self.side = side
            self.service = service
        }
    }

    public var kind: Kind
    /// The source's index in input order (`InputPosition.source`); for an error, its order
    /// among the run's errors.
    public var index: Int
    /// How many sources the run has, when the extract task knew it: the merge then names every
    /// source whose account is missing.
    public var sources: Int?
    /// Display name (as `seam check` names it).
    public var name: String
    public var stats: SourceStats?
    public var extents: [Extent]
    public var participants: [Participant]
    /// Observation rows written for this source: the merge checks that correlation read them all.
    public var rows: UInt64
    /// Names seen in the source's first lines (`InputSampler`), for diagnoses; nil past the
    /// sampler's source limit.
    package var sample: InputSample?
    public var error: InputError?

    package init(index: Int, sources: Int?, name: String, stats: SourceStats, extents: [Extent],
                 participants: [Participant], rows: UInt64, sample: InputSample?) {
        self.kind = .source
        self.index = index
        self.sources = sources
        self.name = name
        self.stats = stats
        self.extents = extents
        self.participants = participants
        self.rows = rows
        self.sample = sample
    }

    public init(index: Int, error: InputError) {
        self.kind = .error
        self.index = index
        self.name = error.source
        self.extents = []
        self.participants = []
        self.rows = 0
        self.error = error
    }
}
