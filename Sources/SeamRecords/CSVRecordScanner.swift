/// Splits one CSV record (RFC 4180: `,` between fields, `"` around a field that holds commas,
/// quotes or line ends, `""` for a quote inside) into field values.
///
/// A small byte-level scanner rather than yaslab/CSV.swift: that package reads a Foundation
/// `InputStream` and makes a `String` per field, while Seam's input is already framed into lines
/// by `LineReader` (gzip, stdin, line accounting) and wants values as bytes. A record whose
/// quoted field runs over a line end is reported `incomplete`; the decoder then joins the next
/// line (with `\n`) and scans again, so a record of k lines costs O(k x length) once.
///
/// Lenient where real files are: a `"` inside an unquoted field is kept as text, a `\r` before a
/// line end is already gone (framing), an empty line is one empty field. Malformed: text after a
/// closing quote other than `,` (e.g. `"a"b`).
@_spi(SeamStages) public struct CSVRecordScanner {
    @_spi(SeamStages) public enum Outcome: Equatable {
        /// `count` fields were written.
        case fields(count: Int)
        /// The record ends inside a quoted field: join the next line.
        case incomplete
        case malformed
    }

    @_spi(SeamStages) public init() {}

    /// Scans `record`, writing decoded values one after another into `out` (at least
    /// `record.count` bytes) and each field's (start, count) in `out` into `ranges` (cleared).
    @_spi(SeamStages) public func scan(_ record: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>,
                     ranges: inout [(start: Int32, count: Int32)]) -> Outcome {
        ranges.removeAll(keepingCapacity: true)
        let n = record.count
        guard n > 0, let base = record.baseAddress else {
            ranges.append((0, 0))
            return .fields(count: 1)
        }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        var i = 0, o = 0
        while true {
            let start = o
            if i < n, p[i] == quote {
                i += 1
                var closed = false
                while i < n {
                    if p[i] == quote {
                        if i + 1 < n, p[i + 1] == quote {
                            out[o] = quote; o += 1; i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    out[o] = p[i]; o += 1; i += 1
                }
                guard closed else { return .incomplete }
                guard i == n || p[i] == comma else { return .malformed }
            } else {
                while i < n, p[i] != comma {
                    out[o] = p[i]; o += 1; i += 1
                }
            }
            ranges.append((Int32(start), Int32(o - start)))
            if i == n { return .fields(count: ranges.count) }
            i += 1  // the comma; a trailing comma leaves one more (empty) field
            if i == n {
                ranges.append((Int32(o), 0))
                return .fields(count: ranges.count)
            }
        }
    }

    /// Convenience for tests and headers: the record's fields as strings, or nil unless complete.
    @_spi(SeamStages) public func fields(_ text: String) -> [String]? {
        var bytes = Array(text.utf8)
        var ranges: [(start: Int32, count: Int32)] = []
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        defer { out.deallocate() }
        let outcome = bytes.withUnsafeMutableBytes { scan(UnsafeRawBufferPointer($0), into: out, ranges: &ranges) }
        guard case .fields = outcome else { return nil }
        return ranges.map { String(decoding: UnsafeRawBufferPointer(start: out + Int($0.start), count: Int($0.count)), as: UTF8.self) }
    }
}
