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
    }

    deinit {
        kinds.deallocate()
        levelNode.deallocate()
        captureTarget.deallocate()
        captureStart.deallocate()
        scratch.deallocate()
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
