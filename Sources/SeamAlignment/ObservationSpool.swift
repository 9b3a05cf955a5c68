import Glibc
import HeapModule

/// Puts a source's observations in time order when the source itself is not: in memory up to
/// a budget, in sorted runs on temporary files past it, merged back on reading.
///
/// Used for sources that run newest-first or shuffled, so their observations can join the
/// merge in time order instead of all at once. Memory: at most `budget` observations plus one
/// read buffer and one head observation per run. Runs live in anonymous temporary files
/// (`tmpfile`), which the system removes when they are closed or the process ends.
/// Order: (time, input position), the correlator's own order.
final class ObservationSpool {
    /// Observations held in memory before a sorted run is written out.
    let budget: Int
    private var buffer: [Observation] = []
    private var runs: [SpoolRun] = []
    /// Observations written to runs so far.
    private(set) var spilled = 0
    /// Set when a temporary file could not be written; the spool then keeps everything in memory.
    private(set) var spillFailed = false

    init(budget: Int = 1 << 20) {
        self.budget = Swift.max(1, budget)
    }

    /// The spool owns the claims of what it holds in memory (see `ClaimValues`, "Ownership").
    deinit { buffer.releaseClaims() }

    /// Adds one observation. O(1) amortized; O(budget log budget) when a run is written.
    func append(_ o: Observation) {
        buffer.append(o)
        if buffer.count >= budget && !spillFailed { spill() }
    }

    /// True once some observations went to temporary files.
    var usedFiles: Bool { !runs.isEmpty }

    /// Runs kept open at once; past it they are merged into one, so file descriptors stay few.
    static let maxRuns = 64

    private func spill() {
        buffer.sort(by: Self.inOrder)
        guard let run = SpoolRun(writing: buffer) else {
            spillFailed = true
            return
        }
        runs.append(run)
        spilled += buffer.count
        buffer.releaseClaims()  // on file now: read back as new claims
        buffer.removeAll(keepingCapacity: true)
        if runs.count >= Self.maxRuns { compact() }
    }

    /// Merges every run into one (each observation is rewritten O(log_maxRuns n) times overall).
    private func compact() {
        for r in runs { r.rewind() }
        let reader = SpoolReader(memory: [], runs: runs)
        // Each observation read back is a new claim, released once the next is asked for
        // (`SpoolRun` writes one before it reads the next).
        var last: Observation?
        let merged = SpoolRun(writing: AnySequence { AnyIterator { () -> Observation? in
            last?.values.release()
            last = reader.next()
            return last
        } })
        last?.values.release()
        guard let merged else {
            spillFailed = true
            return
        }
        runs = [merged]
    }

    /// A reader of everything appended so far, in time order. May be called again after more
    /// appends (a batch run that restarts reads its spool again); a reader made earlier must not
    /// be used after that.
    func sorted() -> SpoolReader {
        buffer.sort(by: Self.inOrder)
        for r in runs { r.rewind() }
        return SpoolReader(memory: buffer, runs: runs)
    }

    static func inOrder(_ a: Observation, _ b: Observation) -> Bool {
        a.time != b.time ? a.time < b.time : a.position < b.position
    }
}

/// Reads a spool's observations back in time order: a k-way merge of the in-memory run and
/// the file runs. O(log k) per observation. Its in-memory run is a view of the spool's claims:
/// use it only while the spool lives and takes no more appends (`ObservationSpool.sorted()`).
final class SpoolReader {
    private struct Head: Comparable {
        var observation: Observation
        /// -1: the in-memory run; else the index of a file run.
        var run: Int
        static func < (a: Head, b: Head) -> Bool { ObservationSpool.inOrder(a.observation, b.observation) }
        static func == (a: Head, b: Head) -> Bool { a.observation == b.observation && a.run == b.run }
    }

    private let memory: [Observation]
    private var memoryIndex = 0
    private let runs: [SpoolRun]
    private var heads = Heap<Head>()

    init(memory: [Observation], runs: [SpoolRun]) {
        self.memory = memory
        self.runs = runs
        if let first = memory.first {
            heads.insert(Head(observation: first, run: -1))
            memoryIndex = 1
        }
        for (i, r) in runs.enumerated() {
            if let o = r.next() { heads.insert(Head(observation: o, run: i)) }
        }
    }

    /// Heads read back from files and never handed on (a pass that stopped early) are new
    /// claims of this reader's; those from memory are the spool's.
    deinit { heads.unordered.lazy.filter { $0.run >= 0 }.map(\.observation).releaseClaims() }

    /// The time of the next observation, or nil at the end.
    var nextTime: Int64? { heads.min?.observation.time }

    /// True when a temporary file could not be read back whole: observations were lost.
    var failed: Bool { runs.contains { $0.failed } }

    /// The next observation in (time, input position) order; its claim is the caller's (one
    /// from memory is retained, as the spool keeps its own: a pass that starts over reads it
    /// again).
    func next() -> Observation? {
        guard var head = heads.popMin() else { return nil }
        if head.run < 0 {
            if memoryIndex < memory.count {
                heads.insert(Head(observation: memory[memoryIndex], run: -1))
                memoryIndex += 1
            }
        } else if let o = runs[head.run].next() {
            heads.insert(Head(observation: o, run: head.run))
        }
        if head.run < 0 { head.observation.values = head.observation.values.retained() }
        return head.observation
    }
}

/// One sorted run of observations in an anonymous temporary file, in a compact binary form.
final class SpoolRun {
    private let file: UnsafeMutablePointer<FILE>

    /// Writes `observations` (already sorted); nil when no temporary file can be made or written.
    init?<S: Sequence>(writing observations: S) where S.Element == Observation {
        guard let f = tmpfile() else { return nil }
        file = f
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 16)
        for o in observations {
            Self.encode(o, into: &bytes)
            if bytes.count >= 1 << 16 {
                guard flush(&bytes) else { return nil }
            }
        }
        guard flush(&bytes) else { return nil }
    }

    deinit { fclose(file) }

    private func flush(_ bytes: inout [UInt8]) -> Bool {
        // Safe: C interop; writes the array's own count.
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let ok = n == bytes.count
        bytes.removeAll(keepingCapacity: true)
        return ok
    }

    func rewind() {
        Glibc.rewind(file)
        failed = false
    }

    /// Set when a read of the run failed or found it cut short: observations were lost, and
    /// the run that read it must say so (never a smaller, clean-looking result).
    private(set) var failed = false

    /// The next observation of the run, or nil at its end (or on a read error: `failed`).
    func next() -> Observation? {
        guard let time = readInt(Int64.self) else {
            if ferror(file) != 0 { failed = true }
            return nil
        }
        guard let source = readInt(Int32.self), let line = readInt(UInt64.self),
              let rule = readInt(Int32.self), let side = readInt(UInt8.self), let service = readInt(Int32.self),
              let peer = readInt(Int32.self), let length = readInt(UInt32.self),
              let packed = readBytes(Int(length)) else {
            failed = true
            return nil
        }
        let values = packed.withUnsafeBytes { ClaimValues(packed: $0) }
        return Observation(time: time, position: InputPosition(source: source, line: line), rule: rule,
                           side: side == 0 ? .send : .receive, service: service, peer: peer, values: values)
    }

    private func readInt<T: FixedWidthInteger>(_: T.Type) -> T? {
        var v: T = 0
        // Safe: C interop; reads `MemoryLayout<T>.size` bytes into a `T`.
        let n = withUnsafeMutableBytes(of: &v) { fread($0.baseAddress, 1, MemoryLayout<T>.size, file) }
        return n == MemoryLayout<T>.size ? T(littleEndian: v) : nil
    }

    private func readBytes(_ n: Int) -> [UInt8]? {
        if n == 0 { return [] }
        var b = [UInt8](repeating: 0, count: n)
        // Safe: C interop; reads `n` bytes into an array of `n`.
        let got = b.withUnsafeMutableBytes { fread($0.baseAddress, 1, n, file) }
        return got == n ? b : nil
    }

    /// Fixed fields, then the observation's packed key and values as they are.
    static func encode(_ o: Observation, into out: inout [UInt8]) {
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(o.time)
        put(o.position.source)
        put(o.position.line)
        put(o.rule)
        put(o.side == .send ? UInt8(0) : UInt8(1))
        put(o.service)
        put(o.peer)
        o.values.withBytes { b in
            put(UInt32(b.count))
            out.append(contentsOf: b)
        }
    }
}
