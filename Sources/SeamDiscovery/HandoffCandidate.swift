import Foundation

/// A candidate handoff: two (event, key field) sides whose sketched values overlap, evaluated on
/// the values both sketches kept (a uniform sample of the shared values: same hash, same
/// threshold). Direction, `within`, `once`, agree fields and a confidence come from that sample.
struct HandoffCandidate {
    /// Side = (event node index, field index in it).
    var send: (node: Int, field: Int)
    var receive: (node: Int, field: Int)
    var evidence: DiscoveredHandoff.Evidence
    /// Sorted lags kept for `within` (ns).
    var lags: [Int64]
    var within: Int64
    var tolerance: Int64
    var agree: [DiscoveredHandoff.AgreePair]
    var once: Bool
    var confidence: Double
    /// Variance of the kept lags (ns^2): what tells a direct hop from a detour, as variances of
    /// independent hops add up (`HandoffDiscovery`, step 5).
    var spread: Double
    var median: Int64

    /// Fewest shared sampled values for a candidate.
    static let minShared = 5
    /// Share of the non-simultaneous shared keys whose order must agree.
    static let minDirection = 0.9
    /// Margin on the largest kept lag for `within`, and for `tolerance`.
    static let margin = 1.5

    /// Evaluates the pair of sides; nil when they do not make a handoff (too few shared values,
    /// no consistent order).
    static func evaluate(_ a: (node: Int, field: Int), _ b: (node: Int, field: Int), nodes: [EventNode]) -> HandoffCandidate? {
        let fa = nodes[a.node].fields[a.field], fb = nodes[b.node].fields[b.field]
        guard let sa = fa.sketch, let sb = fb.sketch else { return nil }
        let tau = min(sa.threshold, sb.threshold)
        let ea = sa.sortedSlots().filter { $0.hash <= tau }
        let eb = sb.sortedSlots().filter { $0.hash <= tau }
        // Merge the two sorted lists: the shared values.
        var shared: [(slotA: Int, slotB: Int)] = []
        var i = 0, j = 0
        while i < ea.count && j < eb.count {
            if ea[i].hash == eb[j].hash {
                shared.append((ea[i].slot, eb[j].slot))
                i += 1; j += 1
            } else if ea[i].hash < eb[j].hash { i += 1 } else { j += 1 }
        }
        guard shared.count >= minShared else { return nil }
        var after = 0, before = 0, same = 0
        var lagsAB: [Int64] = []
        lagsAB.reserveCapacity(shared.count)
        for s in shared {
            let lag = sb.firstTimes[s.slotB].subtractingReportingOverflow(sa.firstTimes[s.slotA]).partialValue
            lagsAB.append(lag)
            if lag > 0 { after += 1 } else if lag < 0 { before += 1 } else { same += 1 }
        }
        // Direction: the side whose first record comes first sends.
        let ordered = after + before
        guard ordered >= 3, same * 2 <= shared.count else { return nil }
        let forward = after >= before
        let agreeing = forward ? after : before
        let direction = Double(agreeing) / Double(ordered)
        guard direction >= minDirection else { return nil }
        let (sendSide, recvSide) = forward ? (a, b) : (b, a)
        let (sendSketch, recvSketch) = forward ? (sa, sb) : (sb, sa)
        let pairs = forward ? shared : shared.map { ($0.slotB, $0.slotA) }
        let lags = (forward ? lagsAB : lagsAB.map { 0 &- $0 }).sorted()
        let sampledSend = forward ? ea.count : eb.count
        let sampledRecv = forward ? eb.count : ea.count

        // Lags that run the right way; receives a little early (skew) set the tolerance.
        let positive = lags.filter { $0 >= 0 }
        let negative = lags.filter { $0 < 0 }
        let (usual, _) = Self.fence(positive)
        let top = Self.quantile(usual, 0.999)
        let within = DurationLadder.roundUp(Int64(Double(max(top, 1_000_000)) * margin))
        // Far above the rest and beyond `within` too: `check` will call them late.
        let kept = positive.filter { $0 <= within }, outliers = positive.filter { $0 > within }
        // Receives a little before their sends (clocks apart) set a tolerance; one far before
        // is another story (a key reused) and stays an orphan.
        let early = negative.filter { 0 &- $0 <= within }
        let tolerance = early.isEmpty ? 0 : DurationLadder.roundUp(Int64(Double(0 &- early[0]) * margin))

        var sendMult = 0.0, recvMult = 0.0
        for p in pairs {
            sendMult += Double(sendSketch.counts[p.0])
            recvMult += Double(recvSketch.counts[p.1])
        }
        sendMult /= Double(pairs.count)
        recvMult /= Double(pairs.count)
        let oneToOne = sendMult <= 1.1 && recvMult <= 1.1

        let receivesSent = Double(shared.count) / Double(max(sampledRecv, 1))
        let sendsReceived = Double(shared.count) / Double(max(sampledSend, 1))
        let support = 1 - exp(-Double(shared.count) / 8)
        // Both ways count: receives never sent are orphans, sends never received unconfirmed.
        let containment = min(receivesSent, sendsReceived)
        let order = min(1, max(0, (direction - 0.5) * 2))
        // A key recurring more often on one side than the other (a trace logs the send three
        // times and the receive once) leaves the surplus unpaired in `check`.
        let balance = min(sendMult, recvMult) / max(sendMult, recvMult)
        let confidence = support * containment * order * (oneToOne ? 1 : 0.8 * balance)

        let sendNode = nodes[sendSide.node], recvNode = nodes[recvSide.node]
        let agree = oneToOne ? Self.agreeFields(sendNode, recvNode, sendSide.field, recvSide.field,
                                                sendSketch, recvSketch, pairs) : []
        let evidence = DiscoveredHandoff.Evidence(
            sendRecords: sendNode.count, receiveRecords: recvNode.count,
            sendKeys: sendSketch.distinctEstimate, receiveKeys: recvSketch.distinctEstimate,
            sampledSend: sampledSend, sampledReceive: sampledRecv, shared: shared.count,
            receivesSent: receivesSent, sendsReceived: sendsReceived,
            after: agreeing, before: ordered - agreeing, simultaneous: same,
            lagP50: Self.quantile(kept, 0.5), lagP99: Self.quantile(kept, 0.99), lagMax: kept.last ?? 0,
            outliers: outliers.count, outlierMax: outliers.last ?? 0,
            sendMultiplicity: sendMult, receiveMultiplicity: recvMult, otherKeys: [])
        return HandoffCandidate(
            send: sendSide, receive: recvSide, evidence: evidence, lags: kept, within: within,
            tolerance: tolerance, agree: agree, once: oneToOne, confidence: confidence,
            spread: Self.variance(kept), median: Self.quantile(kept, 0.5))
    }

    /// Splits sorted lags into those kept and the far outliers (above Q3 + 3 IQR), which are
    /// likely late handoffs rather than the handoff's normal spread.
    static func fence(_ sorted: [Int64]) -> (kept: [Int64], outliers: [Int64]) {
        guard sorted.count >= 8 else { return (sorted, []) }
        let q1 = quantile(sorted, 0.25), q3 = quantile(sorted, 0.75)
        let limit = q3 + 3 * max(q3 - q1, 1_000_000)
        let cut = sorted.firstIndex { $0 > limit } ?? sorted.count
        return (Array(sorted[..<cut]), Array(sorted[cut...]))
    }

    static func variance(_ xs: [Int64]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = xs.reduce(0.0) { $0 + Double($1) } / Double(xs.count)
        return xs.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(xs.count - 1)
    }

    /// Nearest-rank quantile of sorted values (0 when empty).
    static func quantile(_ sorted: [Int64], _ q: Double) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Fields with the same name on both sides (not the key, not time/service/event) whose
    /// values agree on at least 90% of the shared keys where both are present, present for at
    /// least half of them, and not one constant value.
    static func agreeFields(_ s: EventNode, _ r: EventNode, _ sKey: Int, _ rKey: Int,
                            _ ss: KeySketch, _ rs: KeySketch, _ pairs: [(Int, Int)]) -> [DiscoveredHandoff.AgreePair] {
        var out: [DiscoveredHandoff.AgreePair] = []
        let w = KeySketch.digestWidth
        for (si, sf) in s.fields.enumerated() where si != sKey && !sf.structural && sf.digestSlot >= 0 {
            guard let (ri, rf) = r.fields.enumerated().first(where: { $0.element.name == sf.name }),
                  ri != rKey, !rf.structural, rf.digestSlot >= 0 else { continue }
            var both = 0, equal = 0
            var values = Set<UInt16>()
            for (a, b) in pairs {
                let x = ss.digests[a * w + sf.digestSlot], y = rs.digests[b * w + rf.digestSlot]
                guard x != 0, y != 0 else { continue }
                both += 1
                if x == y { equal += 1 }
                values.insert(x)
            }
            guard both * 2 >= pairs.count, values.count > 1 else { continue }
            let agreement = Double(equal) / Double(both)
            if agreement >= 0.9 { out.append(.init(send: sf.name, receive: rf.name, agreement: agreement)) }
        }
        return out
    }
}
