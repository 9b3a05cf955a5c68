#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands the paths of a command line into sources, in input order.
///
/// - A file (regular or FIFO) is one source, as given. `-` is standard input.
/// - A directory is walked recursively; its files come in byte order of their full paths.
///   Symbolic links to files and directories are followed. A link back to a directory that
///   is on the current walk (an ancestor) is a loop: reported once as `.symlinkLoop`, never
///   followed. A directory or file reached a second time by another route inside the same
///   argument (e.g. a `current -> 2026-11-29` link) is read once, under its first path in
///   sorted order, so events are not doubled.
/// - Inside walked directories, entries whose name starts with `.` are skipped (editor swap
///   files, `.git`, rotation state), and so are sockets and devices. A path given explicitly
///   is used whatever its name.
/// - A missing path (or dangling link) is `.notFound`; one that cannot be read or listed is
///   `.unreadable`; a socket or device given explicitly is `.unsupported`.
///
/// `defaultService` is the `services` mapping of the longest given key that is the path itself
/// or a directory above it (keys are paths as given, trailing `/` ignored; `-` maps stdin),
/// else the file name up to its first `.` (`orders.jsonl.gz` -> `orders`), else nil.
/// O(entries * log(entries)) for the sort.
public enum SourceWalker {
    public static func expand(_ paths: [String], services: [String: String] = [:])
        -> (sources: [SourceDescriptor], errors: [InputError])
    {
        var walker = Walk(services: services)
        for path in paths { walker.add(path) }
        return (walker.sources, walker.errors)
    }

    /// The service named by a file name: up to its first `.`; nil when that is empty.
    static func serviceFromFileName(_ path: String) -> String? {
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        let stem = name.prefix { $0 != "." }
        return stem.isEmpty ? nil : String(stem)
    }

    private struct FileID: Hashable {
        var device: UInt64
        var inode: UInt64
        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }

    private struct Walk {
        let services: [String: String]
        var sources: [SourceDescriptor] = []
        var errors: [InputError] = []
        /// Loop links already reported, so one loop is reported once per run.
        var reportedLoops: Set<String> = []

        init(services: [String: String]) {
            var normalized: [String: String] = [:]
            for (key, name) in services { normalized[Walk.trimSlashes(key)] = name }
            self.services = normalized
        }

        static func trimSlashes(_ path: String) -> String {
            var p = Substring(path)
            while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
            return String(p)
        }

        mutating func add(_ path: String) {
            if path == "-" {
                append(location: .standardInput, name: "-", service: services["-"])
                return
            }
            var st = stat()
            guard stat(path, &st) == 0 else {
                report(path, errno: errno)
                return
            }
            switch st.st_mode & S_IFMT {
            case S_IFREG, S_IFIFO:
                if access(path, R_OK) != 0 {
                    report(path, errno: errno)
                } else {
                    append(location: .file(path: path), name: path, service: service(for: path))
                }
            case S_IFDIR:
                var files: [(path: String, id: FileID)] = []
                var visited: Set<FileID> = [FileID(st)]
                walk(path, ancestors: [FileID(st)], visited: &visited, files: &files)
                files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
                var seen: Set<FileID> = []
                for file in files where seen.insert(file.id).inserted {
                    append(location: .file(path: file.path), name: file.path, service: service(for: file.path))
                }
            default:
                errors.append(InputError(code: .unsupported, source: path, offset: nil,
                                         message: "not a file, directory or FIFO"))
            }
        }

        /// Collects the readable files under `dir` (unsorted). `ancestors` are the
        /// directories on the current path, for loop detection.
        mutating func walk(_ dir: String, ancestors: [FileID], visited: inout Set<FileID>,
                           files: inout [(path: String, id: FileID)])
        {
            guard let handle = opendir(dir) else {
                report(dir, errno: errno)
                return
            }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                if !name.hasPrefix(".") { names.append(name) }
            }
            closedir(handle)
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let prefix = dir.hasSuffix("/") ? dir : dir + "/"
            for name in names {
                let full = prefix + name
                var st = stat()
                guard stat(full, &st) == 0 else {
                    report(full, errno: errno)
                    continue
                }
                let id = FileID(st)
                switch st.st_mode & S_IFMT {
                case S_IFREG, S_IFIFO:
                    if access(full, R_OK) != 0 {
                        report(full, errno: errno)
                    } else {
                        files.append((full, id))
                    }
                case S_IFDIR:
                    if ancestors.contains(id) {
                        reportLoop(full)
                    } else if visited.insert(id).inserted {
                        walk(full, ancestors: ancestors + [id], visited: &visited, files: &files)
                    }
                default:
                    continue  // sockets, devices: not logs
                }
            }
        }

        mutating func append(location: SourceDescriptor.Location, name: String, service: String?) {
            sources.append(SourceDescriptor(index: sources.count, location: location,
                                            displayName: name, defaultService: service))
        }

        /// The mapping of the longest key that is `path` or a directory above it, else the file name.
        func service(for path: String) -> String? {
            var best: (length: Int, name: String)?
            for (key, name) in services {
                let matches = path == key || path.hasPrefix(key == "/" ? key : key + "/")
                if matches && key.utf8.count > (best?.length ?? -1) { best = (key.utf8.count, name) }
            }
            return best?.name ?? SourceWalker.serviceFromFileName(path)
        }

        mutating func reportLoop(_ path: String) {
            guard reportedLoops.insert(path).inserted else { return }
            errors.append(InputError(code: .symlinkLoop, source: path, offset: nil,
                                     message: "symbolic link leads back to a directory already on the walk; not followed"))
        }

        mutating func report(_ path: String, errno err: Int32) {
            var lst = stat()
            switch err {
            case ELOOP:
                reportLoop(path)
            case ENOENT, ENOTDIR:
                let dangling = lstat(path, &lst) == 0
                errors.append(InputError(code: .notFound, source: path, offset: nil,
                                         message: dangling ? "dangling symbolic link" : "no such file or directory"))
            default:
                errors.append(InputError(code: .unreadable, source: path, offset: nil,
                                         message: String(cString: strerror(err))))
            }
        }
    }
}
