/// Reusable scanner memory: the container-kind bit stack, per-level trie nodes and captures, and
/// a scratch buffer for escaped keys. Grows, never shrinks; freed in `deinit`. One scanner (one
/// thread) uses it at a time (`JSONFieldScanner` copies it when shared).
///
/// Invariants (asserted in debug builds here; the scanner indexes the level arrays only below
/// `KeyTrie.levelCount`, which is `levels`): `kinds` holds `kindWords * 64` bits and `push`
/// grows it before a deeper container; `levelNode`, `captureTarget`, `captureStart` hold
/// `levels` entries each; `scratch` holds `scratchCapacity >= 256` bytes and moves when
/// `keyScratch` grows it (no pointer to it is kept across keys); `keyCache` holds
/// `keyCacheCount * keyCacheWays` entries, read only at places `ordinal < keyCacheCount`.
@usableFromInline
final class ScanBuffers {
    var kinds: UnsafeMutablePointer<UInt64>
    var kindWords: Int
    let levelNode: UnsafeMutablePointer<Int32>
    let captureTarget: UnsafeMutablePointer<Int32>
    let captureStart: UnsafeMutablePointer<Int32>
    /// Entries in each of `levelNode`, `captureTarget`, `captureStart`.
    let levels: Int
    var scratch: UnsafeMutablePointer<UInt8>
    var scratchCapacity: Int
    /// The n-th top-level keys of recent lines, per n < `keyCacheCount`, as they stood: their
    /// bytes from the opening quote to the colon, and the trie's answer for them. Lines of one
    /// source mostly repeat their keys in order and spacing, so the same bytes at the place of
    /// the next key are that key: one masked compare per way instead of scanning it, looking it
    /// up and finding its colon. `keyCacheWays` entries per place (lines of a few kinds
    /// alternate), replaced in turn (`cachedKey`, `rememberKey`).
    /// Safe: kept, it pays: 2.4% fewer instructions and 3% less CPU on the 256 MB corpus
    /// (BENCHMARKS.md, session 7); its word compares read 24 bytes only where the line has them.
    let keyCache: UnsafeMutablePointer<KeyCacheEntry>
    static let keyCacheCount = 16
    static let keyCacheWays = 4
    /// Per place, the way the next new key replaces.
    let keyCacheVictim: UnsafeMutablePointer<UInt8>

    /// A top-level key's bytes from `"` to `:` (at most `KeyCacheEntry.capacity`, as three
    /// little-endian words and their byte masks; zero past `length`) and its trie node.
    struct KeyCacheEntry {
        static let capacity = 24
        var words: (UInt64, UInt64, UInt64)
        var masks: (UInt64, UInt64, UInt64)
        /// Bytes from the quote to the colon, both included; 0: empty.
        var length: Int
        var node: Int32
        static let empty = KeyCacheEntry(words: (0, 0, 0), masks: (0, 0, 0), length: 0, node: -1)

        /// The entry for the `length` bytes at `bytes` (24 of which may be read) and `node`.
        init(bytes: UnsafeRawPointer, length: Int, node: Int32) {
            precondition(length > 0 && length <= Self.capacity)
            func mask(_ word: Int) -> UInt64 {
                let b = min(max(length - 8 * word, 0), 8)
                return b == 8 ? ~0 : (UInt64(1) << UInt64(8 * b)) &- 1
            }
            masks = (mask(0), mask(1), mask(2))
            words = (bytes.loadUnaligned(as: UInt64.self).littleEndian & masks.0,
                     bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian & masks.1,
                     bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian & masks.2)
            self.length = length
            self.node = node
        }

        private init(words: (UInt64, UInt64, UInt64), masks: (UInt64, UInt64, UInt64), length: Int, node: Int32) {
            self.words = words
            self.masks = masks
            self.length = length
            self.node = node
        }

        /// Whether the 24 readable bytes at `bytes` start with this entry's bytes (never for
        /// the empty entry).
        @inline(__always)
        func matches(_ bytes: UnsafeRawPointer) -> Bool {
            let d = ((bytes.loadUnaligned(as: UInt64.self).littleEndian ^ words.0) & masks.0)
                | ((bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian ^ words.1) & masks.1)
                | ((bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian ^ words.2) & masks.2)
            return d == 0 && length > 0
        }
    }

    init(levels: Int) {
        self.levels = levels
        kindWords = 4
        kinds = .allocate(capacity: kindWords)
        kinds.initialize(repeating: 0, count: kindWords)
        levelNode = .allocate(capacity: levels)
        levelNode.initialize(repeating: -1, count: levels)
        captureTarget = .allocate(capacity: levels)
        captureTarget.initialize(repeating: -1, count: levels)
        captureStart = .allocate(capacity: levels)
        captureStart.initialize(repeating: 0, count: levels)
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity)
        keyCache = .allocate(capacity: Self.keyCacheCount * Self.keyCacheWays)
        keyCache.initialize(repeating: .empty, count: Self.keyCacheCount * Self.keyCacheWays)
        keyCacheVictim = .allocate(capacity: Self.keyCacheCount)
        keyCacheVictim.initialize(repeating: 0, count: Self.keyCacheCount)
    }

    deinit {
        kinds.deallocate()
        levelNode.deallocate()
        captureTarget.deallocate()
        captureStart.deallocate()
        scratch.deallocate()
        keyCache.deallocate()
        keyCacheVictim.deallocate()
    }

    /// The cached key at place `ordinal` whose bytes start the 24 readable bytes at `bytes`.
    @inline(__always)
    func cachedKey(_ ordinal: Int, _ bytes: UnsafeRawPointer) -> UnsafeMutablePointer<KeyCacheEntry>? {
        assert(ordinal >= 0 && ordinal < Self.keyCacheCount, "key cache place out of range")
        let ways = keyCache + ordinal &* Self.keyCacheWays
        for w in 0..<Self.keyCacheWays where ways[w].matches(bytes) { return ways + w }
        return nil
    }

    /// Caches the key of `length` bytes (quote to colon, at most `KeyCacheEntry.capacity`; 24
    /// readable) at `bytes`, found at place `ordinal`, in the way next in turn. Longer: ignored.
    @inline(__always)
    func rememberKey(_ ordinal: Int, _ bytes: UnsafeRawPointer, length: Int, node: Int32) {
        guard length <= KeyCacheEntry.capacity else { return }
        assert(ordinal >= 0 && ordinal < Self.keyCacheCount, "key cache place out of range")
        let victim = Int(keyCacheVictim[ordinal])
        keyCacheVictim[ordinal] = UInt8((victim &+ 1) % Self.keyCacheWays)
        keyCache[ordinal &* Self.keyCacheWays &+ victim] = KeyCacheEntry(bytes: bytes, length: length, node: node)
    }

    /// Records the kind of the container opened at `depth` (0 = top level).
    @inline(__always)
    func push(_ depth: Int, _ isObject: Bool) {
        let word = depth >> 6
        assert(depth >= 0 && word <= kindWords, "container depth skipped a word")
        if word >= kindWords { grow() }
        let bit = UInt64(1) << UInt64(depth & 63)
        if isObject { kinds[word] |= bit } else { kinds[word] &= ~bit }
    }

    @inline(__always)
    func isObject(_ depth: Int) -> Bool {
        assert(depth >= 0 && depth >> 6 < kindWords, "container depth never pushed")
        return kinds[depth >> 6] & (UInt64(1) << UInt64(depth & 63)) != 0
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<UInt64>.allocate(capacity: kindWords * 2)
        bigger.initialize(from: kinds, count: kindWords)
        (bigger + kindWords).initialize(repeating: 0, count: kindWords)
        kinds.deallocate()
        kinds = bigger
        kindWords *= 2
    }

    func keyScratch(capacity: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(capacity, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        assert(capacity <= scratchCapacity)
        return scratch
    }
}
