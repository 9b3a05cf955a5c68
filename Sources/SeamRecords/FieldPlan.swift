/// The set of wanted field paths, each with a dense slot, compiled into a key trie for the scanners.
///
/// Lookup (SEMANTICS.md): a path `a.b.c` is the literal top-level key `"a.b.c"` when that key
/// holds a non-null value, else the strict nested lookup `a` → `b` → `c`. Mixed forms (key
/// `"a.b"` holding an object with key `c`) are not considered. So a path of n > 1 components has
/// two *targets* in the trie: the literal one (span index = its slot) and the nested one (span
/// index `count + k`, an "alternate"); the scanners resolve alternates into slots after a line.
///
/// Span storage for a scanner therefore holds `spanCapacity` entries; only the first `count` are
/// meaningful to callers once a scan finished.
/// Immutable once built; its trie is read-only (see `KeyTrie`).
@_spi(SeamStages) public struct FieldPlan: Sendable {
    /// The distinct wanted paths in slot order (first occurrence order of `init(paths:)`).
    @_spi(SeamStages) public let paths: [FieldPath]
    @usableFromInline let slots: [FieldPath: Int]
    /// Compiled trie; immutable after init, shared by copies.
    @usableFromInline let trie: KeyTrie

    /// Dedups `paths` (first occurrence keeps its place) and compiles the trie. O(total key bytes).
    @_spi(SeamStages) public init(paths: [FieldPath]) {
        var unique: [FieldPath] = []
        var slots: [FieldPath: Int] = [:]
        for p in paths where slots[p] == nil {
            slots[p] = unique.count
            unique.append(p)
        }
        self.paths = unique
        self.slots = slots
        self.trie = KeyTrie(paths: unique)
    }

    /// The plan of a source's records: `config`'s time, service and event paths, then
    /// `extraPaths` (keys, predicates, agree fields of the rules), deduplicated. Built once per
    /// run by the observation selector and handed to every source's decoder, so that the
    /// matcher's slots and the decoders' agree by construction.
    @_spi(SeamStages) public init(config: FieldConfig, extraPaths: [FieldPath]) {
        self.init(paths: config.time + config.service + config.event + extraPaths)
    }

    /// Number of slots (distinct paths).
    @inlinable @_spi(SeamStages) public var count: Int { paths.count }

    /// The slot of `path`, or nil when it is not in the plan.
    @inlinable @_spi(SeamStages) public func slot(for path: FieldPath) -> Int? { slots[path] }

    /// Span entries a scanner needs: `count` slots plus one alternate per dotted path.
    @inlinable @_spi(SeamStages) public var spanCapacity: Int { count + trie.alternateCount }

    /// Copies alternate (nested) spans into their slots where the literal key was absent or null.
    @inlinable
    func resolveAlternates(_ spans: UnsafeMutablePointer<FieldSpan>) {
        let n = count
        for k in 0..<trie.alternateCount {
            let s = Int(trie.alternateSlot[k])
            if !spans[s].isPresent { spans[s] = spans[n + k] }
        }
    }
}
