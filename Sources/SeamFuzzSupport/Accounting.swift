@_spi(SeamStages) import Seam

/// The reader's bookkeeping properties, shared by the Input fuzz targets.
package enum Accounting {
    /// Items are numbered 1...n with no gap, `stats.lines == n`, and the rejections counted in
    /// `stats` (total and per reason) are exactly the rejected items.
    package static func check(_ items: [ReferenceLine], _ stats: SourceStats) {
        var perReason: [RejectReason: UInt64] = [:]
        for (i, item) in items.enumerated() {
            FuzzDriver.require(item.number == UInt64(i + 1), "item \(i) numbered \(item.number)")
            if case .rejected(_, let reason) = item { perReason[reason, default: 0] += 1 }
        }
        FuzzDriver.require(stats.lines == UInt64(items.count), "stats.lines \(stats.lines), items \(items.count)")
        FuzzDriver.require(stats.rejected == perReason, "stats.rejected \(stats.rejected), items \(perReason)")
        FuzzDriver.require(stats.events == 0, "the reader counted events")
    }
}
