/// One input of a run: a file given on the command line, a file found in a directory, or stdin.
///
/// Input order (SEMANTICS.md) is the order of `index`, then line number.
@_spi(SeamStages) public struct SourceDescriptor: Hashable, Sendable {
    /// Where the bytes come from.
    @_spi(SeamStages) public enum Location: Hashable, Sendable {
        case file(path: String)
        case standardInput
    }

    /// Position of this source in input order (0-based, dense).
    @_spi(SeamStages) public var index: Int
    /// Where to read it.
    @_spi(SeamStages) public var location: Location
    /// Name shown in evidence (`source:line`): the path as given or found, or `-` for stdin.
    @_spi(SeamStages) public var displayName: String
    /// Service for records that name none: a `--service NAME=PATH` mapping, else the file name
    /// up to its first `.`; `nil` for stdin, whose records must then carry a service field.
    @_spi(SeamStages) public var defaultService: String?

    @_spi(SeamStages) public init(index: Int, location: Location, displayName: String, defaultService: String?) {
        self.index = index
        self.location = location
        self.displayName = displayName
        self.defaultService = defaultService
    }
}
