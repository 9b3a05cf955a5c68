/// The compiled trie of wanted keys: nodes with edges labelled by key bytes.
///
/// Node 0 is the root (the top-level object). A node's `target` is the span index filled by the
/// value at that key (or -1); a node with edges (`edgeCount > 0`) tells the scanner to descend
/// into an object value.
/// Memory is allocated once and freed in `deinit`; the scanners read it through raw pointers to
/// stay free of bounds checks and reference counting on the hot path. Invariants, fixed at
/// init: every node's edges, table and every edge's key bytes lie inside their arrays, and
/// children are nodes (`child` asserts the node it is given in debug builds).
///
/// Lookup: a node with more than `linearEdges` edges (the root, with every wanted top-level key
/// and the time/service/event alternatives) has an open-addressing table over (length, 8-byte
/// prefix), so an unwanted key costs about one probe instead of a compare per edge.
/// `@unchecked Sendable`: filled once while the plan is built, then only read, from any thread.
@usableFromInline
final class KeyTrie: @unchecked Sendable {
    @usableFromInline struct Node {
        @usableFromInline var edgeStart: Int32
        @usableFromInline var edgeCount: Int32
        @usableFromInline var target: Int32
        /// The node's hash table: `tableMask + 1` entries at `table + tableStart` (mask 0: none,
        /// search the edges linearly).
        @usableFromInline var tableStart: Int32
        @usableFromInline var tableMask: Int32
    }

    /// Nodes with at most this many edges are searched linearly.
    @usableFromInline static let linearEdges = 4

    @usableFromInline struct Edge {
        @usableFromInline var length: Int32
        @usableFromInline var keyOffset: Int32
        @usableFromInline var child: Int32
        /// First min(8, length) key bytes, little-endian, zero-padded: a cheap first filter.
        @usableFromInline var prefix: UInt64
        /// Last 8 key bytes, little-endian, when length > 8 (else 0): with `prefix` it settles
        /// keys of up to 16 bytes in two word compares.
        @usableFromInline var tail: UInt64
    }

    @usableFromInline let nodes: UnsafeMutablePointer<Node>
    @usableFromInline let nodeCount: Int
    @usableFromInline let edges: UnsafeMutablePointer<Edge>
    @usableFromInline let keyBytes: UnsafeMutablePointer<UInt8>
    /// Hash tables of wide nodes: edge index + 1 per entry, 0 when empty.
    @usableFromInline let table: UnsafeMutablePointer<Int32>
    @usableFromInline let alternateSlot: UnsafeMutablePointer<Int32>
    @usableFromInline let alternateCount: Int
    /// Deepest object level that can hold a wanted key (root = 0), plus one for captures.
    @usableFromInline let levelCount: Int
    /// Number of targets (slots + alternates).
    @usableFromInline let targetCount: Int

    init(paths: [FieldPath]) {
        // Build with Swift collections first, then flatten in breadth-first order so that each
        // node's edges are contiguous.
        final class Builder {
            var children: [[UInt8]: Builder] = [:]
            var order: [[UInt8]] = []
            var target: Int32 = -1
            func child(_ key: [UInt8]) -> Builder {
                if let c = children[key] { return c }
                let c = Builder()
                children[key] = c
                order.append(key)
                return c
            }
        }
        let root = Builder()
        var alternates: [Int32] = []
        var maxComponents = 1
        for (slot, path) in paths.enumerated() {
            root.child(Array(path.text.utf8)).target = Int32(slot)
            if path.components.count > 1 {
                maxComponents = max(maxComponents, path.components.count)
                var node = root
                for c in path.components { node = node.child(Array(c.utf8)) }
                node.target = Int32(paths.count + alternates.count)
                alternates.append(Int32(slot))
            }
        }
        var flatNodes: [Node] = []
        var flatEdges: [Edge] = []
        var keys: [UInt8] = []
        var queue: [Builder] = [root]
        var head = 0
        var tables: [Int32] = []
        flatNodes.append(Node(edgeStart: 0, edgeCount: 0, target: -1, tableStart: 0, tableMask: 0))
        while head < queue.count {
            let b = queue[head]
            let index = head
            head += 1
            flatNodes[index].target = b.target
            flatNodes[index].edgeStart = Int32(flatEdges.count)
            flatNodes[index].edgeCount = Int32(b.order.count)
            for key in b.order {
                let child = b.children[key]!
                var prefix: UInt64 = 0
                for (i, byte) in key.prefix(8).enumerated() { prefix |= UInt64(byte) << (8 * UInt64(i)) }
                var tail: UInt64 = 0
                if key.count > 8 {
                    for (i, byte) in key.suffix(8).enumerated() { tail |= UInt64(byte) << (8 * UInt64(i)) }
                }
                flatEdges.append(Edge(length: Int32(key.count), keyOffset: Int32(keys.count),
                                      child: Int32(queue.count), prefix: prefix, tail: tail))
                keys.append(contentsOf: key)
                queue.append(child)
                flatNodes.append(Node(edgeStart: 0, edgeCount: 0, target: -1, tableStart: 0, tableMask: 0))
            }
            if b.order.count > Self.linearEdges {
                var size = 8
                while size < 2 * b.order.count { size *= 2 }
                let start = tables.count
                tables += Array(repeating: 0, count: size)
                for e in Int(flatNodes[index].edgeStart)..<flatEdges.count {
                    var h = Self.hash(length: Int(flatEdges[e].length), prefix: flatEdges[e].prefix) & (size - 1)
                    while tables[start + h] != 0 { h = (h + 1) & (size - 1) }
                    tables[start + h] = Int32(e + 1)
                }
                flatNodes[index].tableStart = Int32(start)
                flatNodes[index].tableMask = Int32(size - 1)
            }
        }
        nodeCount = flatNodes.count
        nodes = .copying(flatNodes)
        edges = .copying(flatEdges)
        keyBytes = .copying(keys)
        table = .copying(tables)
        alternateCount = alternates.count
        alternateSlot = .copying(alternates)
        levelCount = maxComponents + 1
        targetCount = paths.count + alternates.count
    }

    deinit {
        nodes.deallocate()
        edges.deallocate()
        keyBytes.deallocate()
        table.deallocate()
        alternateSlot.deallocate()
    }

    /// The child of `node` for the key bytes `key[0..<length]`, or -1. About one probe for a
    /// wide node, else linear in its edges (a handful); the 8-byte prefix rejects almost every
    /// mismatch in one compare.
    @inlinable @inline(__always)
    func child(of node: Int32, key: UnsafePointer<UInt8>, length: Int, prefix: UInt64) -> Int32 {
        assert(node >= 0 && Int(node) < nodeCount, "not a node of this trie")
        let nd = nodes[Int(node)]
        if nd.tableMask != 0 {
            let mask = Int(nd.tableMask)
            let slots = table + Int(nd.tableStart)
            var h = Self.hash(length: length, prefix: prefix) & mask
            while true {
                let entry = Int(slots[h])
                if entry == 0 { return -1 }
                if let c = match(entry - 1, key, length, prefix) { return c }
                h = (h + 1) & mask
            }
        }
        var e = Int(nd.edgeStart)
        let end = e + Int(nd.edgeCount)
        while e < end {
            if let c = match(e, key, length, prefix) { return c }
            e += 1
        }
        return -1
    }

    /// Edge `e`'s child when its key is `key[0..<length]` (whose prefix is `prefix`), else nil.
    /// Up to 16 bytes: two word compares (prefix, then the last 8 bytes); longer keys compare
    /// their middle inline too (`ShortBytes`), no libc call.
    @inlinable @inline(__always)
    func match(_ e: Int, _ key: UnsafePointer<UInt8>, _ length: Int, _ prefix: UInt64) -> Int32? {
        let edge = edges[e]
        guard Int(edge.length) == length && edge.prefix == prefix else { return nil }
        if length <= 8 { return edge.child }
        guard UnsafeRawPointer(key + (length &- 8)).loadUnaligned(as: UInt64.self).littleEndian == edge.tail else {
            return nil
        }
        if length <= 16 || ShortBytes.equal(keyBytes + Int(edge.keyOffset) + 8, key + 8, length &- 16) {
            return edge.child
        }
        return nil
    }

    /// Table index bits of a key (multiplicative hash of its prefix and length).
    @inlinable @inline(__always)
    static func hash(length: Int, prefix: UInt64) -> Int {
        Int(truncatingIfNeeded: ((prefix ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    /// Little-endian, zero-padded first min(8, length) bytes of `key`. Reads no byte past
    /// `key + max(length, min(readable, 8))`: with 8 readable bytes, one load and a mask.
    @inlinable @inline(__always)
    static func prefix(_ key: UnsafePointer<UInt8>, length: Int, readable: Int = 0) -> UInt64 {
        if length >= 8 { return UnsafeRawPointer(key).loadUnaligned(as: UInt64.self).littleEndian }
        if readable >= 8 {
            let v = UnsafeRawPointer(key).loadUnaligned(as: UInt64.self).littleEndian
            return v & ((1 << UInt64(8 * length)) &- 1)
        }
        var v: UInt64 = 0
        var i = 0
        while i < length { v |= UInt64(key[i]) << (8 * UInt64(i)); i += 1 }
        return v
    }
}
