@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamCorrelation
import Yams

/// The spec's `sources:` and `derive:` sections and the predicate tests beyond equality.
extension SpecReader {
    static let sourceKeys = ["path", "format", "pattern", "inner", "time", "service", "derive"]
    static let innerKeys = ["field", "format", "pattern", "inner"]
    static let timeKeys = ["field", "layout", "zone", "year"]
    static let serviceKeys = ["field", "regex"]
    static let deriveKeys = ["field", "from", "regex"]
    static let testKeys = ["equals", "matches", "contains", "in", "exists"]
    static let formatNames = ["auto", "json", "logfmt", "text", "csv", "docker", "cri"]

    // MARK: Predicates

    /// The tests on one predicate field: `value` (equals), `[a, b]` (one of), or a mapping of
    /// `equals`, `matches`, `contains`, `in`, `exists` (all must hold).
    mutating func conditionTests(_ v: Node, side: String, field: String, path: String) -> [FieldCondition.Test]? {
        switch v {
        case .scalar(let s):
            guard !Self.isNull(v) else {
                fail(v, path, "'\(side)' condition '\(field)' needs a value to compare; write 'exists: false' for an absent field")
                return nil
            }
            // Scalars compare as text, as agree values do: `amount: 5` is "5", `true` is "true".
            return [.equals(s.string)]
        case .sequence:
            return oneOf(v, path: path).map { [.oneOf($0)] }
        case .mapping:
            guard let e = entries(v, path: path, what: "the condition on '\(field)'", allowed: Self.testKeys) else { return nil }
            guard !e.values.isEmpty else {
                if case .mapping(let m) = v, m.isEmpty { fail(v, path, "the condition on '\(field)' is empty; give e.g. 'matches: ...', 'in: [...]' or 'exists: true'") }
                return nil
            }
            var tests: [FieldCondition.Test] = []
            var ok = true
            for name in Self.testKeys {
                guard let n = e[name] else { continue }
                let p = "\(path).\(name)"
                switch name {
                case "equals":
                    if let t = scalarText(n, path: p) { tests.append(.equals(t)) } else { ok = false }
                case "matches":
                    if let r = regex(n, path: p) { tests.append(.matches(r)) } else { ok = false }
                case "contains":
                    if let t = scalarText(n, path: p) { tests.append(.contains(t)) } else { ok = false }
                case "in":
                    if let list = oneOf(n, path: p) { tests.append(.oneOf(list)) } else { ok = false }
                default:
                    if let b = bool(n, path: p) { tests.append(.exists(b)) } else { ok = false }
                }
            }
            return ok ? tests : nil
        case .alias:
            fail(v, path, "'\(side)' condition '\(field)' must be a value, a list or a mapping of tests, not \(Self.kind(v))")
            return nil
        }
    }

    /// A non-empty list of scalar values (compared as text).
    private mutating func oneOf(_ node: Node, path: String) -> [String]? {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            fail(node, path, "'\(Self.leaf(path))' must be a non-empty list of values, e.g. [202, 204]")
            return nil
        }
        let items = seq.enumerated().map { scalarText($1, path: "\(path)[\($0)]") }
        return items.contains(where: { $0 == nil }) ? nil : items.compactMap { $0 }
    }

    mutating func bool(_ node: Node, path: String) -> Bool? {
        guard let text = scalarText(node, path: path) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            fail(node, path, "\(Self.leaf(path)) must be true or false, not '\(text)'")
            return nil
        }
    }

    /// A regular expression, compiled now so that a bad one is reported at its line and column.
    mutating func regex(_ node: Node, path: String) -> TextPattern? {
        guard let text = scalarText(node, path: path) else { return nil }
        do {
            return try TextPattern(text)
        } catch {
            fail(node, path, error.message)
            return nil
        }
    }

    /// A plain field name (CSV column, pattern group, derived field): no dots needed, any text.
    private mutating func fieldName(_ node: Node, path: String) -> String? {
        scalarText(node, path: path)
    }

    // MARK: sources

    /// `sources:` — a list of per-path format entries.
    mutating func readSources(_ node: Node) -> [SourceFormat]? {
        if Self.isNull(node) { return [] }
        guard case .sequence(let seq) = node else {
            fail(node, "sources", "'sources' must be a list (lines starting with '- '), not \(Self.kind(node))")
            return nil
        }
        let items = seq.enumerated().map { readSource($1, path: "sources[\($0)]") }
        return items.contains(where: { $0 == nil }) ? nil : items.compactMap { $0 }
    }

    private mutating func readSource(_ node: Node, path: String) -> SourceFormat? {
        let before = errors.count
        guard let e = entries(node, path: path, what: "a source entry", allowed: Self.sourceKeys) else { return nil }
        var glob: PathGlob?
        if let n = require(e, "path", hint: "say which files it is for, e.g. 'path: \"**/*.log\"'"), let text = scalarText(n, path: "\(path).path") {
            do { glob = try PathGlob(text) } catch { fail(n, "\(path).path", error.message) }
        }
        let layer = readLayer(e, path: path, requireFormat: true)
        var time: TimeSource?
        if let n = e["time"] { time = readTime(n, path: "\(path).time") }
        if e["time"] == nil, let f = e["format"], case .scalar(let s) = f, s.string == "text" {
            fail(at: e.mark, "\(path).time", "a text source needs 'time:'; e.g. 'time: {field: ts, layout: \"%Y-%m-%d %H:%M:%S\"}'")
        }
        var service: ServiceSource?
        if let n = e["service"] { service = readService(n, path: "\(path).service") }
        let derive = e["derive"].flatMap { readDerive($0, path: "\(path).derive") } ?? []
        guard errors.count == before, let glob, let layer else { return nil }
        return SourceFormat(path: glob, layer: layer, time: time, service: service, derive: derive)
    }

    static func formatName(_ kind: FormatLayer.Kind) -> String {
        switch kind {
        case .auto: return "auto"
        case .json: return "json"
        case .logfmt: return "logfmt"
        case .text: return "text"
        case .csv: return "csv"
        case .docker: return "docker"
        case .cri: return "cri"
        }
    }

    /// `format`, `pattern` and `inner` of a source entry or an inner record.
    private mutating func readLayer(_ e: Entries, path: String, requireFormat: Bool) -> FormatLayer? {
        let before = errors.count
        var name = "auto"
        var formatNode: Node?
        if let n = requireFormat ? e["format"] : require(e, "format", hint: "say how the field's record is written, e.g. 'format: docker'") {
            formatNode = n
            if let t = scalarText(n, path: "\(path).format") {
                if Self.formatNames.contains(t) {
                    name = t
                } else {
                    let guess = NearestName.suggest(t, among: Self.formatNames).map { "; did you mean '\($0)'?" }
                        ?? "; expected one of: \(Self.formatNames.joined(separator: ", "))"
                    fail(n, "\(path).format", "unknown format '\(t)'\(guess)")
                }
            }
        }
        var kind: FormatLayer.Kind = .auto
        switch name {
        case "json": kind = .json
        case "logfmt": kind = .logfmt
        case "csv": kind = .csv
        case "docker": kind = .docker
        case "cri": kind = .cri
        case "text":
            if let n = require(e, "pattern", hint: "give the regular expression with named groups, e.g. 'pattern: ''^(?<ts>\\S+) (?<msg>.*)$'''"),
               let p = regex(n, path: "\(path).pattern") {
                if p.names.isEmpty {
                    fail(n, "\(path).pattern", "the pattern has no named group, so it makes no field; name groups as (?<msg>.*)")
                }
                kind = .text(p)
            }
        default: break
        }
        if name != "text", let n = e["pattern"] {
            fail(n, "\(path).pattern", "'pattern' is for 'format: text'" + (formatNode == nil ? "; add 'format: text'" : ", not '\(name)'"))
        }
        var inner: InnerRecord?
        if let n = e["inner"] {
            inner = readInner(n, path: "\(path).inner")
        }
        if case .csv = kind, !requireFormat {
            fail(formatNode, "\(path).format", "csv can only be a source's own format (it needs its header line), not an inner record's")
        }
        guard errors.count == before else { return nil }
        return FormatLayer(kind: kind, inner: inner)
    }

    private mutating func readInner(_ node: Node, path: String) -> InnerRecord? {
        let before = errors.count
        guard let e = entries(node, path: path, what: "'inner'", allowed: Self.innerKeys) else { return nil }
        let field = require(e, "field", hint: "name the field that holds the record, e.g. 'field: Log'").flatMap { fieldName($0, path: "\(path).field") }
        let layer = readLayer(e, path: path, requireFormat: false)
        guard errors.count == before, let field, let layer else { return nil }
        return InnerRecord(field: field, layer: layer)
    }

    /// `time: ts` or `time: {field: ts, layout: "%y%m%d %H%M%S", zone: UTC, year: 2008}`.
    private mutating func readTime(_ node: Node, path: String) -> TimeSource? {
        if case .scalar = node { return fieldName(node, path: path).map { TimeSource(field: $0, layout: nil) } }
        let before = errors.count
        guard let e = entries(node, path: path, what: "'time'", allowed: Self.timeKeys) else { return nil }
        let field = require(e, "field", hint: "name the field that holds the time").flatMap { fieldName($0, path: "\(path).field") }
        var offset = 0
        if let n = e["zone"], let z = scalarText(n, path: "\(path).zone") {
            if let o = TimeLayout.zoneOffset(z) { offset = o } else {
                fail(n, "\(path).zone", "zone '\(z)' is not understood; write UTC or a fixed offset such as +08:00 (zone names are not looked up)")
            }
        }
        var year: Int?
        if let n = e["year"], let t = scalarText(n, path: "\(path).year") {
            if let y = Int(t), (1..<10000).contains(y) { year = y } else { fail(n, "\(path).year", "year must be a number such as 2024, not '\(t)'") }
        }
        var layout: TimeLayout?
        if let n = e["layout"], let t = scalarText(n, path: "\(path).layout") {
            do { layout = try TimeLayout(t, year: year, offset: offset) } catch { fail(n, "\(path).layout", error.message) }
        } else if let n = e["zone"] ?? e["year"] {
            fail(n, path, "'zone' and 'year' apply to a 'layout'; without one, times are RFC 3339 or epoch numbers")
        }
        guard errors.count == before, let field else { return nil }
        return TimeSource(field: field, layout: layout)
    }

    /// `service: NAME` (every record) or `service: {field: PodName, regex: '^(?<service>.+)-[0-9a-f]+-\w+$'}`.
    private mutating func readService(_ node: Node, path: String) -> ServiceSource? {
        if case .scalar = node { return scalarText(node, path: path).map { .name($0) } }
        let before = errors.count
        guard let e = entries(node, path: path, what: "'service'", allowed: Self.serviceKeys) else { return nil }
        let field = require(e, "field", hint: "name the field that holds the service").flatMap { fieldName($0, path: "\(path).field") }
        let pattern = e["regex"].flatMap { regex($0, path: "\(path).regex") }
        guard errors.count == before, let field else { return nil }
        return .field(field, pattern: pattern)
    }

    /// `derive:` — a list of `{field: NAME, from: FIELD, regex: '...'}`.
    mutating func readDerive(_ node: Node, path: String) -> [DerivedField]? {
        if Self.isNull(node) { return [] }
        guard case .sequence(let seq) = node else {
            fail(node, path, "'derive' must be a list of {field, from, regex}, not \(Self.kind(node))")
            return nil
        }
        var out: [DerivedField] = []
        var ok = true
        for (i, item) in seq.enumerated() {
            let p = "\(path)[\(i)]"
            let before = errors.count
            guard let e = entries(item, path: p, what: "a derived field", allowed: Self.deriveKeys) else { ok = false; continue }
            let field = require(e, "field", hint: "name the new field, e.g. 'field: block'").flatMap { fieldName($0, path: "\(p).field") }
            let from = require(e, "from", hint: "name the field to search, e.g. 'from: msg'").flatMap { fieldName($0, path: "\(p).from") }
            let pattern = require(e, "regex", hint: "give the regular expression, e.g. 'regex: ''blk_-?\\d+'''").flatMap { regex($0, path: "\(p).regex") }
            guard errors.count == before, let field, let from, let pattern else { ok = false; continue }
            out.append(DerivedField(field: field, from: from, pattern: pattern))
        }
        return ok ? out : nil
    }
}
