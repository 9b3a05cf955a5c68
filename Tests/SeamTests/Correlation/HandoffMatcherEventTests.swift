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

/// Event predicates: a name that is a decimal number agrees with equal numbers in any form
/// (SEMANTICS: as text, or both decimal and equal); any other name only with the same text.
final class HandoffMatcherEventTests: XCTestCase {
    func testDecimalAndTextNames() {
        let services = ServiceTable()
        let rules = ["5", "pay.sent", "1e2"].enumerated().map { i, name in
            HandoffRule(name: "r\(i)", from: "a", to: "b", sendKey: "k", receiveKey: "k", send: .event(name),
                        receive: .event("never"), within: 1_000_000_000, grace: 0, tolerance: 0, agree: [], once: true)
        }
        let selector = HandoffSelector(rules: rules, config: FieldConfig(), services: services)
        var decoder = RecordDecoder(config: FieldConfig(), extraPaths: selector.fieldPaths, services: services)
        func matchedRules(_ event: String) -> [Int32] {
            var out: [Observation] = []
            let line = #"{"ts":1,"service":"a","event":\#(event),"k":"x"}"#
            _ = Array(line.utf8).withUnsafeBytes { bytes in
                decoder.decode(bytes, defaultService: nil) { selector.observations(in: $0, position: InputPosition(source: 0, line: 1), into: &out) }
            }
            return out.map(\.rule)
        }
        XCTAssertEqual(matchedRules(#""5""#), [0])
        XCTAssertEqual(matchedRules("5.0"), [0])
        XCTAssertEqual(matchedRules(#""50e-1""#), [0])
        XCTAssertEqual(matchedRules(#""pay.sent""#), [1])
        XCTAssertEqual(matchedRules(#""pay.sent ""#), [])
        XCTAssertEqual(matchedRules(#""pay\u002esent""#), [1])
        XCTAssertEqual(matchedRules("100"), [2])
        XCTAssertEqual(matchedRules(#""100.00""#), [2])
        XCTAssertEqual(matchedRules(#""6""#), [])
    }
}
