@_spi(SeamStages) import SeamRecords
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The key and agree values one observation carries, packed into one buffer held inline.
///
/// Up to `inlineCapacity` bytes (a UUID key and a few short values) live inside the struct, so
/// making, copying and dropping an observation allocates nothing and touches no reference
/// count: the type is trivially copyable. A larger claim lives in `LongClaims`, and the inline
/// bytes hold its handle. Layout: entries of `tag, length (LEB128), bytes`; the first is the
/// key (tag `keyAbsent` or `keyText`), then one per agree field in the rule's order (`Tag`).
///
/// Ownership of a long claim (`isLong`): the value that made it owns it, and copies are views
/// of it. Whoever holds a claim last (the correlator when it forgets a send or a receive, the
/// spool once a run is on file, a reader that only looked) calls `release()`; a holder that
/// keeps its copy while handing another on gives `retained()`. A long claim read after its last
/// release traps (never someone else's bytes); one never released stays until the process ends
/// (`LongClaims.live` counts them, and the leak tests run every path). Short claims need none of
/// this: `release()` and `retained()` do nothing for them.
///
/// Invariants (asserted in debug builds where `Reader` forms pointers, and on `init(packed:)`):
/// `length <= inlineCapacity` iff the claim is inline, else `storage.0` is its `LongClaims`
/// handle and its block holds `length` bytes; the packed bytes are a whole sequence of
/// entries (`isWellFormed`), each ending inside them: `append` writes only such, and bytes from
/// outside the process are checked before `init(packed:)` (`ObservationRow.parse`, the spool
/// reads back what it wrote). `Reader` trusts the layout.
@_spi(SeamStages) public struct ClaimValues: Sendable {
    /// Kind of one packed value.
    @_spi(SeamStages) public enum Tag: UInt8, Sendable {
        /// Agree field absent or null; for the key: unkeyed.
        case absent = 0
        /// Decoded string text; for the key: the key's text.
        case string = 1
        /// A number's literal text.
        case number = 2
        /// Carries its text, `true`.
        case `true` = 3
        /// Carries its text, `false`.
        case `false` = 4
        /// Raw JSON text of an object or array.
        case composite = 5
    }

    @_spi(SeamStages) public static let inlineCapacity = 56

    @usableFromInline var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0)
    @usableFromInline var length: Int32 = 0

    /// The claim lives in `LongClaims` (its handle in `storage.0`).
    @inlinable @_spi(SeamStages) public var isLong: Bool { Int(length) > Self.inlineCapacity }

    @usableFromInline var handle: LongClaims.Handle { LongClaims.Handle(word: storage.0) }

    /// No key, no values.
    @_spi(SeamStages) public init() {}

    /// Packs a key (nil: unkeyed) and agree values.
    @_spi(SeamStages) public init(key: String?, agree: [FieldValue?]) {
        if var k = key {
            k.withUTF8 { append(.string, UnsafeRawBufferPointer($0)) }
        } else {
            append(.absent, UnsafeRawBufferPointer(start: nil, count: 0))
        }
        for v in agree {
            switch v {
            case nil: append(.absent, UnsafeRawBufferPointer(start: nil, count: 0))
            case .bool(let b)?: Array((b ? "true" : "false").utf8).withUnsafeBytes { append(b ? .true : .false, $0) }
            case .string(let b)?: b.withUnsafeBytes { append(.string, $0) }
            case .number(let b)?: b.withUnsafeBytes { append(.number, $0) }
            case .composite(let b)?: b.withUnsafeBytes { append(.composite, $0) }
            }
        }
    }

    /// True when `packed` is a whole sequence of entries as `append` writes them (tag, LEB128
    /// length, value), each ending inside it. `Reader` trusts the layout; bytes from outside
    /// the process (an observation row) are checked with this first. O(n), index-checked.
    @_spi(SeamStages) public static func isWellFormed(_ packed: [UInt8]) -> Bool {
        var at = 0
        while at < packed.count {
            at += 1
            var n = 0, shift = 0
            while true {
                guard at < packed.count, shift < 63 else { return false }
                let c = packed[at]
                at += 1
                n |= Int(c & 0x7F) << shift
                if c < 0x80 { break }
                shift += 7
            }
            guard n <= packed.count - at else { return false }
            at += n
        }
        return true
    }

    /// Values from their packed bytes (as `withBytes` gave them, e.g. read back from a spool).
    @_spi(SeamStages) public init(packed: UnsafeRawBufferPointer) {
        assert(Self.isWellFormed([UInt8](packed)), "packed values not as `append` writes them")
        if packed.count <= Self.inlineCapacity {
            withUnsafeMutableBytes(of: &storage) { s in
                for k in 0..<packed.count { s[k] = packed[k] }
            }
        } else {
            storage.0 = LongClaims.store(packed).word
        }
        length = Int32(packed.count)
    }

    /// Appends one entry. Allocates only when the claim outgrows `inlineCapacity`.
    @inlinable
    @_spi(SeamStages) public mutating func append(_ tag: Tag, _ bytes: UnsafeRawBufferPointer) {
        let old = Int(length), n = bytes.count
        if n < 0x80 && old + 2 + n <= Self.inlineCapacity {
            // The common case: a one-byte length, inline, no LEB128 loop.
            withUnsafeMutableBytes(of: &storage) { s in
                // Safe: `old + 2 + n <= inlineCapacity` (the guard), the size of `storage`.
                let at = s.baseAddress! + old
                at.storeBytes(of: tag.rawValue, as: UInt8.self)
                at.storeBytes(of: UInt8(n), toByteOffset: 1, as: UInt8.self)
                if let src = bytes.baseAddress, n > 0 { (at + 2).copyMemory(from: src, byteCount: n) }
            }
            length = Int32(old + 2 + n)
            return
        }
        // Otherwise into a block: a value of 128 bytes or more (a two-byte length) never fits inline.
        var header: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (tag.rawValue, 0, 0, 0, 0, 0)
        let headerCount = withUnsafeMutableBytes(of: &header) { h -> Int in
            var n = UInt(bytes.count), i = 1
            repeat {
                h[i] = UInt8(n & 0x7F) | (n >= 0x80 ? 0x80 : 0)
                n >>= 7
                i += 1
            } while n > 0
            return i
        }
        let new = old + headerCount + bytes.count
        var h: LongClaims.Handle
        if isLong {
            h = handle
            assert(LongClaims.bytes(h).count == old, "claim length out of step")
        } else {
            // (Past the fast path's test, `new > inlineCapacity`: a one-byte length failed it
            // only by size, and a longer length means a value of 128 bytes or more.) The inline
            // bytes move into a block with room for this entry and a few more values.
            h = withUnsafeBytes(of: storage) {
                LongClaims.store(UnsafeRawBufferPointer(rebasing: $0[..<old]), reserving: headerCount + bytes.count + 64)
            }
        }
        h = withUnsafeBytes(of: header) { LongClaims.append(h, UnsafeRawBufferPointer(rebasing: $0[..<headerCount])) }
        h = LongClaims.append(h, bytes)
        storage.0 = h.word
        length = Int32(new)
    }

    /// Calls `body` with the packed bytes.
    @inlinable
    @_spi(SeamStages) public func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if isLong { return body(LongClaims.bytes(handle)) }
        return withUnsafeBytes(of: storage) { body(UnsafeRawBufferPointer(rebasing: $0[..<Int(length)])) }
    }

    /// Lets go of a long claim (this holder was its last user) and leaves an empty claim. O(1);
    /// nothing for a short claim.
    @inlinable
    @_spi(SeamStages) public mutating func release() {
        if isLong { LongClaims.release(handle) }
        self = ClaimValues()
    }

    /// The same claim with one more owner: for a holder that keeps its copy while handing this
    /// one on (whoever gets it releases it). O(1); nothing for a short claim.
    @inlinable
    @_spi(SeamStages) public func retained() -> ClaimValues {
        if isLong { LongClaims.retain(handle) }
        return self
    }

    /// Calls `body` with the key's bytes, or nil when unkeyed.
    @inlinable
    @_spi(SeamStages) public func withKey<R>(_ body: (UnsafeRawBufferPointer?) -> R) -> R {
        withBytes { b in
            var r = Reader(b)
            guard let (tag, k) = r.next(), tag != .absent else { return body(nil) }
            return body(k)
        }
    }

    /// The key as text, nil when unkeyed.
    @_spi(SeamStages) public var key: String? {
        withKey { k in k.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The agree values as owned values, in the rule's order.
    @_spi(SeamStages) public var agree: [FieldValue?] {
        withBytes { b in
            var r = Reader(b)
            _ = r.next()
            var out: [FieldValue?] = []
            while let (tag, v) = r.next() { out.append(Self.value(tag, v)) }
            return out
        }
    }

    /// Number of agree entries.
    @_spi(SeamStages) public var agreeCount: Int {
        withBytes { b in
            var r = Reader(b)
            _ = r.next()
            var n = 0
            while r.next() != nil { n += 1 }
            return n
        }
    }

    static func value(_ tag: Tag, _ v: UnsafeRawBufferPointer) -> FieldValue? {
        switch tag {
        case .absent: return nil
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .string: return .string([UInt8](v))
        case .number: return .number([UInt8](v))
        case .composite: return .composite([UInt8](v))
        }
    }

    /// Walks packed entries in order.
    @_spi(SeamStages) public struct Reader {
        @usableFromInline let bytes: UnsafeRawBufferPointer
        @usableFromInline var at = 0

        @inlinable @_spi(SeamStages) public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// The next entry, or nil at the end. Inline for the common one-byte length (a value
        /// under 128 bytes); LEB128 out of line.
        @inlinable @inline(__always)
        @_spi(SeamStages) public mutating func next() -> (Tag, UnsafeRawBufferPointer)? {
            guard at < bytes.count, let base = bytes.baseAddress else { return nil }
            assert(at + 1 < bytes.count, "entry header past the packed bytes")
            // Safe: the bytes are well formed (the type's invariant): a tag is followed by its
            // length and value inside them.
            let length = base.load(fromByteOffset: at &+ 1, as: UInt8.self)
            guard length < 0x80 else { return nextLong() }
            assert(at + 2 + Int(length) <= bytes.count, "entry value past the packed bytes")
            let tag = Tag(rawValue: base.load(fromByteOffset: at, as: UInt8.self)) ?? .absent
            let v = UnsafeRawBufferPointer(start: base + (at &+ 2), count: Int(length))
            at &+= 2 &+ Int(length)
            return (tag, v)
        }

        @usableFromInline @inline(never)
        mutating func nextLong() -> (Tag, UnsafeRawBufferPointer)? {
            let tag = Tag(rawValue: bytes[at]) ?? .absent
            at += 1
            var n = 0, shift = 0
            while true {
                let c = bytes[at]
                at += 1
                n |= Int(c & 0x7F) << shift
                if c < 0x80 { break }
                shift += 7
            }
            let v = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)])
            at += n
            return (tag, v)
        }
    }
}

extension ClaimValues: Equatable {
    @_spi(SeamStages) public static func == (a: ClaimValues, b: ClaimValues) -> Bool {
        a.withBytes { x in
            b.withBytes { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
        }
    }
}
