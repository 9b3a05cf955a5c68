/// Which fields give a record its time, service and event name: the first present field of
/// each list (list order, not record order) with a scalar value.
///
/// The spec's `fields:` block replaces only the lists it names.
@_spi(SeamStages) public struct FieldConfig: Sendable, Equatable {
    @_spi(SeamStages) public var time: [FieldPath]
    @_spi(SeamStages) public var service: [FieldPath]
    @_spi(SeamStages) public var event: [FieldPath]

    @_spi(SeamStages) public static let defaultTime: [FieldPath] = ["ts", "time", "timestamp", "@timestamp"]
    @_spi(SeamStages) public static let defaultService: [FieldPath] = ["service", "service.name", "app"]
    @_spi(SeamStages) public static let defaultEvent: [FieldPath] = ["event", "msg", "message"]

    @_spi(SeamStages) public init(
        time: [FieldPath] = FieldConfig.defaultTime,
        service: [FieldPath] = FieldConfig.defaultService,
        event: [FieldPath] = FieldConfig.defaultEvent
    ) {
        self.time = time
        self.service = service
        self.event = event
    }
}
