/// Runs a `DecodeFeed` on its own thread, a few chunks ahead of the thread framing lines.
///
/// `slots` buffers of `slotSize` bytes circulate: the inflate thread fills a free one and
/// queues it; `next()` hands the framing thread the oldest filled one and frees the one it
/// had (its lines are done: `LineReader` copies a line crossing chunks into its carry buffer
/// first). Memory: exactly `slots x slotSize` bytes plus the feed's. Chunk order is input
/// order, so everything downstream is the same as with inline inflate.
final class InflatePipeline {
    /// One filled chunk with the feed's accounting as of it.
    struct Chunk {
        var slot: Int
        /// Bytes in the slot; 0 is the end of the source.
        var count: Int
        var bytesIn: UInt64
        /// Errors met since the previous chunk.
        var errors: [InputError]
        var damaged: Bool
        /// The feed's decoder as of it (zlib once ISA-L handed over).
        var decoder: String
    }

    private let buffers: [UnsafeMutableRawPointer]
    let slotSize: Int
    private let filled: BoundedQueue<Chunk>
    private let free: BoundedQueue<Int>
    private var held: Int?
    private var worker: WorkerThread?

    init(feed: DecodeFeed, slots: Int = 4, slotSize: Int) {
        precondition(slots >= 2 && slotSize > 0)
        let buffers = (0..<slots).map { _ in UnsafeMutableRawPointer.allocate(byteCount: slotSize, alignment: 64) }
        let filled = BoundedQueue<Chunk>(capacity: slots)
        let free = BoundedQueue<Int>(capacity: slots)
        for s in 0..<slots { free.put(s) }
        self.buffers = buffers
        self.slotSize = slotSize
        self.filled = filled
        self.free = free
        worker = WorkerThread {
            var reported = 0
            while let slot = free.take() {
                // Safe: each slot holds `slotSize` bytes; a slot is either free (only this thread
                // writes it) or filled (only the reader reads it), handed over by the two queues.
                let n = feed.fill(UnsafeMutableRawBufferPointer(start: buffers[slot], count: slotSize))
                let errors = reported < feed.errors.count ? Array(feed.errors[reported...]) : []
                reported = feed.errors.count
                let chunk = Chunk(slot: slot, count: n, bytesIn: feed.bytesIn, errors: errors, damaged: feed.damaged,
                                  decoder: feed.decoderName)
                if !filled.put(chunk) || n == 0 { break }
            }
        }
    }

    deinit {
        stop()
        for b in buffers { b.deallocate() }
    }

    /// The buffer of a chunk's slot.
    func buffer(_ slot: Int) -> UnsafeRawPointer { UnsafeRawPointer(buffers[slot]) }

    /// The next chunk, waiting for it; frees the previous one. Nil after `stop()`.
    func next() -> Chunk? {
        if let h = held {
            free.put(h)
            held = nil
        }
        guard let c = filled.take() else { return nil }
        if c.count > 0 { held = c.slot }
        return c
    }

    /// Stops the inflate thread and waits for it. Idempotent.
    func stop() {
        filled.cancel()
        free.cancel()
        worker?.join()
        worker = nil
    }
}
