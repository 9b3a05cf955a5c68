/// Which fields a record's consumer reads beyond time, service and event, by the record's
/// service and event name: what lets `RecordDecoder` stop reading a JSON line early.
///
/// A record of service S whose event name agrees with E (as `RecordView.eventEquals`: same text
/// or equal decimal numbers) needs the paths of every entry for (S, E) and for (S, any event).
/// A record of a service named by no entry needs nothing beyond time, service and event, unless
/// entries for every service (`service` nil) exist: then those, which every record also needs.
/// Services compare as exact bytes, like `ServiceTable` ids. Built by the stage that consumes
/// records (the observation selector), so the record stage never learns what a handoff is.
public struct FieldNeeds: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// nil: records of every service.
        public var service: String?
        /// The event name the record must carry; nil: any record of `service`, whatever its event.
        public var event: String?
        public var paths: [FieldPath]

        public init(service: String?, event: String?, paths: [FieldPath]) {
            self.service = service
            self.event = event
            self.paths = paths
        }
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Records of `service` (nil: every service) with event `event` (nil: any event) need `paths`.
    public mutating func add(service: String?, event: String?, paths: [FieldPath]) {
        entries.append(Entry(service: service, event: event, paths: paths))
    }
}
