#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(SeamStages) import SeamAlignment
@_spi(SeamStages) import SeamCorrelation
@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords

/// Stage one of a run split over many tasks (`seam extract`, issue 17): reads sources one
/// after the other and writes each observation as a row (`ObservationRow`), then returns what
/// each source contributes besides (`InputAccount`: accounting, coverage extents, the services
/// taking part in each rule, a name sample for diagnoses).
///
/// Nothing is correlated here and nothing held: memory is one source's reader and one step's
/// observations. Rows of one source come in line order; `seam correlate` wants them sorted by
/// time within a partition (`sort`, Spark), which puts any source's disorder right, so every
/// source is treated as `seam check` treats one it read ahead (`reordered` when its times ran
/// back by more than the reorder bound).
public final class HandoffExtract {
    public let spec: HandoffSpec
    public let options: RunOptions

    public init(spec: HandoffSpec, options: RunOptions = RunOptions()) {
        self.spec = spec
        self.options = options
    }

    /// Reads `sources` (their `index` is their place in the whole run) and hands rows to
    /// `write` in chunks; `total` is the run's number of sources when known.
    @_spi(SeamStages) public func run(sources: [SourceDescriptor], inputErrors: [InputError] = [], total: Int?,
                    write: ([UInt8]) -> Void) -> [InputAccount] {
        let services = ServiceTable(shared: false)
        let selector = HandoffSelector(rules: spec.rules, config: spec.fields, services: services)
        var accounts: [InputAccount] = []
        var batch: [Observation] = []
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        var names: [Int32: String] = [:]
        func name(_ id: Int32) -> String? {
            guard id >= 0 else { return nil }
            if let n = names[id] { return n }
            let n = services.name(id)
            names[id] = n
            return n
        }
        for (i, e) in inputErrors.enumerated() { accounts.append(InputAccount(index: i, error: e)) }
        for d in sources {
            let cursor = SourceCursor(descriptor: d, config: spec.fields, selector: selector, services: services,
                                      maxLineLength: options.maxLineLength, reorderBound: options.reorderBound,
                                      format: spec.format(for: d.displayName), strictJSON: options.strictJSON)
            var rows: UInt64 = 0
            var participants = Set<InputAccount.Participant>()
            var more = true
            while more {
                more = cursor.step(maxLines: 4096, into: &batch)
                for o in batch {
                    ObservationRow.write(o, service: name(o.service), peer: name(o.peer), into: &out)
                    if let s = name(o.service) {
                        participants.insert(InputAccount.Participant(rule: o.rule, side: o.side == .send ? "send" : "receive", service: s))
                    }
                    if out.count >= 1 << 16 {
                        write(out)
                        out.removeAll(keepingCapacity: true)
                    }
                }
                rows += UInt64(batch.count)
                batch.releaseClaims()  // written out: the rows carry the bytes now
                batch.removeAll(keepingCapacity: true)
            }
            var stats = cursor.stats
            if cursor.disorderedEvents > 0 { stats.reordered = true }
            let extents = cursor.takeExtents().map { InputAccount.Extent(service: services.name($0.service), first: $0.first, last: $0.last) }
                .sorted { $0.service < $1.service }
            cursor.close()
            // The sample `seam check` would take of this source for diagnoses (its first lines).
            let sample = d.index < InputSampler.maxSources
                ? InputSampler.sample(sources: [d], spec: spec, maxLineLength: options.maxLineLength) : nil
            accounts.append(InputAccount(
                index: d.index, sources: total, name: d.displayName, stats: stats, extents: extents,
                participants: participants.sorted { ($0.rule, $0.side, $0.service) < ($1.rule, $1.side, $1.service) },
                rows: rows, sample: sample))
        }
        if !out.isEmpty { write(out) }
        return accounts
    }
}
