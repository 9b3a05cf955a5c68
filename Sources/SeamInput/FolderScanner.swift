#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds files that appear in followed folders (`watch --follow DIR`), once each.
///
/// A scan lists the folders recursively (entries starting with `.` skipped, links followed, a
/// directory reached twice walked once) and returns, in byte order of their paths, the regular
/// files whose name matches `include` (an `fnmatch(3)` pattern such as `*.log`; nil: every
/// file) that are new:
/// - a path already followed is its follower's business (a recreated `app.log` is the same
///   stream, switched to by `FollowedFile`), unless that follower ended (the file was deleted):
///   then a file under that path again is new;
/// - a file some follower read under another name (same device and inode: `app.log` renamed to
///   `app.log.1` by rotation) is not new, so no line is read twice.
/// A copy made by `copytruncate` is a new file with old lines: keep such copies out with
/// `include`. O(entries) per scan, a `stat` each; no file is opened.
@_spi(SeamStages) public final class FolderScanner {
    @_spi(SeamStages) public let folders: [String]
    @_spi(SeamStages) public let include: String?
    private let control: FollowControl
    /// Paths followed, with their follower.
    private var known: [String: FollowedFile] = [:]

    @_spi(SeamStages) public init(folders: [String], include: String?, control: FollowControl) {
        self.folders = folders
        self.include = include
        self.control = control
    }

    /// Marks a path followed from the start (the initial expansion), so a scan skips it.
    @_spi(SeamStages) public func note(path: String, follower: FollowedFile) { known[path] = follower }

    /// Whether a file name (its last path component) is one to follow.
    @_spi(SeamStages) public func includes(_ path: String) -> Bool {
        guard let include else { return true }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return fnmatch(include, name, 0) == 0
    }

    /// New files to follow, in path order. The caller makes each a source and calls `note`.
    @_spi(SeamStages) public func scan() -> [String] {
        var found: [(String, FileIdentity)] = []
        var visited: Set<FileIdentity> = []
        for folder in folders { list(folder, into: &found, visited: &visited) }
        found.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        control.retain(only: Set(found.map(\.1)))
        var new: [String] = []
        for (path, id) in found where includes(path) {
            if let follower = known[path], !follower.hasEnded { continue }  // its follower's
            if control.isKnown(id) { continue }  // read already, under this name or another
            new.append(path)
        }
        return new
    }

    private func list(_ dir: String, into found: inout [(String, FileIdentity)], visited: inout Set<FileIdentity>) {
        var st = stat()
        guard stat(dir, &st) == 0, visited.insert(FileIdentity(st)).inserted,
              let names = FileIdentity.visibleNames(in: dir) else { return }
        let prefix = dir.hasSuffix("/") ? dir : dir + "/"
        for name in names {
            let full = prefix + name
            guard stat(full, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFREG: found.append((full, FileIdentity(st)))
            case S_IFDIR: list(full, into: &found, visited: &visited)
            default: continue
            }
        }
    }
}
