@_spi(SeamStages) import Seam

/// One framed line as plain values, for comparing `LineReader` with the reference.
package enum ReferenceLine: Equatable, CustomStringConvertible {
    case line(UInt64, [UInt8])
    case rejected(UInt64, RejectReason)

    package var number: UInt64 {
        switch self {
        case .line(let n, _), .rejected(let n, _): return n
        }
    }

    package var description: String {
        switch self {
        case .line(let n, let b): return "\(n): \(String(decoding: b, as: UTF8.self).debugDescription)"
        case .rejected(let n, let r): return "\(n): <\(r.rawValue)>"
        }
    }

    /// Reads a whole source with `reader`, copying each line.
    package static func readAll(_ reader: LineReader) -> [ReferenceLine] {
        var out: [ReferenceLine] = []
        while let item = reader.next() {
            switch item {
            case .line(let n, let bytes): out.append(.line(n, Array(bytes)))
            case .rejected(let n, let reason): out.append(.rejected(n, reason))
            }
        }
        return out
    }

    /// The framing rules of SEMANTICS.md written plainly: the oracle for `LineReader`.
    ///
    /// `truncatedTail`: the source broke mid-stream, so bytes after the last `\n` are one
    /// `truncated` rejection instead of a line.
    package static func frame(_ data: [UInt8], maxLineLength max: Int, truncatedTail: Bool = false) -> [ReferenceLine] {
        var out: [ReferenceLine] = []
        var start = 0
        var number: UInt64 = 0
        func classify(_ lo: Int, _ hi: Int) {
            number += 1
            var hi = hi
            if hi > lo && data[hi - 1] == 0x0D { hi -= 1 }
            if hi - lo > max {
                out.append(.rejected(number, .tooLong))
                return
            }
            var blank = true
            for b in data[lo..<hi] {
                let control = (b <= 0x08) || (b >= 0x0E && b <= 0x1A) || (b >= 0x1C && b <= 0x1F) || b == 0x7F
                if control {
                    out.append(.rejected(number, .binary))
                    return
                }
                if !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { blank = false }
            }
            out.append(blank ? .rejected(number, .blank) : .line(number, Array(data[lo..<hi])))
        }
        for i in data.indices where data[i] == 0x0A {
            classify(start, i)
            start = i + 1
        }
        if start < data.count {
            if truncatedTail {
                number += 1
                out.append(.rejected(number, .truncated))
            } else {
                classify(start, data.count)
            }
        }
        return out
    }
}
