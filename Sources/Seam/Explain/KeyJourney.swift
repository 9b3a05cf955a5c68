#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation
@_spi(SeamStages) import SeamInput

/// The journey of one key (`seam explain`): every record whose key field, of any handoff and
/// either side, holds the key, across all sources in time order, and the verdicts those
/// records took part in.
///
/// The verdicts are those of a full `HandoffCheck` run on the same input (a sink keeps the
/// findings of this key, confirmed pairs included), so they are exactly what `check` gives for
/// the key. The records come from a second pass over each source (`SourceCursor` with a
/// `JourneySelector`), which reads every key field of every record and keeps the line itself.
/// Sources that cannot be read twice (stdin, a FIFO) are copied to a temporary file first.
///
/// Memory: the run's (open handoffs), plus the findings and records of this key, at most
/// `maxRecords` records (the earliest).
package struct KeyJourney: Sendable {
    /// One record holding the key.
    package struct Record: Sendable, Equatable {
        package var position: InputPosition
        package var time: Int64
        package var service: String
        /// The event name, nil when the record has none.
        package var event: String?
        /// The line as read, cut at `rawLimit` bytes (at a character boundary).
        package var raw: String
        /// Bytes of the line left out of `raw`.
        package var rawCut: Int
        /// The handoff sides this record is (a matching send or receive with this key), in rule
        /// order; empty when only its key field matched.
        package var roles: [Role]
    }

    /// One side of one handoff.
    package struct Role: Sendable, Equatable {
        /// Index of the rule in the spec (`Summary.handoffs`).
        package var rule: Int32
        package var side: Observation.Side
    }

    package var key: String
    /// The records, by (time, input order).
    package var records: [Record]
    /// True when more than `maxRecords` records held the key (the earliest are kept).
    package var recordsCapped: Bool
    /// Every finding of this key, confirmed pairs included, by (time, input order).
    package var verdicts: [Finding]
    /// The run the verdicts come from (names, coverage, near misses, rejected lines).
    package var summary: Summary

    /// Records kept at most.
    package static let maxRecords = 10_000
    /// Bytes of each line kept in `raw`.
    package static let rawLimit = 400

    /// Traces `key` through `paths` (files, folders, `-`).
    package static func trace(spec: HandoffSpec, key: String, paths: [String], services: [String: String] = [:],
                             options: RunOptions = RunOptions()) -> KeyJourney {
        let (sources, errors) = SourceWalker.expand(paths, services: services)
        return trace(spec: spec, key: key, sources: sources, inputErrors: errors, options: options)
    }

    /// Traces `key` through sources already expanded.
    package static func trace(spec: HandoffSpec, key: String, sources: [SourceDescriptor], inputErrors: [InputError] = [],
                             options: RunOptions = RunOptions()) -> KeyJourney {
        var temporary: [String] = []
        defer { for path in temporary { unlink(path) } }
        var errors = inputErrors
        let readable = sources.map { d -> SourceDescriptor in
            guard !EventMerger<HandoffSelector>.isRereadable(d) else { return d }
            switch copyToTemporaryFile(d) {
            case .success(let path):
                temporary.append(path)
                var copy = d
                copy.location = .file(path: path)
                return copy
            case .failure(let e):
                errors.append(e)
                return d
            }
        }
        let sink = KeyFindings(key: key)
        let summary = HandoffCheck(spec: spec, options: options, sink: sink).run(sources: readable, inputErrors: errors)
        let verdicts = sink.findings.sorted { a, b in
            let pa = a.send?.position ?? a.receive!.position, pb = b.send?.position ?? b.receive!.position
            return (a.time, pa.source, pa.line, a.verdict.ordinal) < (b.time, pb.source, pb.line, b.verdict.ordinal)
        }
        let (records, capped) = JourneySelector.records(of: key, spec: spec, sources: readable, options: options)
        return KeyJourney(key: key, records: records, recordsCapped: capped, verdicts: verdicts, summary: summary)
    }

    /// Copies a source that cannot be read twice to a temporary file. The copy is read as the
    /// source was (gzip stays gzip); its name stays the source's.
    private static func copyToTemporaryFile(_ d: SourceDescriptor) -> Result<String, InputError> {
        var template = Array((tmpDir() + "/seam-explain-XXXXXX").utf8CString)
        // Safe: C interop; `utf8CString` is NUL-terminated, and mkstemp rewrites only its XXXXXX.
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            return .failure(InputError(code: .unreadable, source: d.displayName, offset: nil,
                                       message: "could not make a temporary file to read it twice: \(String(cString: strerror(errno)))"))
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(fd) }
        let input: Int32
        switch d.location {
        case .standardInput: input = 0
        case .file(let p): input = open(p, O_RDONLY)
        }
        guard input >= 0 else {
            return .failure(InputError(code: .unreadable, source: d.displayName, offset: nil,
                                       message: String(cString: strerror(errno))))
        }
        defer { if input != 0 { close(input) } }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            // Safe: C interop; read and write stay within the buffer (`done < n <= buffer.count`).
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var done = 0
            while done < n {
                let w = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, n - done) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else {
                    unlink(path)
                    return .failure(InputError(code: .unreadable, source: d.displayName, offset: nil,
                                               message: "could not copy it to a temporary file: \(String(cString: strerror(errno)))"))
                }
                done += w
            }
        }
        return .success(path)
    }

    private static func tmpDir() -> String {
        if let t = getenv("TMPDIR"), t.pointee != 0 { return String(cString: t) }
        return "/tmp"
    }
}

/// Keeps the findings of one key, confirmed pairs included (for `KeyJourney`).
final class KeyFindings: FindingSink {
    let key: String
    private(set) var findings: [Finding] = []
    init(key: String) { self.key = key }
    var wantsConfirmed: Bool { true }
    func found(_ f: Finding) { if f.key == key { findings.append(f) } }
    func discardFindings() { findings.removeAll() }
}
