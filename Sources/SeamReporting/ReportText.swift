@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput

/// Small text helpers shared by the text and markdown reports.
package enum ReportText {
    /// `12345` -> `12,345`.
    static func grouped<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `1 gap`, `3 gaps`, with grouping.
    package static func count(_ n: UInt64, _ one: String, _ many: String? = nil) -> String {
        "\(grouped(n)) \(n == 1 ? one : many ?? one + "s")"
    }

    /// Words of `text` in lines of at most `width` columns: the first line starts after
    /// `first` (already written by the caller), later lines with `indent`. A word longer than
    /// a line is never cut, so paths and `source:line` stay whole. ANSI colour codes take no
    /// columns, so coloured text wraps exactly as plain text does.
    static func wrap(_ text: String, width: Int, first: Int, indent: String) -> String {
        var out = "", column = first, lineEmpty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let w = visibleWidth(word)
            if !lineEmpty && column + 1 + w > width {
                out += "\n" + indent
                column = indent.count
                lineEmpty = true
            }
            if !lineEmpty { out += " "; column += 1 }
            out += word
            column += w
            lineEmpty = false
        }
        return out
    }

    /// Columns taken by `s`: characters, not counting `ESC [ ... m` colour codes.
    static func visibleWidth(_ s: Substring) -> Int {
        var n = 0, inEscape = false
        for c in s.unicodeScalars {
            if inEscape {
                if c == "m" { inEscape = false }
            } else if c == "\u{1B}" {
                inEscape = true
            } else {
                n += 1
            }
        }
        return n
    }

    /// `s` padded with spaces to `width` columns, on the left for numbers.
    package static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    /// `s` cut to `width` columns, ending in `…` when cut.
    static func fit(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(max(0, width - 1))) + "…"
    }

    /// Control characters (newlines, escapes, ANSI sequences from logs) shown as spaces or `?`
    /// so that log content can never break the report's layout or colour the terminal.
    package static func printable(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { c in
            c == "\n" || c == "\r" || c == "\t" ? " " : (c.value < 0x20 || c.value == 0x7F || (0x80..<0xA0).contains(c.value)) ? "?" : c
        }))
    }
}

extension ReportText {
    /// The reorder bound that would have held an event `lateness` ns behind its source's latest
    /// time: rounded up to a readable step (10 ms under 1 s, 1 s under 1 min, else 1 min), and
    /// strictly above it.
    static func reorderToHold(_ lateness: Int64) -> Int64 {
        let step: Int64 = lateness < 1_000_000_000 ? 10_000_000 : lateness < 60_000_000_000 ? 1_000_000_000 : 60_000_000_000
        let q = max(0, lateness) / step
        return q >= Int64.max / step - 1 ? .max : (q + 1) * step
    }

    /// ", up to 3.2s behind; --reorder 4s would have held them all" for a `watch` summary with
    /// out-of-order events; empty otherwise.
    static func lateness(_ t: SourceStats) -> String {
        guard t.outOfOrder > 0, t.maxLateness > 0 else { return "" }
        return "; up to \(DurationText.text(t.maxLateness / 1_000_000 * 1_000_000)) behind: verdicts near them may have been decided "
            + "early; --reorder \(DurationText.text(reorderToHold(t.maxLateness))) would have held them all"
    }
}

extension Summary {
    /// For `watch`: how many events arrived behind their source's watermark, how far, and the
    /// `--reorder` that would have held them all; nil when none did.
    package var reorderAdvice: String? {
        let t = total
        guard t.outOfOrder > 0 else { return nil }
        return "\(ReportText.count(t.outOfOrder, "event")) arrived behind their source's watermark"
            + ReportText.lateness(t)
    }
}
