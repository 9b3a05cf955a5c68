/// A decoder's few recently seen service names and their ids, in front of the `ServiceTable`.
///
/// A source names a handful of services, line after line: comparing against up to `capacity`
/// known names costs a few inline compares, where the table hashes every byte (and, shared between
/// threads, takes a lock). Entries are kept in first-seen order and never evicted, so a
/// source with many services just falls through to the table. No allocation after warm-up.
struct ServiceCache {
    static let capacity = 8
    private var names: [[UInt8]] = []
    private var ids: [Int32] = []

    /// The id of the name in `bytes`, interned in `table` when not cached.
    @inline(__always)
    mutating func id(of bytes: UnsafeRawBufferPointer, in table: ServiceTable) -> Int32 {
        for i in names.indices where names[i].count == bytes.count {
            let same = names[i].withUnsafeBytes { n in
                n.count == 0 || ShortBytes.equal(n.baseAddress!, bytes.baseAddress!, n.count)
            }
            if same { return ids[i] }
        }
        let id = table.intern(bytes: bytes)
        if names.count < Self.capacity {
            names.append([UInt8](bytes))
            ids.append(id)
        }
        return id
    }
}
