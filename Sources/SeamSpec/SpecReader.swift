@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamCorrelation
import Yams

/// Walks a composed YAML tree into a `HandoffSpec`, collecting every problem with its position.
///
/// Each `read...` helper records its own errors and returns nil on failure, so one bad value
/// never hides the others. A key that looks like a typo of a required key ("withn") is
/// reported once, as unknown with its suggestion, not again as "missing 'within'".
struct SpecReader {
    let file: String
    private(set) var errors: [SpecError] = []
    /// `version` and `handoffs` may be absent (a spec that only says how to read the logs).
    var inputsOnly = false

    init(file: String) { self.file = file }

    static let topKeys = ["version", "fields", "sources", "derive", "handoffs"]
    static let fieldKeys = ["time", "service", "event"]

    /// A mapping's entries by key name, plus what is needed to report missing keys.
    struct Entries {
        var values: [String: Node] = [:]
        var keys: [String: Node] = [:]
        /// Valid names that an unknown key was taken as a typo of.
        var suggested: Set<String> = []
        /// Where the mapping starts (missing keys are reported here).
        var mark: Mark?
        /// `a.b` path of the mapping, for messages.
        var path: String

        subscript(name: String) -> Node? { values[name] }
    }

    // MARK: Document

    mutating func read(_ root: Node?) -> HandoffSpec? {
        guard let root, !Self.isNull(root) else {
            fail(nil, nil, "the spec is empty; it needs 'version: 1' and a 'handoffs:' list")
            return nil
        }
        guard let top = entries(root, path: "", what: "the spec", allowed: Self.topKeys) else { return nil }

        if let v = inputsOnly ? top["version"] : require(top, "version", hint: "put 'version: 1' at the top of the spec") {
            if let text = scalarText(v, path: "version"), text != "1" {
                fail(v, "version", "unsupported version '\(text)'; this Seam reads version 1")
            }
        }
        let fields = top["fields"].flatMap { readFields($0) } ?? FieldConfig()
        var rules: [HandoffRule] = []
        if let list = inputsOnly ? top["handoffs"] : require(top, "handoffs", hint: "list the handoffs to check under 'handoffs:'") {
            rules = readHandoffs(list) ?? []
        }
        let sources = top["sources"].flatMap { readSources($0) } ?? []
        let derive = top["derive"].flatMap { readDerive($0, path: "derive") } ?? []
        return errors.isEmpty ? HandoffSpec(version: 1, fields: fields, rules: rules, sources: sources, derive: derive) : nil
    }

    private mutating func readFields(_ node: Node) -> FieldConfig? {
        guard let e = entries(node, path: "fields", what: "'fields'", allowed: Self.fieldKeys) else { return nil }
        var config = FieldConfig()
        if let n = e["time"], let list = pathList(n, path: "fields.time") { config.time = list }
        if let n = e["service"], let list = pathList(n, path: "fields.service") { config.service = list }
        if let n = e["event"], let list = pathList(n, path: "fields.event") { config.event = list }
        return config
    }

    /// A non-empty list of field paths; a single path counts as a one-item list.
    private mutating func pathList(_ node: Node, path: String) -> [FieldPath]? {
        if case .sequence(let seq) = node {
            guard !seq.isEmpty else {
                fail(node, path, "'\(path)' is an empty list; name at least one field")
                return nil
            }
            let paths = seq.enumerated().map { fieldPath($1, path: "\(path)[\($0)]") }
            return paths.contains(where: { $0 == nil }) ? nil : paths.compactMap { $0 }
        }
        if Self.isNull(node) {
            fail(node, path, "'\(path)' has no value; name at least one field")
            return nil
        }
        return fieldPath(node, path: path).map { [$0] }
    }

    // MARK: Building blocks

    /// The entries of a mapping node; reports a node of another kind, keys that are not plain
    /// names, and unknown keys (with the nearest valid name).
    mutating func entries(_ node: Node, path: String, what: String, allowed: [String]) -> Entries? {
        guard case .mapping(let mapping) = node else {
            fail(node, path.isEmpty ? nil : path, "\(what) must be a mapping of 'key: value' lines, not \(Self.kind(node))")
            return nil
        }
        var e = Entries(mark: mapping.mark, path: path)
        for (k, v) in mapping {
            guard case .scalar(let s) = k, !s.string.isEmpty else {
                fail(k, path.isEmpty ? nil : path, "a key must be a plain name, not \(Self.kind(k))")
                continue
            }
            let name = s.string
            let keyPath = Self.join(path, name)
            guard allowed.contains(name) else {
                let where_ = path.isEmpty ? "at the top of the spec" : "in '\(path)'"
                if let guess = NearestName.suggest(name, among: allowed) {
                    e.suggested.insert(guess)
                    fail(k, keyPath, "unknown key '\(name)'; did you mean '\(guess)'?")
                } else {
                    fail(k, keyPath, "unknown key '\(name)' \(where_); expected one of: \(allowed.joined(separator: ", "))")
                }
                continue
            }
            e.values[name] = v
            e.keys[name] = k
        }
        return e
    }

    /// The value of a required key; reports it missing (unless a typo of it was reported).
    mutating func require(_ e: Entries, _ name: String, hint: String) -> Node? {
        if let v = e[name] { return v }
        if !e.suggested.contains(name) {
            let owner = e.path.isEmpty ? "the spec" : "'\(e.path)'"
            fail(at: e.mark, Self.join(e.path, name), "\(owner) is missing '\(name)'; \(hint)")
        }
        return nil
    }

    /// The text of a non-null scalar; reports lists, mappings, null and empty text.
    mutating func scalarText(_ node: Node, path: String) -> String? {
        guard case .scalar(let s) = node else {
            fail(node, path, "'\(Self.leaf(path))' must be a single value, not \(Self.kind(node))")
            return nil
        }
        guard !Self.isNull(node), !s.string.isEmpty else {
            fail(node, path, "'\(Self.leaf(path))' has no value")
            return nil
        }
        return s.string
    }

    /// A field path such as `request_id` or `ctx.req`: no empty parts.
    mutating func fieldPath(_ node: Node, path: String) -> FieldPath? {
        guard let text = scalarText(node, path: path) else { return nil }
        let p = FieldPath(text)
        guard !p.components.contains(where: \.isEmpty) else {
            fail(node, path, "field path '\(text)' has an empty part; write e.g. 'ctx.req'")
            return nil
        }
        return p
    }

    /// A duration in nanoseconds, as written (`5s`, `250ms`, `1h30m`, a bare number of seconds).
    mutating func duration(_ node: Node, path: String) -> (value: Int64, text: String)? {
        guard let text = scalarText(node, path: path) else { return nil }
        do {
            return (try DurationText.nanoseconds(text), text)
        } catch {
            fail(node, path, "\(Self.leaf(path)): \(error.message)")
            return nil
        }
    }

    mutating func fail(_ node: Node?, _ path: String?, _ message: String) {
        fail(at: node?.mark, path, message)
    }

    mutating func fail(at mark: Mark?, _ path: String?, _ message: String) {
        errors.append(SpecError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, key: path, message: message))
    }

    // MARK: Node facts

    /// A YAML null: an empty plain value, `~` or `null`. Quoted text is never null.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node else { return false }
        guard s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// How a node of the wrong kind is named in messages.
    static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if isNull(node) { return "nothing" }
            let text = s.string.count > 40 ? String(s.string.prefix(40)) + "..." : s.string
            return "the value '\(text)'"
        }
    }

    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The last key of a path, `within` for `handoffs[0].within`.
    static func leaf(_ path: String) -> String {
        String(path.split(separator: ".", omittingEmptySubsequences: false).last ?? Substring(path))
    }
}
