@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-csv`: `CSVRecordScanner` against a plain reference, and a round trip.
///
/// Properties: on any bytes, the outcome and fields equal the reference splitter written from
/// the doc comment (RFC 4180, lenient: a `"` inside an unquoted field is text; text after a
/// closing quote other than `,` is malformed; an unterminated quote is incomplete); decoded
/// bytes never outgrow the record; and any fields the scanner returns, written back with every
/// field quoted, scan to the same fields.
enum FuzzCSV {
    enum Result: Equatable {
        case fields([[UInt8]])
        case incomplete
        case malformed
    }

    static func reference(_ b: [UInt8]) -> Result {
        var fields: [[UInt8]] = []
        var i = 0
        while true {
            var field: [UInt8] = []
            if i < b.count && b[i] == 0x22 {
                i += 1
                var closed = false
                while i < b.count {
                    if b[i] == 0x22 {
                        if i + 1 < b.count && b[i + 1] == 0x22 {
                            field.append(0x22)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    field.append(b[i])
                    i += 1
                }
                if !closed { return .incomplete }
                if i < b.count && b[i] != 0x2C { return .malformed }
            } else {
                while i < b.count && b[i] != 0x2C {
                    field.append(b[i])
                    i += 1
                }
            }
            fields.append(field)
            if i == b.count { return .fields(fields) }
            i += 1
            if i == b.count { return .fields(fields + [[]]) }
        }
    }

    static func scan(_ b: [UInt8]) -> Result {
        var ranges: [(start: Int32, count: Int32)] = []
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, b.count))
        defer { out.deallocate() }
        let outcome = b.withUnsafeBytes { CSVRecordScanner().scan($0, into: out, ranges: &ranges) }
        switch outcome {
        case .incomplete: return .incomplete
        case .malformed: return .malformed
        case .fields(let count):
            FuzzDriver.require(count == ranges.count, "count \(count) vs \(ranges.count) ranges")
            return .fields(ranges.map { r in
                FuzzDriver.require(r.start >= 0 && r.count >= 0 && Int(r.start) + Int(r.count) <= max(1, b.count), "range outside the output")
                return Array(UnsafeBufferPointer(start: out + Int(r.start), count: Int(r.count)))
            })
        }
    }

    static func check(_ bytes: [UInt8]) {
        let got = scan(bytes)
        let expected = reference(bytes)
        FuzzDriver.require(got == expected, "scanner \(got) vs reference \(expected)")
        guard case .fields(let fields) = got else { return }
        var written: [UInt8] = []
        for (k, f) in fields.enumerated() {
            if k > 0 { written.append(0x2C) }
            written.append(0x22)
            for c in f {
                if c == 0x22 { written.append(0x22) }
                written.append(c)
            }
            written.append(0x22)
        }
        FuzzDriver.require(scan(written) == got, "quoted round trip changed the fields")
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzCSV.check(FuzzDriver.bytes(data, size))
    return 0
}
