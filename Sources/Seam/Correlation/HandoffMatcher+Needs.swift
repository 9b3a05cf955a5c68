/// What the matcher reads of a record, for the decoder's early stop.
extension HandoffMatcher {
    /// The fields each side of `rules` reads of a record that could match it: the side's key,
    /// agree and predicate fields, for records of its service whose event name equals the
    /// side's `.event` name, or for every record of its service when the predicate tests fields.
    ///
    /// Mirrors how `init(rules:decoder:services:)` compiles sides (service, key, predicate,
    /// agree): a record whose event matches no side of its service needs nothing more.
    public static func fieldNeeds(for rules: [HandoffRule]) -> FieldNeeds {
        var needs = FieldNeeds()
        func add(_ service: String, _ predicate: Predicate, _ key: FieldPath, _ agree: [FieldPath]) {
            switch predicate {
            case .event(let name):
                needs.add(service: service, event: name, paths: [key] + agree)
            case .fields(let conds):
                needs.add(service: service, event: nil, paths: [key] + agree + conds.map(\.path))
            }
        }
        for r in rules {
            add(r.from, r.send, r.sendKey, r.agree.map(\.send))
            add(r.to, r.receive, r.receiveKey, r.agree.map(\.receive))
        }
        return needs
    }
}
