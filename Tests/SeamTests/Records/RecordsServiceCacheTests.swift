import XCTest
@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// Service ids through a decoder's cache match the table, with more services than the cache
/// holds, names that share lengths and prefixes, escapes, and the empty name.
final class RecordsServiceCacheTests: XCTestCase {
    func testIdsMatchTheTableBeyondTheCacheCapacity() {
        let services = ServiceTable()
        var decoder = RecordDecoder(config: FieldConfig(), extraPaths: [], services: services)
        var rng = SeededRandom(seed: 5)
        let names = (0..<(ServiceCache.capacity * 3)).map { "svc-\($0 % 10)\($0)" } + ["", "a\\u0062", "ab"]
        for i in 0..<5_000 {
            let name = rng.pick(names)
            var got: Int32?
            let line = #"{"ts":"2026-11-29T10:00:00Z","service":"\#(name)","n":\#(i)}"#
            let reason = Array(line.utf8).withUnsafeBytes { decoder.decode($0, defaultService: nil) { got = $0.service } }
            XCTAssertNil(reason)
            let decoded = name == "a\\u0062" ? "ab" : name
            XCTAssertEqual(got.map { services.name($0) }, decoded, "line \(i)")
        }
        XCTAssertEqual(services.count, names.count - 1)  // "a\u0062" is "ab"
    }
}
