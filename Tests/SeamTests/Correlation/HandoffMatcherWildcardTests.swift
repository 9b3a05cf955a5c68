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

/// Wildcard sides and `any`/`not` predicates in the matcher (issue 16), with the decoder's early
/// stop on (`fieldNeeds`), as a run uses it.
final class HandoffMatcherWildcardTests: XCTestCase {
    struct Match: Equatable {
        var rule: Int32
        var side: Observation.Side
        var service: String
        var peer: String?
    }

    func matches(_ rules: [HandoffRule], _ lines: [String]) -> [[Match]] {
        let services = ServiceTable()
        let selector = HandoffSelector(rules: rules, config: FieldConfig(), services: services)
        var decoder = RecordDecoder(config: FieldConfig(), extraPaths: selector.fieldPaths, services: services,
                                    needs: selector.fieldNeeds)
        return lines.map { line in
            var out: [Observation] = []
            _ = Array(line.utf8).withUnsafeBytes { bytes in
                decoder.decode(bytes, defaultService: nil) {
                    selector.observations(in: $0, position: InputPosition(source: 0, line: 1), into: &out)
                }
            }
            return out.map { Match(rule: $0.rule, side: $0.side, service: services.name($0.service),
                                   peer: $0.peer >= 0 ? services.name($0.peer) : nil) }
        }
    }

    func rule(_ from: HandoffRule.Party, _ to: HandoffRule.Party, send: Seam.Predicate = .event("client"),
              receive: Seam.Predicate = .event("server")) -> HandoffRule {
        HandoffRule(name: "r", fromParty: from, toParty: to, sendKey: "span", receiveKey: "parent", send: send,
                    receive: receive, within: 1_000_000_000, grace: 0, tolerance: 0, agree: [], once: true)
    }

    func testWildcardSidesMatchServicesTheSpecNeverNames() {
        let got = matches([rule(.any, .named(by: "peer.service")), rule(.service("a"), .service("b"))], [
            #"{"ts":1,"service":"zeta","event":"client","span":"1","peer.service":"omega"}"#,
            #"{"ts":1,"service":"omega","event":"server","parent":"1"}"#,
            #"{"ts":1,"service":"zeta","event":"client","span":"2"}"#,
            #"{"ts":1,"service":"a","event":"client","span":"3","peer":{"service":"b"}}"#,
            #"{"ts":1,"service":"zeta","event":"noise","span":"4"}"#,
        ])
        XCTAssertEqual(got[0], [Match(rule: 0, side: .send, service: "zeta", peer: "omega")])
        XCTAssertEqual(got[1], [Match(rule: 0, side: .receive, service: "omega", peer: nil)])
        XCTAssertEqual(got[2], [Match(rule: 0, side: .send, service: "zeta", peer: nil)], "no field: no peer")
        XCTAssertEqual(got[3], [Match(rule: 0, side: .send, service: "a", peer: "b"),
                                Match(rule: 1, side: .send, service: "a", peer: nil)],
                       "a named service matches * too, in rule order")
        XCTAssertEqual(got[4], [])
        // Both sides any: one record can be the send and the receive of the same rule.
        let both = matches([rule(.any, .any, send: .event("x"), receive: .event("x"))],
                           [#"{"ts":1,"service":"q","event":"x","span":"1","parent":"0"}"#])
        XCTAssertEqual(both[0].map(\.side), [.send, .receive])
    }

    /// "HTTP GET or POST, not health checks" without a regex lookahead.
    func testAnyAndNot() {
        let send: Seam.Predicate = .all([
            .any([.fields([FieldCondition(path: "method", test: .equals("GET"))]),
                  .fields([FieldCondition(path: "method", test: .equals("POST"))])]),
            .not(.fields([FieldCondition(path: "route", test: .contains("/health"))])),
        ])
        let got = matches([rule(.service("web"), .service("api"), send: send, receive: .not(.event("5")))], [
            #"{"ts":1,"service":"web","method":"GET","route":"/orders","span":"1"}"#,
            #"{"ts":1,"service":"web","method":"POST","route":"/orders","span":"1"}"#,
            #"{"ts":1,"service":"web","method":"GET","route":"/healthz","span":"1"}"#,
            #"{"ts":1,"service":"web","method":"PUT","route":"/orders","span":"1"}"#,
            #"{"ts":1,"service":"api","event":"5.0","parent":"1"}"#,
            #"{"ts":1,"service":"api","event":"6","parent":"1"}"#,
            #"{"ts":1,"service":"api","parent":"1"}"#,
        ])
        XCTAssertEqual(got.map(\.count), [1, 1, 0, 0, 0, 1, 1], "\(got)")
    }
}
