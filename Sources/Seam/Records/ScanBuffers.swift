/// Reusable scanner memory: the container-kind bit stack, per-level trie nodes and captures, and
/// a scratch buffer for escaped keys. Grows, never shrinks; freed in `deinit`.
@usableFromInline
final class ScanBuffers {
    var kinds: UnsafeMutablePointer<UInt64>
    var kindWords: Int
    let levelNode: UnsafeMutablePointer<Int32>
    let captureTarget: UnsafeMutablePointer<Int32>
    let captureStart: UnsafeMutablePointer<Int32>
    var scratch: UnsafeMutablePointer<UInt8>
    var scratchCapacity: Int
    /// The trie's answer for the n-th top-level key of the line before, per n < `keyCacheCount`:
    /// lines of one source mostly repeat their keys in order, so a key equal to the one at its
    /// place last time skips the trie. `length` -1: empty.
    let keyCache: UnsafeMutablePointer<KeyCacheEntry>
    static let keyCacheCount = 16

    /// A top-level key of up to 16 bytes (its first and last 8 bytes, which cover it) and the
    /// trie node it leads to.
    struct KeyCacheEntry {
        var prefix: UInt64
        var last: UInt64
        var length: Int
        var node: Int32
    }

    init(levels: Int) {
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
        keyCache = .allocate(capacity: Self.keyCacheCount)
        keyCache.initialize(repeating: KeyCacheEntry(prefix: 0, last: 0, length: -1, node: -1), count: Self.keyCacheCount)
    }

    deinit {
        kinds.deallocate()
        levelNode.deallocate()
        captureTarget.deallocate()
        captureStart.deallocate()
        scratch.deallocate()
        keyCache.deallocate()
    }

    /// Records the kind of the container opened at `depth` (0 = top level).
    @inline(__always)
    func push(_ depth: Int, _ isObject: Bool) {
        let word = depth >> 6
        if word >= kindWords { grow() }
        let bit = UInt64(1) << UInt64(depth & 63)
        if isObject { kinds[word] |= bit } else { kinds[word] &= ~bit }
    }

    @inline(__always)
    func isObject(_ depth: Int) -> Bool {
        kinds[depth >> 6] & (UInt64(1) << UInt64(depth & 63)) != 0
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
        return scratch
    }
}
