#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns service names as dense Int32 ids (0, 1, 2, ... in first-seen order).
///
/// Looking up bytes of a name already known hashes them (FNV-1a) and compares them in an
/// open-addressing table: no allocation. A new name costs one `[UInt8]` and one `String`.
/// Made with `shared: true`, every call takes a mutex, so reader threads (`watch`) can share
/// one table; a batch run's single thread skips the lock.
/// `@unchecked Sendable`: only a `shared` table is used from several threads, under its mutex.
@_spi(SeamStages) public final class ServiceTable: @unchecked Sendable {
    private var names: [String] = []
    private var bytes: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// Open addressing, linear probing; each entry is an id + 1 (0 = empty). Power-of-two size.
    private var table: [Int32] = Array(repeating: 0, count: 64)

    /// Present when the table is shared between threads.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>?

    @_spi(SeamStages) public init(shared: Bool = false) {
        if shared {
            // Safe: C interop; a pthread mutex must not move, so it lives in its own allocation.
            let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(m, nil)
            mutex = m
        } else {
            mutex = nil
        }
    }

    deinit {
        if let mutex {
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
        }
    }

    @inline(__always)
    private func locked<T>(_ body: () -> T) -> T {
        guard let mutex else { return body() }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Number of names interned.
    @_spi(SeamStages) public var count: Int { locked { names.count } }

    /// The id of `name`, interning it when new.
    @discardableResult
    @_spi(SeamStages) public func intern(_ name: String) -> Int32 {
        var s = name
        return s.withUTF8 { intern(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The id of the name in `bytes` (UTF-8; invalid bytes are kept for identity, repaired with
    /// U+FFFD in `name(_:)`), interning it when new. No allocation when already known.
    @discardableResult
    @_spi(SeamStages) public func intern(bytes: UnsafeRawBufferPointer) -> Int32 {
        locked { internUnlocked(bytes) }
    }

    private func internUnlocked(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let h = Self.hash(bytes)
        if let id = find(bytes, h) { return id }
        let id = Int32(names.count)
        let copy = [UInt8](bytes)
        bytes.isEmpty ? names.append("") : names.append(String(decoding: copy, as: UTF8.self))
        self.bytes.append(copy)
        hashes.append(h)
        if names.count * 2 > table.count { rehash(table.count * 2) } else { insert(id, h) }
        return id
    }

    /// The id of `name` when already interned.
    @_spi(SeamStages) public func id(of name: String) -> Int32? {
        var s = name
        return s.withUTF8 { let b = UnsafeRawBufferPointer($0); return locked { find(b, Self.hash(b)) } }
    }

    /// The id of the name in `bytes` when already interned (no allocation).
    @_spi(SeamStages) public func id(bytes: UnsafeRawBufferPointer) -> Int32? { locked { find(bytes, Self.hash(bytes)) } }

    /// The name of `id` (which must come from this table).
    @_spi(SeamStages) public func name(_ id: Int32) -> String { locked { names[Int(id)] } }

    private func find(_ key: UnsafeRawBufferPointer, _ h: UInt64) -> Int32? {
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = table[i]
            if e == 0 { return nil }
            let id = Int(e - 1)
            if hashes[id] == h && bytes[id].count == key.count {
                let same = bytes[id].withUnsafeBytes { stored in
                    key.count == 0 || memcmp(stored.baseAddress!, key.baseAddress!, key.count) == 0
                }
                if same { return Int32(id) }
            }
            i = (i + 1) & mask
        }
    }

    private func insert(_ id: Int32, _ h: UInt64) {
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while table[i] != 0 { i = (i + 1) & mask }
        table[i] = id + 1
    }

    private func rehash(_ size: Int) {
        table = Array(repeating: 0, count: size)
        for id in 0..<names.count { insert(Int32(id), hashes[id]) }
    }

    /// FNV-1a, 64-bit, with a final mix so the low bits (the table index) spread well.
    @inline(__always)
    static func hash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in b { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        return h ^ (h >> 32)
    }
}
