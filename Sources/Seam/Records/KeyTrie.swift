#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The compiled trie of wanted keys: nodes with edges labelled by key bytes.
///
/// Node 0 is the root (the top-level object). A node's `target` is the span index filled by the
/// value at that key (or -1); `hasChildren` tells the scanner to descend into an object value.
/// Memory is allocated once and freed in `deinit`; the scanners read it through raw pointers to
/// stay free of bounds checks and reference counting on the hot path.
@usableFromInline
final class KeyTrie: @unchecked Sendable {
    @usableFromInline struct Node {
        @usableFromInline var edgeStart: Int32
        @usableFromInline var edgeCount: Int32
        @usableFromInline var target: Int32
    }

    @usableFromInline struct Edge {
        @usableFromInline var length: Int32
        @usableFromInline var keyOffset: Int32
        @usableFromInline var child: Int32
        /// First min(8, length) key bytes, little-endian, zero-padded: a cheap first filter.
        @usableFromInline var prefix: UInt64
    }

    @usableFromInline let nodes: UnsafeMutablePointer<Node>
    @usableFromInline let nodeCount: Int
    @usableFromInline let edges: UnsafeMutablePointer<Edge>
    @usableFromInline let keyBytes: UnsafeMutablePointer<UInt8>
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
        flatNodes.append(Node(edgeStart: 0, edgeCount: 0, target: -1))
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
                flatEdges.append(Edge(length: Int32(key.count), keyOffset: Int32(keys.count),
                                      child: Int32(queue.count), prefix: prefix))
                keys.append(contentsOf: key)
                queue.append(child)
                flatNodes.append(Node(edgeStart: 0, edgeCount: 0, target: -1))
            }
        }
        nodeCount = flatNodes.count
        nodes = .allocate(capacity: max(1, flatNodes.count))
        nodes.initialize(from: flatNodes, count: flatNodes.count)
        edges = .allocate(capacity: max(1, flatEdges.count))
        edges.initialize(from: flatEdges, count: flatEdges.count)
        keyBytes = .allocate(capacity: max(1, keys.count))
        keyBytes.initialize(from: keys, count: keys.count)
        alternateCount = alternates.count
        alternateSlot = .allocate(capacity: max(1, alternates.count))
        alternateSlot.initialize(from: alternates, count: alternates.count)
        levelCount = maxComponents + 1
        targetCount = paths.count + alternates.count
    }

    deinit {
        nodes.deallocate()
        edges.deallocate()
        keyBytes.deallocate()
        alternateSlot.deallocate()
    }

    /// The child of `node` for the key bytes `key[0..<length]`, or -1. Linear in the node's edges
    /// (a handful); the 8-byte prefix rejects almost every mismatch in one compare.
    @inlinable @inline(__always)
    func child(of node: Int32, key: UnsafePointer<UInt8>, length: Int, prefix: UInt64) -> Int32 {
        let nd = nodes[Int(node)]
        var e = Int(nd.edgeStart)
        let end = e + Int(nd.edgeCount)
        while e < end {
            let edge = edges[e]
            if Int(edge.length) == length && edge.prefix == prefix {
                if length <= 8 { return edge.child }
                if memcmp(keyBytes + Int(edge.keyOffset) + 8, key + 8, length - 8) == 0 { return edge.child }
            }
            e += 1
        }
        return -1
    }

    /// Little-endian, zero-padded first min(8, length) bytes of `key` (never reads past `length`).
    @inlinable @inline(__always)
    static func prefix(_ key: UnsafePointer<UInt8>, length: Int) -> UInt64 {
        if length >= 8 { return UnsafeRawPointer(key).loadUnaligned(as: UInt64.self).littleEndian }
        var v: UInt64 = 0
        var i = 0
        while i < length { v |= UInt64(key[i]) << (8 * UInt64(i)); i += 1 }
        return v
    }
}
