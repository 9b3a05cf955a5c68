@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
import SeamSpec

/// Settings of a discovery run.
public struct DiscoveryOptions: Sendable {
    /// Handoffs below this confidence (0...1) are left out of the draft.
    public var minConfidence = 0.5
    /// At most this many handoffs, the most confident first.
    public var maxHandoffs = 50
    /// Lines longer than this are rejected `too-long`, as in `check`.
    public var maxLineLength = 1 << 20
    public init() {}
}

/// What a discovery run found: the handoffs it proposes, every event it saw, and the input's
/// accounting.
public struct DiscoveryResult: Sendable {
    public var handoffs: [DiscoveredHandoff]
    /// Every (service, event) seen, in order of service then event name.
    public var events: [DiscoveredEvent]
    public var sources: [(name: String, stats: SourceStats)]
    public var inputErrors: [InputError]
    /// Candidate pairs of (event, key field) evaluated, and what became of them.
    public var keyFields: Int
    public var pairsEvaluated: Int
    public var pairsConsistent: Int
    /// Dropped as a detour of two other handoffs (A->B->C makes A->C redundant), below
    /// `minConfidence`, past `maxHandoffs`.
    public var redundant: Int
    public var belowConfidence: Int
    public var pastLimit: Int
    /// Limits reached (services, events, fields, sketches), in words.
    public var limits: [String]

    public var lines: UInt64 { sources.reduce(0) { $0 + $1.stats.lines } }
    public var eventCount: UInt64 { sources.reduce(0) { $0 + $1.stats.events } }
    /// True when every source was read whole (no input error other than notes).
    public var complete: Bool {
        !inputErrors.contains { !$0.code.isNote } && !sources.contains { !$0.stats.errors.isEmpty }
    }
}

/// `seam discover`: reads the logs once and proposes the handoffs they show, as a draft spec.
///
/// Steps: (1) read every source (`DiscoveryReader`) into per-(service, event, field) counts and
/// bottom-k sketches of value hashes with first times (`KeySketch`); (2) keep the fields that
/// look like keys (`FieldStats.notKey`); (3) count, over all sketches at once, which pairs of
/// key fields share sampled values (one sort of every kept hash); (4) evaluate each pair that
/// shares at least `HandoffCandidate.minShared` (containment, lag order, `within`, agree fields,
/// confidence); (5) keep the best key per pair of events, and in every triangle of handoffs
/// A->B, B->C, A->C drop the one whose lags vary most: lags of independent hops add up, and so
/// do their variances, so that is the two-hop one (A->C in a chain A->B->C; B->C when B and C
/// both hear from A; when one hop's lags barely vary, see below); (6) rank.
///
/// Deterministic: fixed hash seed, every order made stable by names.
public struct HandoffDiscovery {
    public let spec: HandoffSpec
    public let options: DiscoveryOptions

    public init(spec: HandoffSpec, options: DiscoveryOptions = DiscoveryOptions()) {
        self.spec = spec
        self.options = options
    }

    public func run(paths: [String], services: [String: String] = [:],
                    progress: ((UInt64) -> Void)? = nil) -> DiscoveryResult {
        let (sources, errors) = SourceWalker.expand(paths, services: services)
        let reader = DiscoveryReader(spec: spec, maxLineLength: options.maxLineLength)
        var done: UInt64 = 0
        var stats: [(name: String, stats: SourceStats)] = []
        for d in sources {
            let s = reader.read(d, progress: progress.map { p in { p(done + $0) } })
            done += s.bytesIn
            stats.append((d.displayName, s))
        }
        return analyse(reader.collector, sources: stats, inputErrors: errors)
    }

    func analyse(_ c: DiscoveryCollector, sources: [(name: String, stats: SourceStats)], inputErrors: [InputError]) -> DiscoveryResult {
        let nodes = c.nodes
        // (2) Key fields.
        var keys: [(node: Int, field: Int)] = []
        for (n, node) in nodes.enumerated() where node.isSelectable {
            for (f, field) in node.fields.enumerated() where field.notKey == nil { keys.append((n, f)) }
        }
        // (3) Pairs sharing sampled values: every kept hash with its key, sorted by hash.
        var entries: [(hash: UInt64, key: Int32)] = []
        for (k, key) in keys.enumerated() {
            for h in nodes[key.node].fields[key.field].sketch!.hashes { entries.append((h, Int32(k))) }
        }
        entries.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.key < $1.key }
        var together: [UInt64: Int] = [:]  // (a << 32 | b) -> shared hashes
        var i = 0
        while i < entries.count {
            var j = i + 1
            while j < entries.count && entries[j].hash == entries[i].hash { j += 1 }
            if j - i > 1 && j - i <= 64 {  // a value in more than 64 key fields is no key
                for x in i..<j { for y in (x + 1)..<j {
                    together[UInt64(entries[x].key) << 32 | UInt64(entries[y].key), default: 0] += 1
                } }
            }
            i = j
        }
        // (4) Evaluate.
        var evaluated = 0
        var candidates: [HandoffCandidate] = []
        for (pair, n) in together.sorted(by: { $0.key < $1.key }) where n >= HandoffCandidate.minShared {
            let a = keys[Int(pair >> 32)], b = keys[Int(pair & 0xFFFF_FFFF)]
            if a.node == b.node && a.field == b.field { continue }
            evaluated += 1
            if let cand = HandoffCandidate.evaluate(a, b, nodes: nodes) { candidates.append(cand) }
        }
        let consistent = candidates.count
        // (5) Best key per pair of events.
        func keyName(_ s: (node: Int, field: Int)) -> String { nodes[s.node].fields[s.field].name }
        // How many consistent pairs each key name takes part in: of two equally good keys, the
        // one the system uses more widely (a trace id over a span id) makes the simpler spec.
        var uses: [String: Int] = [:]
        for cand in candidates {
            uses[keyName(cand.send), default: 0] += 1
            uses[keyName(cand.receive), default: 0] += 1
        }
        func rank(_ x: HandoffCandidate) -> (Int, Double, Int, Int, String) {
            let sameName = lastComponent(keyName(x.send)) == lastComponent(keyName(x.receive)) ? 1 : 0
            return (x.once ? 1 : 0, x.confidence, sameName, uses[keyName(x.send)]! + uses[keyName(x.receive)]!,
                    keyName(x.send) + "\u{1}" + keyName(x.receive))
        }
        /// One-to-one first, then confidence (beyond noise), a key named alike on both sides,
        /// the key used more widely, names.
        func better(_ x: HandoffCandidate, _ y: HandoffCandidate) -> Bool {
            let rx = rank(x), ry = rank(y)
            if rx.0 != ry.0 { return rx.0 > ry.0 }
            if abs(rx.1 - ry.1) > 0.02 { return rx.1 > ry.1 }
            if rx.2 != ry.2 { return rx.2 > ry.2 }
            if rx.3 != ry.3 { return rx.3 > ry.3 }
            return rx.4 < ry.4
        }
        var best: [Pair: HandoffCandidate] = [:]
        var others: [Pair: [String]] = [:]
        for cand in candidates {
            let p = Pair(cand.send.node, cand.receive.node)
            let u = Pair(min(p.a, p.b), max(p.a, p.b))
            let label = keyName(cand.send) == keyName(cand.receive) ? keyName(cand.send) : "\(keyName(cand.send)) = \(keyName(cand.receive))"
            others[u, default: []].append(label)
            if let cur = best[u] {
                if better(cand, cur) { best[u] = cand }
            } else {
                best[u] = cand
            }
        }
        var edges: [Pair: HandoffCandidate] = [:]
        for (u, cand) in best {
            var c = cand
            let label = keyName(c.send) == keyName(c.receive) ? keyName(c.send) : "\(keyName(c.send)) = \(keyName(c.receive))"
            c.evidence.otherKeys = Array(Set(others[u]!.filter { $0 != label })).sorted()
            edges[Pair(c.send.node, c.receive.node)] = c
        }
        // Detours.
        var outgoing: [Int: [Int]] = [:]
        for p in edges.keys { outgoing[p.a, default: []].append(p.b) }
        // Triangles u->w, w->v, u->v, in a stable order.
        var triangles: [(uv: Pair, w: Int)] = []
        for uv in edges.keys.sorted(by: { ($0.a, $0.b) < ($1.a, $1.b) }) {
            for w in (outgoing[uv.a] ?? []).sorted() where w != uv.b && edges[Pair(w, uv.b)] != nil {
                triangles.append((uv, w))
            }
        }
        // Of u->w, w->v, u->v, the lags of the one that is two hops add the other two's (u->v
        // in a chain, w->v when w and v both hear from u), and so do their variances: it has
        // the largest. That is clear when the smallest variance is a fair part of the middle
        // one; else the tiny hop tells. A tiny last hop w->v (lines of one request logged
        // within a millisecond) means a chain: u->v goes. A tiny first hop u->w fits a chain
        // and a fork alike: decided after the rest, on the handoffs left, by services (below).
        var drop = Set<Pair>()
        var open: [(uv: Pair, w: Int)] = []
        for (uv, w) in triangles {
            let wv = Pair(w, uv.b), uw = Pair(uv.a, w)
            let byVariance = [(uv, edges[uv]!.spread), (wv, edges[wv]!.spread), (uw, edges[uw]!.spread)]
                .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : ($0.0.a, $0.0.b) < ($1.0.a, $1.0.b) }
            if byVariance[2].1 >= 0.2 * byVariance[1].1 {
                drop.insert(byVariance[0].0)
            } else if byVariance[2].0 == uw {
                open.append((uv, w))
            } else {
                drop.insert(byVariance[2].0 == wv ? uv : byVariance[0].0)
            }
        }
        // A tiny first hop, among the handoffs no clear triangle dropped: a fork when u, w and
        // v are three services and neither hop is itself a detour (two services that heard the
        // same send: w->v goes); else a chain (a service that received, then hands on: u->v
        // goes). Then a handoff left that a path of two or more handoffs left also joins
        // (u -> ... -> v: a detour whose triangles all had a dropped side) goes, unless it
        // heads a fork.
        var left: [Int: [Int]] = [:]
        for p in edges.keys where !drop.contains(p) { left[p.a, default: []].append(p.b) }
        func joined(_ u: Int, _ v: Int) -> Bool {
            var frontier = (left[u] ?? []).filter { $0 != v }, seen = Set(frontier)
            for _ in 0..<6 where !frontier.isEmpty {  // breadth first, 6 hops at most
                var next: [Int] = []
                for x in frontier {
                    for y in left[x] ?? [] {
                        if y == v { return true }
                        if seen.insert(y).inserted { next.append(y) }
                    }
                }
                frontier = next
            }
            return false
        }
        var late = Set<Pair>()
        var forkHeads = Set<Pair>()
        for (uv, w) in open where !drop.contains(uv) && !drop.contains(Pair(w, uv.b)) && !drop.contains(Pair(uv.a, w)) {
            let su = nodes[uv.a].service, sw = nodes[w].service, sv = nodes[uv.b].service
            if su != sw && sw != sv && su != sv && !joined(uv.a, w) && !joined(w, uv.b) {
                late.insert(Pair(w, uv.b))
                forkHeads.insert(uv)
            } else {
                late.insert(uv)
            }
        }
        forkHeads.subtract(late)
        drop.formUnion(late)
        var detours = Set<Pair>()
        for uv in edges.keys.sorted(by: { ($0.a, $0.b) < ($1.a, $1.b) })
        where !drop.contains(uv) && !forkHeads.contains(uv) && joined(uv.a, uv.b) {
            detours.insert(uv)
        }
        drop.formUnion(detours)
        let kept = edges.filter { !drop.contains($0.key) }.map(\.value)
        // (6) Rank.
        func ident(_ c: HandoffCandidate) -> String {
            "\(nodes[c.send.node].service)\u{1}\(nodes[c.send.node].displayName)\u{1}\(nodes[c.receive.node].service)\u{1}\(nodes[c.receive.node].displayName)"
        }
        let ranked = kept.sorted { x, y in
            let cx = (x.confidence * 1000).rounded(), cy = (y.confidence * 1000).rounded()
            return cx != cy ? cx > cy : ident(x) < ident(y)
        }
        let confident = ranked.filter { $0.confidence >= options.minConfidence }
        let chosen = Array(confident.prefix(options.maxHandoffs))
        var handoffs = chosen.map { makeHandoff($0, nodes: nodes) }
        Self.name(&handoffs)

        var used = Set<Int>()
        for c in chosen { used.insert(c.send.node); used.insert(c.receive.node) }
        let order = nodes.indices.sorted { (nodes[$0].service, nodes[$0].displayName) < (nodes[$1].service, nodes[$1].displayName) }
        let events = order.map { n -> DiscoveredEvent in
            let node = nodes[n]
            return DiscoveredEvent(
                service: node.service, event: node.displayName, records: node.count,
                firstTime: node.firstTime, lastTime: node.lastTime,
                fields: node.fields.map { .init(name: $0.name, records: $0.present, distinct: $0.sketch?.distinctEstimate, notKey: $0.notKey) },
                moreFields: node.droppedFields, inHandoff: used.contains(n))
        }
        var limits: [String] = []
        if !c.servicesDropped.isEmpty { limits.append("more than \(DiscoveryCollector.maxServices) services: \(c.servicesDropped.count) not kept (\(c.recordsDropped) records)") }
        if nodes.contains(where: { $0.name == .overflow }) { limits.append("some services had more than \(DiscoveryCollector.maxEventsPerService) events: the rest are counted as '(other events)'") }
        if nodes.contains(where: { $0.droppedFields > 0 }) { limits.append("some events had more than \(EventNode.maxFields) fields: the rest were not kept") }
        if c.fieldsWithoutSketch > 0 { limits.append("\(c.fieldsWithoutSketch) fields seen after \(DiscoveryCollector.maxSketches) sketches were made were not considered as keys") }
        return DiscoveryResult(
            handoffs: handoffs, events: events, sources: sources, inputErrors: inputErrors,
            keyFields: keys.count, pairsEvaluated: evaluated, pairsConsistent: consistent,
            redundant: drop.count, belowConfidence: ranked.count - confident.count,
            pastLimit: confident.count - chosen.count, limits: limits)
    }

    struct Pair: Hashable {
        var a: Int, b: Int
        init(_ a: Int, _ b: Int) { self.a = a; self.b = b }
    }

    private func lastComponent(_ path: String) -> Substring {
        path.split(separator: ".").last ?? Substring(path)
    }

    private func selector(_ node: EventNode, key: String) -> DiscoveredHandoff.Selector {
        switch node.name {
        case .literal(let name):
            if let f = node.eventField, !spec.fields.event.contains(FieldPath(f)) { return .fieldEquals(f, name) }
            return .event(name)
        case .template(let words, _):
            return .fieldMatches(node.eventField ?? "msg", MessageTemplate.pattern(words))
        case .none, .overflow:
            return .fieldExists(key)
        }
    }

    private func makeHandoff(_ c: HandoffCandidate, nodes: [EventNode]) -> DiscoveredHandoff {
        let s = nodes[c.send.node], r = nodes[c.receive.node]
        let sk = s.fields[c.send.field].name, rk = r.fields[c.receive.field].name
        return DiscoveredHandoff(
            name: "\(s.service)->\(r.service)", from: s.service, to: r.service,
            sendEvent: s.displayName, receiveEvent: r.displayName,
            send: selector(s, key: sk), receive: selector(r, key: rk), sendKey: sk, receiveKey: rk,
            within: c.within, tolerance: c.tolerance, agree: c.agree, once: c.once,
            confidence: c.confidence, evidence: c.evidence)
    }

    /// Unique names: `from->to`, with the send event when two handoffs share services, then
    /// numbered if still equal.
    static func name(_ handoffs: inout [DiscoveredHandoff]) {
        var count: [String: Int] = [:]
        for h in handoffs { count[h.name, default: 0] += 1 }
        for k in handoffs.indices where count[handoffs[k].name]! > 1 {
            let words = handoffs[k].sendEvent.split(separator: " ").prefix(4).joined(separator: " ")
            handoffs[k].name = "\(handoffs[k].name) \(words)"
        }
        var seen: [String: Int] = [:]
        for k in handoffs.indices {
            let n = seen[handoffs[k].name, default: 0] + 1
            seen[handoffs[k].name] = n
            if n > 1 { handoffs[k].name += " #\(n)" }
        }
    }
}
