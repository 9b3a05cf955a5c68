extension UnsafeMutablePointer {
    /// A new allocation holding a copy of `elements` (at least one element's room, so an empty
    /// array still gives a valid pointer). The caller deinitializes and frees it.
    @_spi(SeamStages) public static func copying(_ elements: [Pointee]) -> UnsafeMutablePointer<Pointee> {
        let p = UnsafeMutablePointer<Pointee>.allocate(capacity: Swift.max(1, elements.count))
        p.initialize(from: elements, count: elements.count)
        return p
    }
}
