@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamCorrelation
import Yams

extension SpecReader {
    static let handoffKeys = [
        "name", "from", "to", "key", "send", "receive", "within", "grace", "tolerance", "agree", "once",
    ]
    static let sideKeys = ["send", "receive"]
    static let partyKeys = ["field"]
    /// Keys of a predicate mapping that combine predicates instead of testing a field.
    static let predicateOperators = ["any", "not"]

    /// The `handoffs:` list: every rule read, then names checked for duplicates.
    mutating func readHandoffs(_ node: Node) -> [HandoffRule]? {
        if Self.isNull(node) {
            fail(node, "handoffs", "'handoffs' is empty; list at least one handoff")
            return nil
        }
        guard case .sequence(let seq) = node else {
            fail(node, "handoffs", "'handoffs' must be a list (lines starting with '- '), not \(Self.kind(node))")
            return nil
        }
        guard !seq.isEmpty else {
            fail(node, "handoffs", "'handoffs' is empty; list at least one handoff")
            return nil
        }
        var rules: [HandoffRule?] = []
        var firstByName: [String: Mark?] = [:]
        for (i, item) in seq.enumerated() {
            let (rule, name, nameMark) = readHandoff(item, path: "handoffs[\(i)]")
            rules.append(rule)
            guard let name else { continue }
            if let first = firstByName[name] {
                let at = first.map { " (first at line \($0.line))" } ?? ""
                fail(at: nameMark, "handoffs[\(i)].name",
                     "duplicate handoff name '\(name)'\(at); give each handoff its own 'name:'")
            } else {
                firstByName[name] = nameMark
            }
        }
        return rules.contains(where: { $0 == nil }) ? nil : rules.compactMap { $0 }
    }

    /// One rule; also its name (explicit or `FROM->TO`) and where that name stands, for the
    /// duplicate check, even when other parts of the rule are wrong.
    private mutating func readHandoff(_ node: Node, path: String) -> (HandoffRule?, String?, Mark?) {
        guard let e = entries(node, path: path, what: "each handoff", allowed: Self.handoffKeys) else {
            return (nil, nil, nil)
        }
        let errorsBefore = errors.count
        let fromParty = require(e, "from", hint: "name the sending service, e.g. 'from: orders'").flatMap {
            party($0, path: "\(path).from", names: "the receive")
        }
        let toParty = require(e, "to", hint: "name the receiving service, e.g. 'to: payments'").flatMap {
            party($0, path: "\(path).to", names: "the send")
        }
        let from = fromParty?.text, to = toParty?.text
        var name: String?
        var nameMark = e.mark
        if let n = e["name"] {
            name = scalarText(n, path: "\(path).name")
            nameMark = n.mark
        } else if let from, let to {
            name = "\(from)->\(to)"
        }

        let keys = require(e, "key", hint: "name the field that identifies one handoff, e.g. 'key: request_id'")
            .flatMap { readKey($0, path: "\(path).key") }
        let send = require(e, "send", hint: "say which event of \(from.map { "'\($0)'" } ?? "the sender") is the send, e.g. 'send: payment.requested'")
            .flatMap { predicate($0, path: "\(path).send") }
        let receive = require(e, "receive", hint: "say which event of \(to.map { "'\($0)'" } ?? "the receiver") is the receive, e.g. 'receive: payment.received'")
            .flatMap { predicate($0, path: "\(path).receive") }

        var within: Int64?
        if let n = require(e, "within", hint: "say how long a handoff may take, e.g. 'within: 5s'"),
            let d = duration(n, path: "\(path).within")
        {
            if d.value <= 0 {
                fail(n, "\(path).within", "within must be more than 0, not '\(d.text)'")
            } else {
                within = d.value
            }
        }
        var grace = within
        if let n = e["grace"], let d = duration(n, path: "\(path).grace") {
            grace = d.value
            if d.value < 0 { fail(n, "\(path).grace", "grace must not be negative, not '\(d.text)'") }
        }
        var tolerance: Int64 = 0
        if let n = e["tolerance"], let d = duration(n, path: "\(path).tolerance") {
            tolerance = d.value
            if d.value < 0 { fail(n, "\(path).tolerance", "tolerance must not be negative, not '\(d.text)'") }
        }
        // The correlator adds them up for a send's window; that sum must not overflow.
        if let w = within, let g = grace, g >= 0, tolerance >= 0 {
            let wg = w.addingReportingOverflow(g)
            if wg.overflow || wg.partialValue.addingReportingOverflow(tolerance).overflow {
                fail(e["within"], "\(path).within", "within + grace + tolerance is too long (at most about 292 years)")
            }
        }
        let agree = e["agree"].map { readAgree($0, path: "\(path).agree") } ?? []
        var once = true
        if let n = e["once"], let text = scalarText(n, path: "\(path).once") {
            switch text.lowercased() {
            case "true": once = true
            case "false": once = false
            default: fail(n, "\(path).once", "once must be true or false, not '\(text)'")
            }
        }

        guard errors.count == errorsBefore, let name, let fromParty, let toParty, let keys, let send, let receive,
            let within, let grace, let agree
        else { return (nil, name, nameMark) }
        let rule = HandoffRule(
            name: name, fromParty: fromParty, toParty: toParty, sendKey: keys.send, receiveKey: keys.receive, send: send,
            receive: receive, within: within, grace: grace, tolerance: tolerance, agree: agree, once: once)
        return (rule, name, nameMark)
    }

    /// `from:`/`to:`: a service name, `"*"` (any service), or `{field: F}` (any service, named in
    /// field F of `names`' record).
    private mutating func party(_ node: Node, path: String, names: String) -> HandoffRule.Party? {
        if case .mapping = node {
            guard let e = entries(node, path: path, what: "'\(Self.leaf(path))'", allowed: Self.partyKeys) else { return nil }
            guard let f = require(e, "field", hint: "name the field of \(names) that holds the service, e.g. '{field: peer.service}'")
            else { return nil }
            return fieldPath(f, path: "\(path).field").map { .named(by: $0) }
        }
        guard let text = scalarText(node, path: path) else { return nil }
        if text == "*" { return .any }
        if text.contains("*") {
            fail(node, path, "'\(Self.leaf(path))' is a service name or '*' for any service; '\(text)' mixes them (patterns are not supported)")
            return nil
        }
        return .service(text)
    }

    /// `key: path` (both sides) or `key: {send: path, receive: path}`.
    private mutating func readKey(_ node: Node, path: String) -> (send: FieldPath, receive: FieldPath)? {
        if case .mapping = node {
            guard let e = entries(node, path: path, what: "'key'", allowed: Self.sideKeys) else { return nil }
            let s = require(e, "send", hint: "name the key field on the send side").flatMap { fieldPath($0, path: "\(path).send") }
            let r = require(e, "receive", hint: "name the key field on the receive side").flatMap { fieldPath($0, path: "\(path).receive") }
            guard let s, let r else { return nil }
            return (s, r)
        }
        return fieldPath(node, path: path).map { ($0, $0) }
    }

    /// `send: event.name`, or `send: {field: value, ...}` (every field must equal its value), where
    /// `any: [predicate, ...]` (one of them holds) and `not: predicate` (it does not hold) may
    /// stand beside the fields or alone.
    private mutating func predicate(_ node: Node, path: String) -> Predicate? {
        // `send` or `receive`, also inside `any:`/`not:` (`handoffs[0].send.any[1]`).
        let side = path.split(separator: ".").first { $0 == "send" || $0 == "receive" }.map(String.init) ?? Self.leaf(path)
        switch node {
        case .scalar:
            return scalarText(node, path: path).map { .event($0) }
        case .mapping(let mapping):
            guard !mapping.isEmpty else {
                fail(node, path, "'\(side)' lists no fields; give an event name or 'field: value' pairs")
                return nil
            }
            var conditions: [FieldCondition] = []
            var combined: [Predicate] = []
            var ok = true
            for (k, v) in mapping {
                if case .scalar(let name) = k, Self.predicateOperators.contains(name.string) {
                    let p = "\(path).\(name.string)"
                    guard let inner = name.string == "any" ? anyOf(v, path: p) : negation(v, path: p) else {
                        ok = false
                        continue
                    }
                    combined.append(inner)
                    continue
                }
                guard let field = fieldPath(k, path: path) else { ok = false; continue }
                guard let tests = conditionTests(v, side: side, field: field.text, path: "\(path).\(field.text)") else {
                    ok = false
                    continue
                }
                conditions += tests.map { FieldCondition(path: field, test: $0) }
            }
            guard ok else { return nil }
            if combined.isEmpty { return .fields(conditions) }
            if conditions.isEmpty && combined.count == 1 { return combined[0] }
            return .all((conditions.isEmpty ? [] : [.fields(conditions)]) + combined)
        default:
            fail(node, path, "'\(side)' must be an event name or a mapping of 'field: value', not \(Self.kind(node))")
            return nil
        }
    }

    /// `any: [p, q, ...]`: a non-empty list of predicates (event names or mappings).
    private mutating func anyOf(_ node: Node, path: String) -> Predicate? {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            fail(node, path, "'any' must be a non-empty list of predicates, e.g. 'any: [{http.method: GET}, {http.method: POST}]', not \(Self.kind(node))")
            return nil
        }
        let items = seq.enumerated().map { predicate($1, path: "\(path)[\($0)]") }
        return items.contains(where: { $0 == nil }) ? nil : .any(items.compactMap { $0 })
    }

    /// `not: p`: one predicate (an event name or a mapping); a list is refused, as its meaning
    /// (none of them? not all of them?) would be a guess.
    private mutating func negation(_ node: Node, path: String) -> Predicate? {
        if case .sequence = node {
            fail(node, path, "'not' takes one predicate, not a list; write 'not: {any: [...]}' for none of several")
            return nil
        }
        return predicate(node, path: path).map { .not($0) }
    }

    /// `agree: [a, b]` (same field both sides), `agree: {send_field: receive_field}`, or one name.
    private mutating func readAgree(_ node: Node, path: String) -> [HandoffRule.AgreeField]? {
        if Self.isNull(node) { return [] }
        switch node {
        case .sequence(let seq):
            let paths = seq.enumerated().map { fieldPath($1, path: "\(path)[\($0)]") }
            guard !paths.contains(where: { $0 == nil }) else { return nil }
            return paths.compactMap { $0 }.map { HandoffRule.AgreeField(send: $0, receive: $0) }
        case .mapping(let mapping):
            var fields: [HandoffRule.AgreeField] = []
            var ok = true
            for (k, v) in mapping {
                let s = fieldPath(k, path: path)
                let r = fieldPath(v, path: "\(path).\(k.string ?? "?")")
                if let s, let r { fields.append(.init(send: s, receive: r)) } else { ok = false }
            }
            return ok ? fields : nil
        default:
            return fieldPath(node, path: path).map { [HandoffRule.AgreeField(send: $0, receive: $0)] }
        }
    }
}
