/// Which fields give a record its time, service and event name: the first present field of
/// each list (list order, not record order) with a scalar value.
///
/// The spec's `fields:` block replaces only the lists it names.
public struct FieldConfig: Sendable, Equatable {
    public var time: [FieldPath]
    public var service: [FieldPath]
    public var event: [FieldPath]

    public static let defaultTime: [FieldPath] = ["ts", "time", "timestamp", "@timestamp"]
    public static let defaultService: [FieldPath] = ["service", "service.name", "app"]
    public static let defaultEvent: [FieldPath] = ["event", "msg", "message"]

    public init(
        time: [FieldPath] = FieldConfig.defaultTime,
        service: [FieldPath] = FieldConfig.defaultService,
        event: [FieldPath] = FieldConfig.defaultEvent
    ) {
        self.time = time
        self.service = service
        self.event = event
    }
}
