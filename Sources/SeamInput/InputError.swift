/// A problem that stopped a source from being read whole. It never stops the other sources;
/// it marks the run incomplete (exit 3).
public struct InputError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        /// Path does not exist.
        case notFound = "not-found"
        /// open/read failed (permissions, I/O error, a directory where a file was expected...).
        case unreadable
        /// A directory symlink leads back to a folder already walked.
        case symlinkLoop = "symlink-loop"
        /// The gzip stream ends before its last member is complete.
        case truncatedGzip = "truncated-gzip"
        /// The gzip stream holds invalid deflate data, a bad header, or a bad CRC or length.
        case corruptGzip = "corrupt-gzip"
        /// The zstd stream ends inside a frame.
        case truncatedZstd = "truncated-zstd"
        /// The zstd stream holds data libzstd rejects (a bad frame, block or checksum).
        case corruptZstd = "corrupt-zstd"
        /// A zstd source where libzstd (`libzstd1`) is not installed: not read.
        case zstdUnavailable = "zstd-unavailable"
        /// Something that is neither a regular file, a directory, a FIFO nor stdin.
        case unsupported
        /// A tar archive (plain or gzip): its members are not read; unpack it first.
        case tarArchive = "tar-archive"
        /// The run was stopped (SIGINT, SIGTERM) before the input was read whole.
        case interrupted
        /// A file reached a second time (same device and inode): read once, so a note only.
        case duplicateSource = "duplicate-source"

        /// True for a note that loses no line (a loop not followed, a file not read twice): it
        /// does not make the run incomplete.
        public var isNote: Bool { self == .symlinkLoop || self == .duplicateSource }
    }

    public var code: Code
    /// Display name of the source (path as given, or `-`).
    public var source: String
    /// Byte offset in the source's raw (compressed) bytes where the problem was noticed, if known.
    public var offset: UInt64?
    /// A sentence for people: what happened and what it means for the lines read.
    public var message: String

    @_spi(SeamStages) public init(code: Code, source: String, offset: UInt64?, message: String) {
        self.code = code
        self.source = source
        self.offset = offset
        self.message = message
    }

    public var description: String {
        if let offset { return "\(source): byte \(offset): \(message)" }
        return "\(source): \(message)"
    }
}
