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

/// Issue 16 in the spec: wildcard sides (`"*"`, `{field: F}`) and `any:`/`not:` predicates,
/// with errors at their line and column.
final class SpecWildcardTests: XCTestCase {
    private func load(_ body: String) throws -> HandoffRule {
        try SpecLoader.load(text: "version: 1\nhandoffs:\n" + body, file: "seam.yaml").rules[0]
    }

    private func errors(_ body: String) -> [String] {
        do {
            _ = try SpecLoader.load(text: "version: 1\nhandoffs:\n" + body, file: "seam.yaml")
            XCTFail("loaded; expected errors")
            return []
        } catch let e as SpecErrors {
            return e.errors.map { "\($0.line):\($0.column): \($0.message)" }
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    func testWildcardAndFieldSides() throws {
        let r = try load("""
              - from: "*"
                to: {field: peer.service}
                key: {send: SpanID, receive: ParentID}
                send: client
                receive: server
                within: 1s

            """)
        XCTAssertEqual(r.fromParty, .any)
        XCTAssertEqual(r.toParty, .named(by: "peer.service"))
        XCTAssertEqual(r.from, "*")
        XCTAssertEqual(r.to, "{field: peer.service}")
        XCTAssertEqual(r.name, "*->{field: peer.service}")
        XCTAssertTrue(r.hasWildcard)
        let fixed = try load("  - {from: a, to: '*', key: k, send: s, receive: r, within: 1s}\n")
        XCTAssertEqual(fixed.fromParty, .service("a"))
        XCTAssertEqual(fixed.toParty, .any)
        XCTAssertFalse(try load("  - {from: a, to: b, key: k, send: s, receive: r, within: 1s}\n").hasWildcard)
    }

    func testAnyAndNotPredicates() throws {
        let r = try load("""
              - from: web
                to: api
                key: id
                send:
                  any:
                    - {http.method: GET}
                    - {http.method: POST}
                  not: {http.route: /health}
                receive:
                  kind: request
                  not: health.check
                within: 1s

            """)
        XCTAssertEqual(r.send, .all([
            .any([.fields([FieldCondition(path: "http.method", test: .equals("GET"))]),
                  .fields([FieldCondition(path: "http.method", test: .equals("POST"))])]),
            .not(.fields([FieldCondition(path: "http.route", test: .equals("/health"))])),
        ]))
        XCTAssertEqual(r.receive, .all([
            .fields([FieldCondition(path: "kind", test: .equals("request"))]), .not(.event("health.check")),
        ]))
        let alone = try load("  - {from: a, to: b, key: k, send: {any: [s1, s2]}, receive: {not: noise}, within: 1s}\n")
        XCTAssertEqual(alone.send, .any([.event("s1"), .event("s2")]))
        XCTAssertEqual(alone.receive, .not(.event("noise")))
    }

    func testErrorsCarryLineAndHint() {
        XCTAssertEqual(errors("""
              - from: {feild: peer}
                to: b
                key: k
                send: s
                receive: r
                within: 1s

            """), ["3:12: unknown key 'feild'; did you mean 'field'?"])
        XCTAssertEqual(errors("""
              - from: "pay*"
                to: b
                key: k
                send: s
                receive: r
                within: 1s

            """), ["3:11: 'from' is a service name or '*' for any service; 'pay*' mixes them (patterns are not supported)"])
        XCTAssertEqual(errors("""
              - from: a
                to: b
                key: k
                send: {any: s}
                receive: {not: [a, b]}
                within: 1s

            """), [
                "6:17: 'any' must be a non-empty list of predicates, e.g. 'any: [{http.method: GET}, {http.method: POST}]', not the value 's'",
                "7:20: 'not' takes one predicate, not a list; write 'not: {any: [...]}' for none of several",
            ])
        // An error deep inside `any` names the side and its place.
        let deep = errors("""
              - from: a
                to: b
                key: k
                send:
                  any:
                    - {status: {matches: "("}}
                receive: r
                within: 1s

            """)
        XCTAssertEqual(deep.count, 1)
        XCTAssertTrue(deep.first?.hasPrefix("8:") ?? false, "\(deep)")
    }
}
