/// Gap indexes of disjoint sets of keys (partitions by key hash) joined into one, and written
/// as data in between (`seam correlate` / `seam merge`).
extension GapIndex {
    /// One (rule, key) and its gaps in the order decided.
    @_spi(SeamStages) public struct KeyEntries: Codable, Sendable {
        @_spi(SeamStages) public var rule: Int32
        @_spi(SeamStages) public var key: String
        @_spi(SeamStages) public var entries: [Entry]
    }

    /// The kept gaps as data, sorted by (rule, key) so that the text does not depend on hashing.
    @_spi(SeamStages) public var keyEntries: [KeyEntries] {
        byKey.map { KeyEntries(rule: $0.key.rule, key: $0.key.key, entries: $0.value) }
            .sorted { $0.rule != $1.rule ? $0.rule < $1.rule : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// An index holding `entries` (as `keyEntries` gave them), `dropped` more gaps only counted.
    @_spi(SeamStages) public init(capacity: Int, entries: [KeyEntries], dropped: UInt64) {
        self.init(capacity: capacity)
        for e in entries {
            byKey[Slot(rule: e.rule, key: e.key), default: []] += e.entries
            count += e.entries.count
        }
        self.dropped = dropped
    }

    /// Adds the gaps of `other`, whose keys are disjoint from this index's (another partition).
    /// Exact while the run's gaps fit in one index (`dropped` stays 0 everywhere): then the
    /// union is what one process would have kept. Past it, every partition kept its own first
    /// `capacity`; the union keeps all of them and counts the rest as dropped, as one run would.
    @_spi(SeamStages) public mutating func merge(_ other: GapIndex) {
        for (slot, list) in other.byKey { byKey[slot, default: []] += list }
        count += other.count
        dropped += other.dropped
    }
}
