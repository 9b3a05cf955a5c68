/// Where evicted (or tainted) observations were, per handoff (rule, key), so that no later
/// verdict leans on one (SEMANTICS.md "Eviction never makes a finding").
///
/// A bounded table indexed by the (rule, key) hash `HeldSends.hash` gives: each bucket keeps,
/// per kind, the latest time recorded. Handoffs that share a bucket share their times, and only
/// the latest time is kept, so a query can answer "yes" for a handoff that saw no eviction in
/// the window: the filter errs toward `evicted`, never the other way. Old times age out by
/// themselves: windows only move forward, so a bucket's stale time stops reaching them.
///
/// Memory: `buckets` x 24 bytes, allocated at the first eviction (nothing before: the table is
/// empty and `isEmpty` is checked first). Each operation O(1).
struct EvictedKeys {
    /// Latest times recorded in one bucket (`Int64.min`: none).
    struct Times {
        /// An unpaired send given up (evicted, or taken by a receive that was itself given up):
        /// a receive with it in its window might have paired with it.
        var send: Int64 = .min
        /// A paired send dropped from memory: it can only have made a receive a duplicate.
        var paired: Int64 = .min
        /// A receive given up: a receive whose window overlaps its window, or a send in its
        /// window, might have paired differently.
        var receive: Int64 = .min
    }

    private var table: [Times] = []
    /// Bucket count to allocate at the first record (a power of two).
    private let buckets: Int

    /// True until something is recorded: callers check it before hashing anything.
    private(set) var isEmpty = true

    /// - Parameter maxOpen: the correlator's bound; the table gets about two buckets per open
    ///   item it may have evicted, between 64 and 65,536 (1.5 MB).
    init(maxOpen: Int) {
        var n = 64
        while n < 65_536 && n < maxOpen * 2 { n *= 2 }
        buckets = n
    }

    /// The times recorded for `hash`'s bucket (all `.min` when nothing was recorded).
    subscript(_ hash: Int) -> Times {
        isEmpty ? Times() : table[hash & (table.count - 1)]
    }

    enum Kind { case send, paired, receive }

    /// Records an observation of `kind` at `time` for handoff `hash`. O(1); allocates once.
    mutating func record(_ kind: Kind, hash: Int, time: Int64) {
        if isEmpty {
            table = [Times](repeating: Times(), count: buckets)
            isEmpty = false
        }
        let i = hash & (table.count - 1)
        switch kind {
        case .send: table[i].send = max(table[i].send, time)
        case .paired: table[i].paired = max(table[i].paired, time)
        case .receive: table[i].receive = max(table[i].receive, time)
        }
    }
}
