@_spi(SeamStages) import SeamRecords

/// What the matcher reads of a record, for the decoder's early stop.
extension HandoffMatcher {
    /// The fields each side of `rules` reads of a record that could match it: the side's key,
    /// agree, predicate and peer (`{field: F}`) fields, for records of its service (every
    /// service for a wildcard side) whose event name equals the side's `.event` name, or for
    /// every record of its service when the predicate is anything else (field tests, `any`,
    /// `not`).
    ///
    /// Mirrors how `init(rules:decoder:services:)` compiles sides (service, key, predicate,
    /// agree, peer): a record whose event matches no side of its service needs nothing more.
    @_spi(SeamStages) public static func fieldNeeds(for rules: [HandoffRule]) -> FieldNeeds {
        var needs = FieldNeeds()
        func add(_ party: HandoffRule.Party, _ predicate: Predicate, _ key: FieldPath, _ agree: [FieldPath],
                 _ peer: HandoffRule.Party) {
            var paths = [key] + agree
            if case .named(let f) = peer { paths.append(f) }
            if case .event(let name) = predicate {
                needs.add(service: party.service, event: name, paths: paths)
            } else {
                needs.add(service: party.service, event: nil, paths: paths + predicate.fieldPaths)
            }
        }
        for r in rules {
            add(r.fromParty, r.send, r.sendKey, r.agree.map(\.send), r.toParty)
            add(r.toParty, r.receive, r.receiveKey, r.agree.map(\.receive), r.fromParty)
        }
        return needs
    }
}
