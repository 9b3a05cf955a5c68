@_spi(SeamStages) import SeamAlignment
/// One observation as one line of text: what `seam extract` writes and `seam correlate` reads.
///
/// `TIME \t HASH \t SOURCE \t LINE \t RULE \t SIDE \t SERVICE \t PEER \t VALUES \t .`
/// - TIME: the event time in ns as 20 decimal digits, offset by 2^63 so that negative times sort
///   first: plain `LC_ALL=C sort` (or sorting the lines as strings, as Spark does) puts a
///   partition's rows in time order, which is all the correlator needs (it breaks ties by input
///   order itself).
/// - HASH: FNV-1a (32 bits, decimal) of the rule index and the key: the partition is HASH mod
///   the number of partitions (`awk '{print > ("p" $2 % 4)}'`, or Spark's partitioner), so every
///   observation of one (handoff, key) lands in one partition. Stable across processes and
///   machines (unlike `Hasher`).
/// - SOURCE, LINE: input order (source index in the run, 1-based line).
/// - RULE: index of the handoff in the spec; SIDE: `s` or `r`.
/// - SERVICE, PEER: the record's service and the one it names for the other side, as hex of
///   their UTF-8 (`-`: none), so no name can break the line.
/// - VALUES: the packed key and agree values (`ClaimValues`) as hex.
/// - `.`: the end: a row cut anywhere (a task that died mid-write) does not parse, rather than
///   parsing as a shorter key.
///
/// Text, not binary: Spark's `RDD.pipe` and `sort` are line-oriented, a row is self-delimiting
/// and greppable, and a row cut short does not parse. About 110 bytes for a UUID key.
@_spi(SeamStages) public enum ObservationRow {
    /// Appends the row of `o` (with its services' names) and a newline to `out`.
    public static func write(_ o: Observation, service: String?, peer: String?, into out: inout [UInt8]) {
        let t = UInt64(bitPattern: o.time) ^ (1 << 63)
        appendPadded(t, width: 20, into: &out)
        out.append(9)
        let h = o.values.withKey { partitionHash(rule: o.rule, key: $0) }
        appendDecimal(UInt64(h), into: &out)
        out.append(9)
        appendDecimal(UInt64(o.position.source), into: &out)
        out.append(9)
        appendDecimal(o.position.line, into: &out)
        out.append(9)
        appendDecimal(UInt64(o.rule), into: &out)
        out.append(9)
        out.append(o.side == .send ? UInt8(ascii: "s") : UInt8(ascii: "r"))
        out.append(9)
        appendName(service, into: &out)
        out.append(9)
        appendName(peer, into: &out)
        out.append(9)
        o.values.withBytes { appendHex($0, into: &out) }
        out.append(9)
        out.append(UInt8(ascii: "."))
        out.append(10)
    }

    /// A row read back: the observation (service ids still to be given) and its names.
    public struct Parsed {
        public var time: Int64
        public var hash: UInt32
        public var position: InputPosition
        public var rule: Int32
        public var side: Observation.Side
        public var service: [UInt8]?
        public var peer: [UInt8]?
        /// The key and agree values; a long claim is the caller's, to hand to a correlator or
        /// release (`ClaimValues`, "Ownership").
        public var values: ClaimValues
    }

    /// Parses one row (without its newline); nil when it is not a well-formed row.
    public static func parse(_ line: UnsafeRawBufferPointer) -> Parsed? {
        var fields: [UnsafeRawBufferPointer] = []
        fields.reserveCapacity(10)
        var start = 0
        for i in 0...line.count where i == line.count || line[i] == 9 {
            fields.append(UnsafeRawBufferPointer(rebasing: line[start..<i]))
            start = i + 1
        }
        guard fields.count == 10, fields[9].count == 1, fields[9][0] == UInt8(ascii: "."), fields[0].count == 20,
              let t = decimal(fields[0]), let h = decimal(fields[1]), h <= UInt64(UInt32.max),
              let s = decimal(fields[2]), s <= UInt64(Int32.max), let l = decimal(fields[3]),
              let r = decimal(fields[4]), r <= UInt64(Int32.max), fields[5].count == 1,
              fields[5][0] == UInt8(ascii: "s") || fields[5][0] == UInt8(ascii: "r"),
              let service = name(fields[6]), let peer = name(fields[7]), let packed = hex(fields[8]),
              ClaimValues.isWellFormed(packed) // the values are read through unchecked pointers later
        else { return nil }
        let values = packed.withUnsafeBytes { ClaimValues(packed: $0) }
        return Parsed(time: Int64(bitPattern: t ^ (1 << 63)), hash: UInt32(h),
                      position: InputPosition(source: Int32(s), line: l), rule: Int32(r),
                      side: fields[5][0] == UInt8(ascii: "s") ? .send : .receive,
                      service: service.isEmpty ? nil : service[0], peer: peer.isEmpty ? nil : peer[0], values: values)
    }

    /// FNV-1a of the rule index (4 bytes, little-endian) then the key's bytes (unkeyed: one
    /// 0xFF byte, which no UTF-8 key holds alone).
    public static func partitionHash(rule: Int32, key: UnsafeRawBufferPointer?) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        func mix(_ b: UInt8) { h = (h ^ UInt32(b)) &* 16_777_619 }
        let r = UInt32(bitPattern: rule)
        for k in 0..<4 { mix(UInt8(truncatingIfNeeded: r >> (8 * k))) }
        if let key { for b in key { mix(b) } } else { mix(0xFF) }
        return h
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendPadded(_ v: UInt64, width: Int, into out: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var x = v, i = width - 1
        while x > 0 && i >= 0 {
            digits[i] = UInt8(ascii: "0") + UInt8(x % 10)
            x /= 10
            i -= 1
        }
        out += digits
    }

    private static func appendDecimal(_ v: UInt64, into out: inout [UInt8]) {
        if v == 0 { out.append(UInt8(ascii: "0")); return }
        var tmp: [UInt8] = []
        var x = v
        while x > 0 {
            tmp.append(UInt8(ascii: "0") + UInt8(x % 10))
            x /= 10
        }
        out += tmp.reversed()
    }

    private static func appendHex(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 15)])
        }
    }

    private static func appendName(_ name: String?, into out: inout [UInt8]) {
        guard var n = name else { out.append(UInt8(ascii: "-")); return }
        n.withUTF8 { appendHex(UnsafeRawBufferPointer($0), into: &out) }
    }

    private static func decimal(_ f: UnsafeRawBufferPointer) -> UInt64? {
        guard !f.isEmpty, f.count <= 20 else { return nil }
        var v: UInt64 = 0
        for c in f {
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            let m = v.multipliedReportingOverflow(by: 10)
            let a = m.partialValue.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            guard !m.overflow && !a.overflow else { return nil }
            v = a.partialValue
        }
        return v
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    private static func hex(_ f: UnsafeRawBufferPointer) -> [UInt8]? {
        guard f.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(f.count / 2)
        var i = 0
        while i < f.count {
            guard let a = nibble(f[i]), let b = nibble(f[i + 1]) else { return nil }
            out.append(a << 4 | b)
            i += 2
        }
        return out
    }

    /// `-` as none (an empty list), else the hex-decoded name (a one-item list).
    private static func name(_ f: UnsafeRawBufferPointer) -> [[UInt8]]? {
        if f.count == 1 && f[0] == UInt8(ascii: "-") { return [] }
        return hex(f).map { [$0] }
    }
}
