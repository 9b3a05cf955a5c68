#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the packed values of a claim longer than `ClaimValues.inlineCapacity` live: one
/// allocated block per claim (a header with its count of owners, then the bytes), addressed by
/// a handle that is the block's address.
///
/// Why blocks and not an array inside `ClaimValues`: an array field made every observation,
/// held send and pending claim a non-trivial value, so each copy went through a value witness
/// and a retain (4-5% of `check`'s CPU, for a field that is nil in nearly every claim). With the
/// bytes here, `ClaimValues` is a plain 64-byte value. Why not a table behind a lock: with every
/// key long, the lock cost 16% of CPU on one thread and 85% of wall on two (the workers making
/// claims against the correlator reading them; BENCHMARKS.md, session 9). A block is read with
/// no lock, as the array was.
///
/// Ownership (`ClaimValues`, "Ownership"): `store` gives one owner; `retain` adds one,
/// `release` drops one, and the last drop frees the block. The count is not atomic: a claim
/// with more than one owner is only ever shared on one thread (the spool hands out a retained
/// copy on the merge thread); between threads a claim moves whole, through a queue's mutex.
///
/// Invariants (unsafe code, ARCHITECTURE.md): a handle names a block that is allocated and
/// carries `magic`, with `owners >= 1` and `count <= capacity`, from `store` until its last
/// `release`. Checked: `magic` on every use (`precondition`: a block freed and not yet reused is
/// caught in release builds too); in debug builds (the test suite) every handle is also looked up
/// in a registry of live blocks, so a claim used after its last release, or released twice,
/// traps rather than reading freed memory, and `live` counts them for the leak tests. The
/// sanitizer runs (`Scripts/sanitize`) check the rest.
@_spi(SeamStages) public enum LongClaims {
    /// A stored claim: its block's address.
    @_spi(SeamStages) public struct Handle: Equatable, Sendable {
        @usableFromInline let word: UInt64

        @usableFromInline init(word: UInt64) { self.word = word }

        var block: UnsafeMutableRawPointer {
            // Safe: a handle is only made from a block's address (`store`), and read back from a
            // claim's first inline word, which holds one whenever the claim is long.
            UnsafeMutableRawPointer(bitPattern: UInt(word))!
        }
    }

    /// Block header: magic, owners, count, capacity (each 8 bytes), then the bytes.
    private static let headerSize = 32
    private static let magic: UInt64 = 0x5EA3_C1A1_4C0A_1D5E

    /// Stores `bytes` with one owner (and room to grow by `append` while it is being packed).
    @_spi(SeamStages) public static func store(_ bytes: UnsafeRawBufferPointer, reserving extra: Int = 0) -> Handle {
        let capacity = bytes.count + extra
        let p = UnsafeMutableRawPointer.allocate(byteCount: headerSize + capacity, alignment: 8)
        p.storeBytes(of: magic, as: UInt64.self)
        p.storeBytes(of: 1, toByteOffset: 8, as: Int.self)
        p.storeBytes(of: bytes.count, toByteOffset: 16, as: Int.self)
        p.storeBytes(of: capacity, toByteOffset: 24, as: Int.self)
        if let src = bytes.baseAddress, bytes.count > 0 { (p + headerSize).copyMemory(from: src, byteCount: bytes.count) }
        let h = Handle(word: UInt64(UInt(bitPattern: p)))
        #if DEBUG
        registry.add(h)
        #endif
        return h
    }

    /// Appends to a claim being packed (one owner, not yet shared); may move its block, so the
    /// handle it returns replaces `h`.
    @usableFromInline static func append(_ h: Handle, _ bytes: UnsafeRawBufferPointer) -> Handle {
        let p = checked(h)
        precondition(p.load(fromByteOffset: 8, as: Int.self) == 1, "a shared long claim grows")
        let count = p.load(fromByteOffset: 16, as: Int.self)
        let capacity = p.load(fromByteOffset: 24, as: Int.self)
        if count + bytes.count <= capacity {
            if let src = bytes.baseAddress, bytes.count > 0 { (p + headerSize + count).copyMemory(from: src, byteCount: bytes.count) }
            p.storeBytes(of: count + bytes.count, toByteOffset: 16, as: Int.self)
            return h
        }
        let grown = store(UnsafeRawBufferPointer(start: p + headerSize, count: count),
                          reserving: Swift.max(bytes.count, count))
        deallocate(h)
        return append(grown, bytes)
    }

    /// The stored bytes, valid while the caller owns (or borrows from an owner of) the claim.
    @_spi(SeamStages) public static func bytes(_ h: Handle) -> UnsafeRawBufferPointer {
        let p = checked(h)
        return UnsafeRawBufferPointer(start: p + headerSize, count: p.load(fromByteOffset: 16, as: Int.self))
    }

    /// Adds an owner.
    @_spi(SeamStages) public static func retain(_ h: Handle) {
        let p = checked(h)
        p.storeBytes(of: p.load(fromByteOffset: 8, as: Int.self) + 1, toByteOffset: 8, as: Int.self)
    }

    /// Drops an owner; the last one frees the block.
    @_spi(SeamStages) public static func release(_ h: Handle) {
        let p = checked(h)
        let owners = p.load(fromByteOffset: 8, as: Int.self)
        if owners > 1 {
            p.storeBytes(of: owners - 1, toByteOffset: 8, as: Int.self)
        } else {
            deallocate(h)
        }
    }

    private static func deallocate(_ h: Handle) {
        let p = h.block
        #if DEBUG
        registry.remove(h)
        #endif
        p.storeBytes(of: 0, as: UInt64.self)  // a later use of the handle fails `checked` (until reused)
        p.deallocate()
    }

    /// The block of a live handle; traps on one freed (always while its memory is not reused; in
    /// debug builds, always).
    @inline(__always)
    private static func checked(_ h: Handle) -> UnsafeMutableRawPointer {
        #if DEBUG
        registry.check(h)
        #endif
        let p = h.block
        precondition(p.load(as: UInt64.self) == magic, "a long claim was used after its last owner released it")
        return p
    }

    /// Long claims stored and not yet released by their last owner: counted in debug builds (the
    /// leak tests), nil in release builds.
    @_spi(SeamStages) public static var live: Int? {
        #if DEBUG
        return registry.count
        #else
        return nil
        #endif
    }

    #if DEBUG
    /// The live blocks, for the debug checks.
    private final class Registry: @unchecked Sendable {  // Safe: every access holds `mutex`.
        private var blocks = Set<UInt64>()
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>

        init() {
            mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
        }

        private func locked<R>(_ body: () -> R) -> R {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return body()
        }

        func add(_ h: Handle) { _ = locked { blocks.insert(h.word) } }
        func remove(_ h: Handle) { locked { precondition(blocks.remove(h.word) != nil, "a long claim released twice") } }
        func check(_ h: Handle) {
            locked { precondition(blocks.contains(h.word), "a long claim was used after its last owner released it") }
        }
        var count: Int { locked { blocks.count } }
    }

    private static let registry = Registry()
    #endif
}
