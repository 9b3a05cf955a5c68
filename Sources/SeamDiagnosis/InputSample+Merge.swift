/// Samples of several sources joined, in source order, as `InputSampler` would have gathered
/// them reading those sources one after the other (`seam extract` samples each file alone).
extension InputSample {
    /// Adds `other` (the sample of later sources). Names past `InputSampler.maxNames` per
    /// service are dropped as the sampler drops them; counts of names kept add up.
    package mutating func add(_ other: InputSample) {
        for (s, n) in other.services { services[s, default: 0] += n }
        for (s, names) in other.events {
            var mine = events[s, default: [:]]
            for (name, n) in names.sorted(by: { $0.key < $1.key })
            where mine[name] != nil || mine.count < InputSampler.maxNames {
                mine[name, default: 0] += n
            }
            events[s] = mine
        }
        for (s, paths) in other.fields {
            var mine = fields[s, default: []]
            for p in paths.sorted() where mine.count < InputSampler.maxNames { mine.insert(p) }
            fields[s] = mine
        }
        sourcesSampled += other.sourcesSampled
        sourcesSkipped += other.sourcesSkipped
    }
}
