/// Which fields a record's consumer reads beyond time, service and event, by the record's
/// service and event name: what lets `RecordDecoder` stop reading a JSON line early.
///
/// A record of service S whose event name agrees with E (as `RecordView.eventEquals`: same text
/// or equal decimal numbers) needs the paths of every entry for (S, E) and for (S, any event).
/// A record of a service named by no entry needs nothing beyond time, service and event, unless
/// entries for every service (`service` nil) exist: then those, which every record also needs.
/// Services compare as exact bytes, like `ServiceTable` ids. Built by the stage that consumes
/// records (the observation selector), so the record stage never learns what a handoff is.
@_spi(SeamStages) public struct FieldNeeds: Sendable, Equatable {
    @_spi(SeamStages) public struct Entry: Sendable, Equatable {
        /// nil: records of every service.
        @_spi(SeamStages) public var service: String?
        /// The event name the record must carry; nil: any record of `service`, whatever its event.
        @_spi(SeamStages) public var event: String?
        @_spi(SeamStages) public var paths: [FieldPath]

        @_spi(SeamStages) public init(service: String?, event: String?, paths: [FieldPath]) {
            self.service = service
            self.event = event
            self.paths = paths
        }
    }

    @_spi(SeamStages) public private(set) var entries: [Entry] = []

    @_spi(SeamStages) public init() {}

    /// Records of `service` (nil: every service) with event `event` (nil: any event) need `paths`.
    @_spi(SeamStages) public mutating func add(service: String?, event: String?, paths: [FieldPath]) {
        entries.append(Entry(service: service, event: event, paths: paths))
    }
}
