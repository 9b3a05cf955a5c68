import Glibc

/// Device and inode: what makes a file the same file under another name.
///
/// The walker uses it to read a file reached by two paths once and to stop at directory loops;
/// the follower, to tell a file renamed by rotation (`app.log` -> `app.log.1`) from a new one.
@_spi(SeamStages) public struct FileIdentity: Hashable, Sendable {
    @_spi(SeamStages) public var device: UInt64
    @_spi(SeamStages) public var inode: UInt64
    @_spi(SeamStages) public init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    /// The names in directory `dir` that do not start with a dot, in the order the directory
    /// gives them; nil when it cannot be opened (`errno` says why).
    @_spi(SeamStages) public static func visibleNames(in dir: String) -> [String]? {
        guard let handle = opendir(dir) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }
}
