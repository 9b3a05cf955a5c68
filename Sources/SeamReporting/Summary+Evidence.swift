@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation

extension Summary {
    /// A source's display name; `source #N` for an index outside `sources` (never traps).
    public func sourceName(_ index: Int32) -> String {
        index >= 0 && Int(index) < sources.count ? sources[Int(index)].name : "source #\(index)"
    }

    /// Evidence as people quote it: `orders.jsonl.gz:1042`.
    public func place(_ position: InputPosition) -> String {
        "\(sourceName(position.source)):\(position.line)"
    }

    /// The rule a finding belongs to, `nil` when its index is out of range.
    package func rule(of finding: Finding) -> HandoffRule? {
        finding.rule >= 0 && Int(finding.rule) < handoffs.count ? handoffs[Int(finding.rule)].rule : nil
    }

    /// Where a rejection reason was first seen, in input order (`payments.log:3`).
    package func firstRejection(_ reason: RejectReason) -> String? {
        for s in sources {
            if let line = s.stats.firstRejectedLine[reason] { return "\(s.name):\(line)" }
        }
        return nil
    }
}
