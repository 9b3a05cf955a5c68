/// The decoder's reusable memory: span storage, the JSON scanner's memory and a scratch buffer
/// for unescaping. One object, so that the decoder's value semantics cost one uniqueness check
/// per line for all of it (`scan` is never shared: it is unique whenever this object is).
///
/// Invariants: `spans` holds `max(1, spanCapacity)` spans (the plan's `spanCapacity`: every
/// slot and alternate); the scratch holds at least the capacity last asked (asserted), and may
/// move on the next ask, so no pointer to it is kept across records.
final class DecoderBuffers {
    let spans: UnsafeMutablePointer<FieldSpan>
    let scan: ScanBuffers
    private var scratchBuffer: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    init(spanCapacity: Int, scan: ScanBuffers) {
        self.scan = scan
        spans = .allocate(capacity: max(1, spanCapacity))
        spans.initialize(repeating: .absent, count: max(1, spanCapacity))
        scratchCapacity = 4096
        scratchBuffer = .allocate(capacity: scratchCapacity)
    }

    deinit {
        spans.deallocate()
        scratchBuffer.deallocate()
    }

    /// A scratch buffer of at least `capacity` bytes (grows by doubling, never shrinks).
    @inline(__always)
    func scratch(capacity: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity > scratchCapacity {
            scratchBuffer.deallocate()
            while scratchCapacity < capacity { scratchCapacity *= 2 }
            scratchBuffer = .allocate(capacity: scratchCapacity)
        }
        assert(capacity <= scratchCapacity)
        return scratchBuffer
    }
}
