/// Tells `JSONFieldScanner` when the rest of a line no longer matters.
///
/// `found` is called once per target (slot or nested alternate, see `FieldPlan`) right after
/// its span was set, i.e. at its first occurrence; spans of targets not seen yet are `.absent`.
/// Returning true ends the scan with `.stoppedEarly`. Conformers are structs passed `inout` so
/// that the scanner is specialized for each and `NeverStop` costs nothing.
protocol ScanStop {
    mutating func found(_ target: Int, _ spans: UnsafeMutablePointer<FieldSpan>) -> Bool
}

/// Reads every line to its end (full validation).
struct NeverStop: ScanStop {
    /// One stored byte, never read: an empty struct has no storage, so every thread's `inout`
    /// local gets the same stand-in address, and ThreadSanitizer's exclusivity checks reported
    /// two watch readers scanning with `--strict-json` as a race on it (no byte was shared).
    private var unused: UInt8 = 0

    @inline(__always)
    func found(_ target: Int, _ spans: UnsafeMutablePointer<FieldSpan>) -> Bool { false }
}

/// Stops once every target was seen (`JSONFieldScanner.scan(_:into:stopEarly:)`).
struct AllTargetsFound: ScanStop {
    let total: Int
    private var seen = 0

    init(total: Int) { self.total = total }

    @inline(__always)
    mutating func found(_ target: Int, _ spans: UnsafeMutablePointer<FieldSpan>) -> Bool {
        seen += 1
        return seen == total
    }
}
