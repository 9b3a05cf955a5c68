/// The names the input held, from the first lines of each source: what a handoff that could not
/// be judged is compared with ("'gatway' appears in no record; services seen: gateway, ...").
///
/// Bounded: at most `InputSampler.maxNames` event names and field paths per service.
package struct InputSample: Sendable, Equatable, Codable {
    /// Records sampled per service.
    package var services: [String: Int] = [:]
    /// Event names per service, with how many sampled records carried each.
    package var events: [String: [String: Int]] = [:]
    /// Field paths seen per service (JSON and logfmt records; nested JSON keys as `a.b`).
    package var fields: [String: Set<String>] = [:]
    /// Sources sampled, and those that could not be (stdin and FIFOs are read once).
    package var sourcesSampled = 0
    package var sourcesSkipped = 0

    package init() {}

    /// Event names of `service`, most frequent first.
    package func eventNames(of service: String) -> [String] {
        (events[service] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }

    /// Event names of every service, most frequent first (for a wildcard side).
    package var allEventNames: [String] {
        var total: [String: Int] = [:]
        for names in events.values { for (n, c) in names { total[n, default: 0] += c } }
        return total.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }

    /// Services, most frequent first.
    package var serviceNames: [String] {
        services.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }
}
