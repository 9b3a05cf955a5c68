import CZlib
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
/// - A file reached again by another argument (named twice, or by name and inside a folder
///   given too: same device and inode) is read once, under its first path; the later one is a
///   `.duplicateSource` note, which loses no line and leaves the run complete. `-` twice is
///   stdin once.
/// - A tar archive (plain, gzip or zstd; known by `ustar` at offset 257 of its first, decoded,
///   512-byte block, whatever its name) is never read as text: `.tarArchive`, which makes the
///   run incomplete. FIFOs are not probed (that would take their first bytes).
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
@_spi(SeamStages) public enum SourceWalker {
    @_spi(SeamStages) public static func expand(_ paths: [String], services: [String: String] = [:])
        -> (sources: [SourceDescriptor], errors: [InputError])
    {
        var walker = Walk(services: services)
        for path in paths { walker.add(path) }
        return (walker.sources, walker.errors)
    }

    /// The paths among `paths` that are directories (after links), as given: what
    /// `watch --follow` scans for new files.
    @_spi(SeamStages) public static func folders(in paths: [String]) -> [String] {
        paths.filter { path in
            var st = stat()
            return path != "-" && stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
        }
    }

    /// The service named by a file name: up to its first `.`; nil when that is empty.
    @_spi(SeamStages) public static func serviceFromFileName(_ path: String) -> String? {
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        let stem = name.prefix { $0 != "." }
        return stem.isEmpty ? nil : String(stem)
    }

    private struct Walk {
        let services: [String: String]
        var sources: [SourceDescriptor] = []
        var errors: [InputError] = []
        /// Loop links already reported, so one loop is reported once per run.
        var reportedLoops: Set<String> = []
        /// Files (and stdin) already made sources, with the path they were first read under.
        var read: [FileIdentity: String] = [:]
        var readStdin = false

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
                var st = stat()
                let id = fstat(0, &st) == 0 ? FileIdentity(st) : nil
                if readStdin || id.map({ read[$0] != nil }) == true {
                    noteDuplicate("-", first: id.flatMap { read[$0] } ?? "-")
                    return
                }
                readStdin = true
                if let id { read[id] = "-" }
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
                    appendFile(path, id: FileIdentity(st), isFIFO: st.st_mode & S_IFMT == S_IFIFO)
                }
            case S_IFDIR:
                var files: [(path: String, id: FileIdentity, isFIFO: Bool)] = []
                var visited: Set<FileIdentity> = [FileIdentity(st)]
                walk(path, ancestors: [FileIdentity(st)], visited: &visited, files: &files)
                files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
                var seen: Set<FileIdentity> = []
                for file in files where seen.insert(file.id).inserted {
                    appendFile(file.path, id: file.id, isFIFO: file.isFIFO)
                }
            default:
                errors.append(InputError(code: .unsupported, source: path, offset: nil,
                                         message: "not a file, directory or FIFO"))
            }
        }

        /// Collects the readable files under `dir` (unsorted). `ancestors` are the
        /// directories on the current path, for loop detection.
        mutating func walk(_ dir: String, ancestors: [FileIdentity], visited: inout Set<FileIdentity>,
                           files: inout [(path: String, id: FileIdentity, isFIFO: Bool)])
        {
            guard var names = FileIdentity.visibleNames(in: dir) else {
                report(dir, errno: errno)
                return
            }
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let prefix = dir.hasSuffix("/") ? dir : dir + "/"
            for name in names {
                let full = prefix + name
                var st = stat()
                guard stat(full, &st) == 0 else {
                    report(full, errno: errno)
                    continue
                }
                let id = FileIdentity(st)
                switch st.st_mode & S_IFMT {
                case S_IFREG, S_IFIFO:
                    if access(full, R_OK) != 0 {
                        report(full, errno: errno)
                    } else {
                        files.append((full, id, st.st_mode & S_IFMT == S_IFIFO))
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

        /// A file as a source, unless an earlier argument read it already (a note) or it is a
        /// tar archive (an error).
        mutating func appendFile(_ path: String, id: FileIdentity, isFIFO: Bool) {
            if let first = read[id] {
                noteDuplicate(path, first: first)
                return
            }
            read[id] = path
            if !isFIFO, let compression = SourceWalker.tarArchive(path) {
                let flags = switch compression {
                case .plain: "xf"
                case .gzip: "xzf"
                case .zstd: "--zstd -xf"
                }
                errors.append(InputError(
                    code: .tarArchive, source: path, offset: nil,
                    message: "tar archive: unpack it first, e.g. `tar \(flags) \(path)`; "
                        + "reading tar members is not supported yet"))
                return
            }
            append(location: .file(path: path), name: path, service: service(for: path))
        }

        mutating func noteDuplicate(_ path: String, first: String) {
            errors.append(InputError(code: .duplicateSource, source: path, offset: nil,
                                     message: first == path ? "named more than once; read once"
                                         : "same file as \(first) (same device and inode); read once, as \(first)"))
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

    /// How a tar archive is compressed.
    enum TarCompression { case plain, gzip, zstd }

    /// Whether the file at `path` is a tar archive: nil if not, else how it is compressed.
    /// Reads at most 64 KiB of gzip, 256 KiB of zstd (a zstd block, up to 128 KiB, comes out
    /// whole), 512 bytes of anything else; a compressed stream is decoded only up to its first
    /// 512 bytes. zstd without libzstd is not looked into (the
    /// reader reports it as `.zstdUnavailable`).
    static func tarArchive(_ path: String) -> TarCompression? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Every walked file is probed, so the buffer starts at one tar block and grows only for a
        // compressed stream (most files are plain or small-header gzip: 512 bytes, not 256 KiB).
        var raw = [UInt8](repeating: 0, count: 512)
        var count = 0
        var format: DecodeFeed.Format?
        while count < raw.count {
            // Safe: C interop; reads into raw[count...], `count < raw.count` (the loop's condition).
            let n = raw.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
            // Safe: `format` reads at most the first `count` bytes, all of them in `raw`.
            format = raw.withUnsafeBytes { LineReader.format($0.baseAddress!, count) }
            let limit = format == nil ? 512 : format == .gzip ? 1 << 16 : 1 << 18
            if count >= 512 && limit > raw.count { raw += repeatElement(0, count: limit - raw.count) }
        }
        switch format {
        case .gzip?:
            return isTarHeader(inflateHead(raw[..<count], max: 512)) ? .gzip : nil
        case .zstd?:
            return isTarHeader(zstdHead(raw[..<count], max: 512)) ? .zstd : nil
        case nil:
            return isTarHeader(raw[..<min(count, 512)]) ? .plain : nil
        }
    }

    /// `ustar` at offset 257 of a 512-byte block: POSIX and GNU tar headers both have it.
    static func isTarHeader<C: Collection>(_ block: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard block.count >= 512 else { return false }
        let at = block.startIndex + 257
        return block[at..<at + 5].elementsEqual("ustar".utf8)
    }

    /// The first `max` bytes that the gzip stream starting `input` inflates to (fewer when the
    /// stream ends or is damaged first: then it is not a tar header either).
    static func inflateHead(_ input: ArraySlice<UInt8>, max: Int) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        guard seam_inflateInit2(stream, 15 + 16) == Z_OK else { return [] }
        defer { inflateEnd(stream) }
        var out = [UInt8](repeating: 0, count: max)
        var input = Array(input)
        // Safe: C interop; zlib stays within `avail_in`/`avail_out`, the two arrays' counts.
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.pointee.next_in = inBuf.baseAddress
                stream.pointee.avail_in = UInt32(inBuf.count)
                stream.pointee.next_out = outBuf.baseAddress
                stream.pointee.avail_out = UInt32(outBuf.count)
                while stream.pointee.avail_out > 0 {
                    let r = inflate(stream, Z_NO_FLUSH)
                    if r != Z_OK { break }
                }
                return outBuf.count - Int(stream.pointee.avail_out)
            }
        }
        return Array(out[..<produced])
    }

    /// The first `max` bytes that the zstd stream starting `input` decodes to (fewer when it
    /// ends or is damaged first, or libzstd is absent).
    static func zstdHead(_ input: ArraySlice<UInt8>, max: Int) -> [UInt8] {
        guard let decoder = ZstdDecoder(sourceName: "") else { return [] }
        var out = [UInt8](repeating: 0, count: max)
        // Safe: the decoder stays within the two buffers' counts (`ZstdDecoder.inflate`).
        let produced = Array(input).withUnsafeBytes { inBuf in
            out.withUnsafeMutableBytes { decoder.inflate(inBuf, into: $0).produced }
        }
        return Array(out[..<produced])
    }
}
