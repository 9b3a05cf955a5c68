/// Which fields give a record its time, service and event name: the first present field of
/// each list (list order, not record order) with a scalar value.
///
/// The spec's `fields:` block replaces only the lists it names.
package struct FieldConfig: Sendable, Equatable {
    package var time: [FieldPath]
    package var service: [FieldPath]
    package var event: [FieldPath]

    package static let defaultTime: [FieldPath] = ["ts", "time", "timestamp", "@timestamp"]
    package static let defaultService: [FieldPath] = ["service", "service.name", "app"]
    package static let defaultEvent: [FieldPath] = ["event", "msg", "message"]

    package init(
        time: [FieldPath] = FieldConfig.defaultTime,
        service: [FieldPath] = FieldConfig.defaultService,
        event: [FieldPath] = FieldConfig.defaultEvent
    ) {
        self.time = time
        self.service = service
        self.event = event
    }
}
