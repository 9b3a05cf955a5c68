@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamCorrelation
import SeamDiagnosis

/// The run's summary from the partial summaries of its partitions and the accounts of its
/// sources (`seam merge`): what `seam check` on the same files prints, and its exit code.
///
/// Exact because every observation of one (handoff, key) is in one partition, each partition
/// judged against the whole run's coverage and participants, and every part of a summary adds
/// up: counts, HDR histograms (merged bucket by bucket, so every percentile is the one-process
/// value), exact extremes, unverified counts, the earliest N examples by (time, input order)
/// (the run's earliest N are among the partitions' earliest N), gaps by key.
/// Not exact, and said so: evictions (`max-open` is per partition) and near misses past the
/// gap index's capacity.
///
/// Never a smaller clean-looking summary: a partition missing, given twice, or with problems, a
/// source without an account, or fewer rows correlated than extracted, each adds an input error,
/// so the run is incomplete (exit 3) and names what is missing.
extension Summary {
    /// - Parameters:
    ///   - rules: the spec's rules (the parts' `spec`).
    ///   - parts: the partial summaries read; `problems`: files that could not be read as one.
    ///   - accounts: every line of every coverage file.
    package static func merge(rules: [HandoffRule], parts: [PartialSummary], accounts: [InputAccount],
                             problems: [InputError] = [], allowUnjudged: Bool = false) -> Summary {
        var errors = problems
        // Partitions: each of 0..<n exactly once.
        var partitionCount = parts.first?.partitions ?? 0
        var seen: [Int: Int] = [:]
        for p in parts {
            if p.partitions != partitionCount {
                errors.append(InputError(code: .unreadable, source: "partition \(p.partition) of \(p.partitions)", offset: nil,
                                         message: "parts disagree on the number of partitions (\(partitionCount) and \(p.partitions))"))
                partitionCount = max(partitionCount, p.partitions)
            }
            seen[p.partition, default: 0] += 1
        }
        for i in 0..<partitionCount where seen[i] != 1 {
            errors.append(InputError(
                code: .unreadable, source: "partition \(i) of \(partitionCount)", offset: nil,
                message: seen[i] == nil ? "no partial summary for it (did its correlate task fail?); its keys were not judged"
                    : "given \(seen[i]!) times; its keys would be counted more than once"))
        }
        for p in parts { errors += p.errors }

        // Sources: in input order, each index once; errors of paths that gave none.
        var byIndex: [Int: InputAccount] = [:]
        var pathErrors: [InputAccount] = []
        var expected = 0
        for a in accounts {
            switch a.kind {
            case .error: pathErrors.append(a)
            case .source:
                expected = max(expected, a.sources ?? 0, a.index + 1)
                if byIndex[a.index] != nil {
                    errors.append(InputError(code: .unreadable, source: a.name, offset: nil,
                                             message: "accounted for twice (source #\(a.index)); its lines would be counted twice"))
                }
                byIndex[a.index] = a
            }
        }
        var sources: [Source] = []
        var coverage: [String: [Extent]] = [:]
        var extracted: UInt64 = 0
        var sample: InputSample?
        for i in 0..<expected {
            guard let a = byIndex[i], let stats = a.stats else {
                errors.append(InputError(code: .unreadable, source: "source #\(i)", offset: nil,
                                         message: "no account of it in the coverage files (did its extract task fail?); its lines were not read"))
                sources.append(Source(name: "source #\(i)", stats: SourceStats()))
                continue
            }
            sources.append(Source(name: a.name, stats: stats))
            for e in a.extents {
                coverage[e.service, default: []].append(Extent(source: Int32(i), first: e.first, last: e.last))
            }
            extracted += a.rows
            if let s = a.sample {
                if sample == nil { sample = s } else { sample!.add(s) }
            }
        }
        let correlated = parts.reduce(0) { $0 + $1.rows }
        if errors.isEmpty && correlated != extracted {
            errors.append(InputError(code: .unreadable, source: "(observation rows)", offset: nil,
                                     message: "extract wrote \(extracted) rows, correlate read \(correlated): rows were lost or duplicated on the way"))
        }

        // Tallies, rule by rule.
        var tallies = rules.map { HandoffTally(rule: $0, examplesPerKind: parts.first?.handoffs.first?.examplesPerKind ?? 5) }
        for p in parts {
            guard p.handoffs.count == rules.count else {
                errors.append(InputError(code: .unreadable, source: "partition \(p.partition)", offset: nil,
                                         message: "holds \(p.handoffs.count) handoffs, the spec \(rules.count)"))
                continue
            }
            for (i, h) in p.handoffs.enumerated() {
                do {
                    tallies[i].merge(try HandoffTally(rule: rules[i], parts: h))
                } catch {
                    errors.append(InputError(code: .unreadable, source: "partition \(p.partition)", offset: nil,
                                             message: "\(rules[i].name): \(error)"))
                }
            }
        }
        var gaps = GapIndex(capacity: parts.first?.gapCapacity ?? 0)
        for p in parts {
            gaps.merge(GapIndex(capacity: p.gapCapacity, entries: p.gaps, dropped: p.gapsDropped))
        }

        let stats = sources.map(\.stats)
        var summary = Summary(sources: sources, inputErrors: pathErrors.sorted { $0.index < $1.index }.compactMap(\.error) + errors,
                              coverage: coverage, handoffs: tallies)
        summary.gapIndex = gaps
        if stats.contains(where: { !$0.rejectionRuns.isEmpty }) {
            summary.rejectionIndex = RejectionIndex(runs: stats.map(\.rejectionRuns))
        }
        summary.allowUnjudged = allowUnjudged
        if summary.handoffs.contains(where: HandoffDiagnosis.needed) {
            summary.diagnose(sample: sample ?? InputSample())
        }
        return summary
    }

    /// Adds a `HandoffDiagnosis` for every handoff that needs one, from `sample` (names seen in
    /// the first lines of the sources); services are known exactly from the run's coverage.
    package mutating func diagnose(sample: InputSample) {
        var sample = sample
        for (service, _) in coverage where sample.services[service] == nil { sample.services[service] = 0 }
        for h in handoffs {
            if let d = HandoffDiagnosis.diagnose(h, sample: sample) { diagnoses[h.rule.name] = d }
        }
    }
}
