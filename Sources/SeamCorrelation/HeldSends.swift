@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamAlignment
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sends held per handoff (rule, key), sorted by (time, input order) within each handoff.
///
/// Sends live in one slab (`[Send]` plus a free list), linked per handoff; an open-addressing
/// table (linear probing, load <= 1/2) maps (rule, key) to its first and last send. So holding,
/// pairing and forgetting a send allocate nothing once the slab and table have grown to the
/// most sends ever open at once, and a key's bytes are hashed once per observation (`hash`).
///
/// Complexity: `find` O(1) expected; `insert` O(1) when sends of a key arrive in time order,
/// else O(sends of the key); `takeLatestUnpaired` O(sends of the key later than the window +
/// paired ones in it); `remove` O(1) expected.
struct HeldSends {
    /// One held send. `prev`/`next`: neighbours in its handoff's list (-1: none).
    struct Send {
        var time: Int64
        var position: InputPosition
        var values: ClaimValues
        var hash: Int
        var rule: Int32
        /// The sending service (A) and the receiver it names (-1: none), for pair tallies and
        /// coverage under wildcard sides.
        var service: Int32
        var peer: Int32
        var paired: Bool
        var prev: Int32
        var next: Int32
    }

    /// One handoff's list; `head < 0` marks an empty slot.
    private struct Slot {
        var hash: Int
        var rule: Int32
        var head: Int32
        var tail: Int32
        static let empty = Slot(hash: 0, rule: 0, head: -1, tail: -1)
    }

    private(set) var sends: [Send] = []
    private var free: [Int32] = []
    private var slots = [Slot](repeating: .empty, count: 16)
    /// Handoffs (rule, key) with at least one send held.
    private(set) var handoffs = 0
    /// Sends held.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// The hash `find` and `insert` take, of rule and key bytes: a wyhash-style multiply-fold
    /// keyed by two secrets drawn from the system random generator at start, as Go's runtime
    /// hashes map keys without AES. Keys crafted to collide cannot be prepared without the
    /// secrets; about 30 instructions for a 10-byte key, where SipHash (`Hasher`) took 250.
    static func hash(rule: Int32, key: UnsafeRawBufferPointer) -> Int {
        let s0 = secrets.0, s1 = secrets.1
        let n = key.count
        var h = s0 ^ (UInt64(UInt32(bitPattern: rule)) &* 0x9E37_79B9_7F4A_7C15)
        var a: UInt64 = 0, b: UInt64 = 0
        if let p = key.baseAddress {
            var i = 0
            while n - i > 16 {
                h = fold(p.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ s1,
                         p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) ^ h)
                i += 16
            }
            let r = n - i
            if r >= 8 {
                a = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                b = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if r >= 4 {
                a = UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                b = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else if r > 0 {
                a = UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << 16
                    | UInt64(p.load(fromByteOffset: i + r / 2, as: UInt8.self)) << 8
                    | UInt64(p.load(fromByteOffset: n - 1, as: UInt8.self))
            }
        }
        return Int(truncatingIfNeeded: fold(s1 ^ UInt64(n), fold(a ^ s1, b ^ h)))
    }

    /// Both halves of the 128-bit product, folded.
    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        return hi ^ lo
    }

    /// The hash's secrets, odd so no factor is trivially zero.
    private static let secrets: (UInt64, UInt64) = {
        var g = SystemRandomNumberGenerator()
        return (g.next() | 1, g.next() | 1)
    }()

    /// Lets go of the claims of every send still held (the correlator is going away).
    mutating func releaseAll() {
        // Free places hold empty claims (`remove`), for which `release` does nothing.
        for i in sends.indices { sends[i].values.release() }
    }

    subscript(_ i: Int32) -> Send {
        get { sends[Int(i)] }
    }

    /// The slot of handoff (rule, key), if a send of it is held.
    ///
    /// `mutating` although it changes nothing: the correlator's table is then reached in place.
    /// A non-mutating call on a class's stored struct copies it first, retaining its three arrays.
    mutating func find(rule: Int32, hash: Int, key: UnsafeRawBufferPointer) -> Int? {
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let s = slots[i]
            if s.head < 0 { return nil }
            if s.hash == hash && s.rule == rule && sends[Int(s.head)].values.withKey({ Self.same($0, key) }) { return i }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    private static func same(_ a: UnsafeRawBufferPointer?, _ b: UnsafeRawBufferPointer) -> Bool {
        guard let a else { return false }
        return ShortBytes.equal(a, b)
    }

    /// Holds a keyed send; returns its index (stable until `remove`).
    mutating func insert(time: Int64, position: InputPosition, values: ClaimValues, hash: Int, rule: Int32,
                         service: Int32 = -1, peer: Int32 = -1) -> Int32 {
        let node = Send(time: time, position: position, values: values, hash: hash, rule: rule, service: service,
                        peer: peer, paired: false, prev: -1, next: -1)
        let index: Int32
        if let f = free.popLast() {
            index = f
            sends[Int(f)] = node
        } else {
            index = Int32(sends.count)
            sends.append(node)
        }
        count += 1
        let at = values.withKey { find(rule: rule, hash: hash, key: $0!) }
        if let at {
            link(index, into: at)
        } else {
            if (handoffs + 1) * 2 > slots.count { grow() }
            let mask = slots.count - 1
            var i = hash & mask
            while slots[i].head >= 0 { i = (i + 1) & mask }
            slots[i] = Slot(hash: hash, rule: rule, head: index, tail: index)
            handoffs += 1
        }
        return index
    }

    /// Links `index` into slot `at`'s list after the last send not later than it.
    private mutating func link(_ index: Int32, into at: Int) {
        let t = sends[Int(index)].time, p = sends[Int(index)].position
        var after = slots[at].tail
        while after >= 0, (sends[Int(after)].time, sends[Int(after)].position) > (t, p) { after = sends[Int(after)].prev }
        sends[Int(index)].prev = after
        if after >= 0 {
            let next = sends[Int(after)].next
            sends[Int(index)].next = next
            sends[Int(after)].next = index
            if next >= 0 { sends[Int(next)].prev = index } else { slots[at].tail = index }
        } else {
            let head = slots[at].head
            sends[Int(index)].next = head
            sends[Int(head)].prev = index
            slots[at].head = index
        }
    }

    /// In slot `at`'s list: marks as paired and returns the latest unpaired send with time in
    /// [lo, hi] (latest by time, then input order), and the latest paired one passed on the way.
    mutating func takeLatestUnpaired(slot at: Int, from lo: Int64, to hi: Int64) -> (taken: Int32?, pairedInWindow: Int32?) {
        var pairedInWindow: Int32?
        var i = slots[at].tail
        while i >= 0, sends[Int(i)].time > hi { i = sends[Int(i)].prev }
        while i >= 0, sends[Int(i)].time >= lo {
            if !sends[Int(i)].paired {
                sends[Int(i)].paired = true
                return (i, pairedInWindow)
            }
            if pairedInWindow == nil { pairedInWindow = i }
            i = sends[Int(i)].prev
        }
        return (nil, pairedInWindow)
    }

    /// Forgets send `index` and returns it, its claim now the caller's to release; its
    /// handoff's slot goes when it was the last.
    /// A send inside its list needs no slot; one at an end finds its slot by hash and node
    /// index, without comparing keys.
    mutating func remove(_ index: Int32) -> Send {
        let node = sends[Int(index)]
        if node.prev >= 0 { sends[Int(node.prev)].next = node.next }
        if node.next >= 0 { sends[Int(node.next)].prev = node.prev }
        if node.prev < 0 || node.next < 0 {
            let at = slotIndex(of: index, hash: node.hash, isHead: node.prev < 0)
            if node.prev < 0 { slots[at].head = node.next }
            if node.next < 0 { slots[at].tail = node.prev }
            if slots[at].head < 0 { deleteSlot(at) }
        }
        sends[Int(index)].values = ClaimValues()  // a free place holds no claim
        free.append(index)
        count -= 1
        return node
    }

    /// The slot whose list starts (`isHead`) or ends at send `index`.
    private func slotIndex(of index: Int32, hash: Int, isHead: Bool) -> Int {
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let s = slots[i]
            precondition(s.head >= 0, "held send without its handoff")
            if (isHead ? s.head : s.tail) == index { return i }
            i = (i + 1) & mask
        }
    }

    /// Backward-shift deletion: keeps every probe chain unbroken without tombstones.
    private mutating func deleteSlot(_ at: Int) {
        let mask = slots.count - 1
        var hole = at
        var i = (at + 1) & mask
        while slots[i].head >= 0 {
            let home = slots[i].hash & mask
            // Move slot i into the hole when its home does not lie in (hole, i] cyclically.
            let inRange = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i)
            if !inRange {
                slots[hole] = slots[i]
                hole = i
            }
            i = (i + 1) & mask
        }
        slots[hole] = .empty
        handoffs -= 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: .empty, count: old.count * 2)
        let mask = slots.count - 1
        for s in old where s.head >= 0 {
            var i = s.hash & mask
            while slots[i].head >= 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}
