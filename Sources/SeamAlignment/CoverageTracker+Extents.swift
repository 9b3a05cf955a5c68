extension CoverageTracker {
    /// Notes a batch of per-service extents (smallest and largest time) of one source.
    @_spi(SeamStages) public func note(extents: [(service: Int32, first: Int64, last: Int64)], source: Int32) {
        for e in extents {
            note(service: e.service, source: source, time: e.first)
            if e.last != e.first { note(service: e.service, source: source, time: e.last) }
        }
    }
}
