@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamCore
@_spi(SeamStages) import SeamAlignment
import HeapModule

/// Pairs the sends and receives of every handoff rule and gives each its verdict exactly as
/// SEMANTICS.md "Pairing" defines it, as soon as the watermark allows, then forgets it.
///
/// Contract: observations arrive in any order up to the watermark. `advance(to: w)` promises that
/// every observation with time <= w, and every coverage note for an event with time <= w, has been
/// given. `finish()` is the end of input: every source ended, everything resolved.
///
/// When things are decided (per rule H with W, G, T):
/// - a receive at tr once the watermark reaches tr + T (every candidate send is known, and every
///   receive of its key that comes before it in (time, input order) has been processed);
/// - a send at ts once the watermark reaches ts + W + G + T (no later receive can take it, and
///   its duplicate window is closed). A pair's confirmed/late (and disagree) is emitted when the
///   pair is made; it never changes.
/// - an unpaired side whose coverage is still `.undetermined` waits, per service, until the
///   coverage it is stuck on changes (see `Correlator+Coverage.swift`).
///
/// Data: per (rule, key) the held sends, sorted by (time, input order), only while one is held
/// (`HeldSends`: a slab and an open-addressing table, the key hashed once per observation); per
/// rule a deadline queue of pending receives and one of send deadlines (`DeadlineQueue`: O(1)
/// for deadlines in order, a heap for the rest); per service a heap of items waiting on coverage.
/// Complexity: `observe` O(log n + sends of its key), O(1) expected when observations come in
/// time order; `advance` O(rules + services waiting + resolved x (log n + sends of the key)):
/// never a scan of everything open.
/// Memory: O(open items); at most `maxOpen` sends + receives held (see `Correlator+Eviction`).
///
/// Observations behind the watermark (out of contract) are still correlated where their handoff
/// is open: a late send can still be taken by a pending receive; a late receive is judged at
/// once against the sends still in memory (sends already resolved and forgotten cannot pair, so
/// it may be judged orphan); a late send whose window has closed is judged unpaired at once.
///
/// Where SEMANTICS.md is silent, Seam decides:
/// - Coverage spans are closed intervals of real time: touching spans join, a 1 ns gap between
///   two replicas is a gap (`CoverageTracker`).
/// - Keys compare as their UTF-8 bytes (no Unicode normalization).
/// - A duplicate's (repeat's) send evidence is the latest paired send in its window.
/// - Windows are clamped at the Int64 limits (saturating arithmetic); nothing traps.
/// - In streaming, an unpaired side whose coverage is undetermined waits until an open source of
///   the service speaks past it or ends, however long that is; the `silent` notice covers it.
/// - Eviction cascades into `evicted` verdicts for every item whose pairing it might have changed,
///   pairs included (see `Correlator+Eviction.swift`): it never produces a finding.
@_spi(SeamStages) public final class Correlator {
    /// Per rule: the compiled numbers and the pending work of that rule.
    struct RuleState {
        let rule: HandoffRule
        let index: Int32
        /// Service ids of A and B; -1 for a wildcard side (`*`, `{field: F}`), whose actual
        /// service each observation carries.
        let from: Int32
        let to: Int32
        /// A side is a wildcard: tallies are also kept per actual pair (`HandoffTally.pairs`).
        let wild: Bool
        /// Services that sent (received) under this rule so far, for a wildcard other side's
        /// coverage: kept only when `to` (`from`) is a wildcard.
        var senders: Set<Int32> = []
        var receivingServices: Set<Int32> = []
        /// W, T and `once`, copied out of `rule`: reading them through it copies the whole rule
        /// (its strings and lists: a retain and release each) on every observation.
        let within: Int64
        let tolerance: Int64
        let once: Bool
        /// W + G, saturated.
        let window: Int64
        /// W + G + T, saturated: how long after ts a send stays open.
        let sendOpen: Int64
        let labels: [String]
        /// Index of the receiver service B in `receivers`; -1 for a wildcard B (no silence
        /// notices: the receiver is not known before it receives).
        var receiver = 0
        var receives = DeadlineQueue<PendingReceive>()
        var sends = DeadlineQueue<SendDeadline>()
    }

    /// A receive waiting for the watermark to pass tr + T; its key and values wait in `claims`.
    struct PendingReceive: DueOrdered {
        var due: Int64
        var time: Int64
        var position: InputPosition
        /// Index in `claims`.
        var claim: Int32
    }

    /// A pending receive's key and agree values, its key's hash, its receiving service (B) and
    /// the sender it names (-1: none).
    struct Claim {
        var values: ClaimValues
        var hash: Int
        var service: Int32 = -1
        var peer: Int32 = -1
    }

    /// When a held send's window closes.
    struct SendDeadline: DueOrdered {
        var due: Int64
        var time: Int64
        var position: InputPosition
        /// Index in `held`.
        var send: Int32
    }

    /// Queue entries ordered by (due, time, input order); the index they carry takes no part.
    protocol DueOrdered: Comparable {
        var due: Int64 { get }
        var time: Int64 { get }
        var position: InputPosition { get }
    }

    var rules: [RuleState]
    let coverage: CoverageTracker
    let options: CorrelatorOptions
    /// Held strongly, as by `HandoffCheck` and `HandoffWatch`: findings must never vanish
    /// because the caller kept no reference to its sink.
    let sink: FindingSink?

    /// One tally per rule, in rule order.
    @_spi(SeamStages) public internal(set) var tallies: [HandoffTally]
    /// The first `gapCapacity` gaps by (rule, key), for near misses.
    @_spi(SeamStages) public internal(set) var gaps: GapIndex

    /// Held sends per (rule, key), sorted by (time, input order).
    var held = HeldSends()
    /// Key and values of each pending receive.
    var claims = Slab<Claim>(vacant: Claim(values: ClaimValues(), hash: 0))
    var pendingReceives = 0
    /// Handoffs with observations given up (evicted), and where: see `Correlator+Eviction`.
    var evicted: EvictedKeys
    /// Items waiting on `.undetermined` coverage, per service.
    var waiting: [Int32: Heap<WaitingItem>] = [:]
    var waitingCount = 0
    /// `nil` until the first `advance`: nothing is promised before it.
    var watermark: Int64?
    /// Per receiver service (`RuleState.receiver` indexes it): bookkeeping for `silent` notices.
    var receivers: [ReceiverState] = []
    /// Whether the sink takes `confirmed` findings (else they are only counted, unless kept as
    /// examples: no `Finding` is made for most pairs).
    let sinkWantsConfirmed: Bool
    /// Names of service ids, for findings and pair tallies under wildcard sides.
    let services: ServiceTable?
    /// Service names by id, cached (a shared `ServiceTable` locks on every lookup).
    var serviceNames: [String?] = []
    /// Unpaired sides under a wildcard, judged only once the run's services are all known
    /// (`options.wildcardsAtEnd`): decided at `finish`. Not open handoffs (not in `openCount`).
    var tentative: [WaitingItem] = []

    /// Told each pair's latency as it is made (nil: nobody; one branch per pair).
    @_spi(SeamStages) public var pairObserver: PairObserver?

    /// What `openCount` holds, by side: sends held (pending, or paired and kept for duplicates),
    /// receives pending a send, and either side waiting on coverage.
    @_spi(SeamStages) public var openBySide: (sends: Int, receives: Int, waiting: Int) { (held.count, pendingReceives, waitingCount) }

    /// Sends + receives held in memory (pending, paired sends kept for duplicates, waiting).
    @_spi(SeamStages) public var openCount: Int { held.count + pendingReceives + waitingCount }

    /// - Parameters:
    ///   - fromService, toService: service ids of each rule's A and B (for coverage queries);
    ///     -1 for a wildcard side.
    ///   - services: the run's service table, for the names of actual services under wildcard
    ///     sides (without it they are shown as `#id`).
    @_spi(SeamStages) public init(
        rules: [HandoffRule], fromService: [Int32], toService: [Int32], coverage: CoverageTracker,
        options: CorrelatorOptions = CorrelatorOptions(), sink: FindingSink?, services: ServiceTable? = nil
    ) {
        precondition(fromService.count == rules.count && toService.count == rules.count, "one service pair per rule")
        self.rules = rules.indices.map { i in
            let r = rules[i]
            let window = r.within.addingSaturating(r.grace)
            return RuleState(
                rule: r, index: Int32(i), from: r.fromParty.isWildcard ? -1 : fromService[i],
                to: r.toParty.isWildcard ? -1 : toService[i], wild: r.hasWildcard, within: r.within,
                tolerance: r.tolerance, once: r.once, window: window,
                sendOpen: window.addingSaturating(r.tolerance), labels: r.agree.map(\.label))
        }
        self.coverage = coverage
        self.options = options
        self.evicted = EvictedKeys(maxOpen: options.maxOpen)
        self.sink = sink
        self.tallies = rules.map { HandoffTally(rule: $0, examplesPerKind: options.examplesPerKind) }
        self.gaps = GapIndex(capacity: options.gapCapacity)
        self.sinkWantsConfirmed = sink?.wantsConfirmed ?? false
        self.services = services
        for i in rules.indices {
            if self.rules[i].to < 0 {
                self.rules[i].receiver = -1
            } else if let at = receivers.firstIndex(where: { $0.service == toService[i] }) {
                self.rules[i].receiver = at
            } else {
                self.rules[i].receiver = receivers.count
                receivers.append(ReceiverState(service: toService[i], name: rules[i].to))
            }
        }
    }

    /// What it still holds of long claims goes with it (a pass started over, a watch stopped).
    deinit {
        held.releaseAll()
        claims.forEachPlace { $0.values.release() }
    }

    /// Takes one send or receive (and its claim: see `ClaimValues`, "Ownership"). O(log n +
    /// sends of its key); resolves it at once when its window is already behind the watermark,
    /// and evicts past `maxOpen`.
    @_spi(SeamStages) public func observe(_ o: Observation) {
        let r = Int(o.rule)
        precondition(rules.indices.contains(r), "observation of unknown rule \(o.rule)")
        // The closure captures the rule, not `o` (capturing `o` copied it).
        let rule = o.rule
        // This side's actual service and the other side's named one (-1: none): a fixed side
        // is its rule's, a wildcard side the record's.
        let own: Int32, named: Int32
        switch o.side {
        case .send:
            own = rules[r].from >= 0 ? rules[r].from : o.service
            named = rules[r].to >= 0 ? rules[r].to : o.peer
            noteSender(r, own)
        case .receive:
            own = rules[r].to >= 0 ? rules[r].to : o.service
            named = rules[r].from >= 0 ? rules[r].from : o.peer
            noteReceiver(r, own)
        }
        guard let hash = o.values.withKey({ k in k.map { HeldSends.hash(rule: rule, key: $0) } }) else {
            var values = o.values
            values.release()  // decided now: nothing keeps an unkeyed side
            let evidence = Finding.Evidence(time: o.time, position: o.position)
            let unkeyed: Verdict = o.side == .send ? .unkeyedSend : .unkeyedReceive
            emit(Finding(
                verdict: unkeyed, rule: o.rule, key: nil, send: o.side == .send ? evidence : nil,
                receive: o.side == .receive ? evidence : nil, latency: nil),
                 from: o.side == .send ? own : named, to: o.side == .send ? named : own)
            return
        }
        let due: Int64
        switch o.side {
        case .send:
            due = o.time.addingSaturating(rules[r].sendOpen)
            let send = held.insert(time: o.time, position: o.position, values: o.values, hash: hash, rule: o.rule,
                                   service: own, peer: named)
            rules[r].sends.insert(SendDeadline(due: due, time: o.time, position: o.position, send: send))
            sendHeld(rule: r, at: o.time)
        case .receive:
            due = o.time.addingSaturating(rules[r].tolerance)
            let claim = claims.add(Claim(values: o.values, hash: hash, service: own, peer: named))
            rules[r].receives.insert(PendingReceive(due: due, time: o.time, position: o.position, claim: claim))
            pendingReceives += 1
        }
        if let w = watermark, due <= w { resolveDue() }
        while openCount > max(0, options.maxOpen) { evictOldest() }
    }

    /// Moves the watermark to `w` (never back) and resolves everything it decides, including
    /// items whose coverage was settled by notes since the last call (even if `w` did not move).
    /// O(rules + services waiting + resolved x (log n + sends of the key)).
    @_spi(SeamStages) public func advance(to w: Int64) {
        if watermark.map({ w > $0 }) ?? true { watermark = w }
        resolveDue()
        noticeSilence(at: watermark!)
    }

    /// End of input: ends every source's coverage and resolves everything still open.
    @_spi(SeamStages) public func finish() {
        coverage.endAll()
        watermark = .max
        resolveDue()
        resolveAllWaiting()
        resolveTentative()
    }

    /// Resolves, rule by rule, the receives then the sends whose windows the watermark passed.
    /// Receives first: a send that can still matter to a receive (its pair or duplicate window)
    /// is due no earlier than that receive, so this is the order SEMANTICS.md implies.
    func resolveDue() {
        guard let w = watermark else { return }
        for r in rules.indices {
            while let top = rules[r].receives.min, top.due <= w {
                let p = rules[r].receives.removeMin()
                pendingReceives -= 1
                processReceive(p, rule: r)
            }
            while let top = rules[r].sends.min, top.due <= w {
                let d = rules[r].sends.removeMin()
                closeSend(d, rule: r)
            }
        }
        recheckWaiting()
    }

    /// Counts a finding in its rule's tally (and, under a wildcard side, its pair's: `from`,
    /// `to` are the actual services' ids, -1 unknown), names its services, and hands it to the
    /// sink. O(examples per kind).
    func emit(_ finding: Finding, from: Int32, to: Int32) {
        var f = finding
        let r = Int(f.rule)
        if rules[r].wild {
            f.from = serviceName(from)
            f.to = serviceName(to)
            let i = pairSlot(r, from, to)
            tallies[r].pairs[i].tally.record(f)
        } else {
            f.from = rules[r].rule.from
            f.to = rules[r].rule.to
        }
        tallies[r].record(f)
        if GapIndex.keeps(f.verdict) { gaps.add(f) }
        sink?.found(f)
    }

    /// The index of (from, to) in rule `r`'s pair tallies.
    func pairSlot(_ r: Int, _ from: Int32, _ to: Int32) -> Int {
        tallies[r].pairSlot(from: from, to: to) { (serviceName(from), serviceName(to)) }
    }

    /// The name of service `id` (nil for -1, unknown). O(1) once cached.
    func serviceName(_ id: Int32) -> String? {
        guard id >= 0 else { return nil }
        let i = Int(id)
        if i < serviceNames.count, let n = serviceNames[i] { return n }
        if serviceNames.count <= i { serviceNames += Array(repeating: nil, count: i + 1 - serviceNames.count) }
        let n = services.map { $0.name(id) } ?? "#\(id)"
        serviceNames[i] = n
        return n
    }

    /// A service sent (received) under rule `r`: it joins those whose coverage judges the
    /// unpaired receives (sends) of a wildcard other side. O(1) expected.
    @inline(__always)
    func noteSender(_ r: Int, _ service: Int32) {
        guard rules[r].from < 0, service >= 0 else { return }
        rules[r].senders.insert(service)
    }

    @inline(__always)
    func noteReceiver(_ r: Int, _ service: Int32) {
        guard rules[r].to < 0, service >= 0 else { return }
        rules[r].receivingServices.insert(service)
    }

    /// Silence bookkeeping of rule `r`'s receiver (none for a wildcard receiver).
    @inline(__always)
    func sendHeld(rule r: Int, at time: Int64) {
        let i = rules[r].receiver
        if i >= 0 { receivers[i].sendHeld(at: time) }
    }

    @inline(__always)
    func sendSettled(rule r: Int) {
        let i = rules[r].receiver
        if i >= 0 { receivers[i].sendSettled() }
    }
}

extension Correlator.DueOrdered {
    static func < (a: Self, b: Self) -> Bool {
        (a.due, a.time, a.position.source, a.position.line) < (b.due, b.time, b.position.source, b.position.line)
    }

    static func == (a: Self, b: Self) -> Bool {
        a.due == b.due && a.time == b.time && a.position == b.position
    }
}
