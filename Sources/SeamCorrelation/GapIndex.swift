@_spi(SeamStages) import SeamAlignment

/// The gaps of a run (unconfirmed sends and orphan receives) and the sides left uncovered, by
/// (handoff, key), so that an unconfirmed send and an orphan receive of one key can name each
/// other as near misses: the two sides of one handoff that missed each other's window
/// (Diagnosis, `NearMiss`). Uncovered sides are kept because they are often the other side of
/// a gap at the edge of the logs (a receive logged just before its sender's first line).
///
/// Bounded: the first `capacity` gaps decided are kept, the rest only counted (`dropped`), so
/// a run with a million unconfirmed sends holds at most `capacity` keys here. Never changes a
/// verdict. Memory: one entry (time, position) per gap kept, plus its key's text once.
/// O(1) expected per `add`.
@_spi(SeamStages) public struct GapIndex: Sendable {
    /// One gap: which side, when and where.
    @_spi(SeamStages) public struct Entry: Sendable, Equatable, Codable {
        /// `.unconfirmed` or `.uncoveredSend` (a send), `.orphan` or `.uncoveredReceive`.
        @_spi(SeamStages) public var verdict: Verdict
        @_spi(SeamStages) public var time: Int64
        @_spi(SeamStages) public var position: InputPosition
        /// The service that logged it (the finding's `from` for a send, `to` for a receive;
        /// nil when unknown): what a near miss names under a wildcard side.
        @_spi(SeamStages) public var service: String?
        @_spi(SeamStages) public init(verdict: Verdict, time: Int64, position: InputPosition, service: String? = nil) {
            self.verdict = verdict
            self.time = time
            self.position = position
            self.service = service
        }
    }

    struct Slot: Hashable {
        var rule: Int32
        var key: String
    }

    /// Gaps kept per (rule, key), in the order decided.
    var byKey: [Slot: [Entry]] = [:]
    /// Most gaps kept.
    @_spi(SeamStages) public let capacity: Int
    /// Gaps kept.
    @_spi(SeamStages) public internal(set) var count = 0
    /// Gaps decided after the index was full: not looked at for near misses.
    @_spi(SeamStages) public internal(set) var dropped: UInt64 = 0

    @_spi(SeamStages) public init(capacity: Int = 65_536) {
        self.capacity = max(0, capacity)
    }

    /// Whether `add` keeps findings of `verdict`.
    @_spi(SeamStages) public static func keeps(_ verdict: Verdict) -> Bool {
        verdict == .unconfirmed || verdict == .orphan || verdict == .uncoveredSend || verdict == .uncoveredReceive
    }

    /// Keeps `f` when it is a keyed gap or uncovered side (`keeps`) and there is room.
    @_spi(SeamStages) public mutating func add(_ f: Finding) {
        guard Self.keeps(f.verdict), let key = f.key, let e = f.send ?? f.receive else { return }
        guard count < capacity else {
            dropped += 1
            return
        }
        byKey[Slot(rule: f.rule, key: key), default: []].append(Entry(
            verdict: f.verdict, time: e.time, position: e.position, service: f.send != nil ? f.from : f.to))
        count += 1
    }

    /// The gaps kept of `rule` and `key`, in the order decided.
    @_spi(SeamStages) public func entries(rule: Int32, key: String) -> [Entry] {
        byKey[Slot(rule: rule, key: key)] ?? []
    }

    /// Every key of `rule` with gaps kept, and those gaps (in no particular key order).
    @_spi(SeamStages) public func keys(of rule: Int32) -> [(key: String, entries: [Entry])] {
        byKey.compactMap { $0.key.rule == rule ? ($0.key.key, $0.value) : nil }
    }
}
