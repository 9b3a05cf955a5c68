import Foundation
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

final class SpecLoaderTests: XCTestCase {
    /// The errors a spec text yields, or a failure when it loads.
    private func errors(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [SpecError] {
        do {
            let spec = try SpecLoader.load(text: text, file: "seam.yaml")
            XCTFail("loaded \(spec.rules.count) rules; expected errors", file: file, line: line)
            return []
        } catch let e as SpecErrors {
            return e.errors
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return []
        }
    }

    /// The single error of a spec, as `line:column: message`.
    private func only(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let e = errors(text, file: file, line: line)
        XCTAssertEqual(e.count, 1, "\(e)", file: file, line: line)
        return e.first.map { "\($0.line):\($0.column): \($0.message)" } ?? ""
    }

    /// A valid rule body (indented for a `- ` item) with one line replaced or removed.
    private func rule(_ replacing: [String: String?] = [:], extra: String = "") -> String {
        let lines: [(String, String)] = [
            ("from", "orders"), ("to", "payments"), ("key", "request_id"),
            ("send", "payment.requested"), ("receive", "payment.received"), ("within", "5s"),
        ]
        var out = "version: 1\nhandoffs:\n"
        var first = true
        for (k, v) in lines {
            let value: String?? = replacing[k]
            let text: String?
            switch value {
            case .none: text = "\(k): \(v)"
            case .some(.none): text = nil
            case .some(.some(let t)): text = t
            }
            guard let text else { continue }
            out += (first ? "  - " : "    ") + text + "\n"
            first = false
        }
        return out + extra
    }

    // MARK: Valid specs

    func testFullSpecLoadsWithDefaultsApplied() throws {
        let text = """
            version: 1
            fields:
              time: [ts, "@timestamp"]
              event: msg
            handoffs:
              - name: checkout
                from: orders
                to: payments
                key: {send: request_id, receive: ctx.req}
                send: {kind: payment, amount: 5, retry: false}
                receive: payment.received
                within: 250ms
                grace: 1m
                tolerance: 0.5s
                agree: {amount: paid.amount, currency: currency}
                once: false
              - from: payments
                to: ledger
                key: payment_id
                send: payment.settled
                receive: {event: ledger.booked}
                within: 2
                agree: [amount, currency]

            """
        let spec = try SpecLoader.load(text: text, file: "seam.yaml")
        XCTAssertEqual(spec.version, 1)
        XCTAssertEqual(spec.fields, FieldConfig(time: ["ts", "@timestamp"], service: FieldConfig.defaultService, event: ["msg"]))
        XCTAssertEqual(spec.rules.count, 2)
        XCTAssertEqual(
            spec.rules[0],
            HandoffRule(
                name: "checkout", from: "orders", to: "payments", sendKey: "request_id", receiveKey: "ctx.req",
                send: .fields([
                    FieldCondition(path: "kind", test: .equals("payment")),
                    FieldCondition(path: "amount", test: .equals("5")),
                    FieldCondition(path: "retry", test: .equals("false")),
                ]),
                receive: .event("payment.received"),
                within: 250_000_000, grace: 60_000_000_000, tolerance: 500_000_000,
                agree: [.init(send: "amount", receive: "paid.amount"), .init(send: "currency", receive: "currency")],
                once: false))
        XCTAssertEqual(
            spec.rules[1],
            HandoffRule(
                name: "payments->ledger", from: "payments", to: "ledger", sendKey: "payment_id", receiveKey: "payment_id",
                send: .event("payment.settled"),
                receive: .fields([FieldCondition(path: "event", test: .equals("ledger.booked"))]),
                within: 2_000_000_000, grace: 2_000_000_000, tolerance: 0,
                agree: [.init(send: "amount", receive: "amount"), .init(send: "currency", receive: "currency")],
                once: true))
    }

    func testMinimalSpecUsesDefaultFields() throws {
        let spec = try SpecLoader.load(text: rule(), file: "s.yaml")
        XCTAssertEqual(spec.fields, FieldConfig())
        XCTAssertEqual(spec.rules.map(\.name), ["orders->payments"])
        XCTAssertEqual(spec.rules[0].agree, [])
        XCTAssertTrue(spec.rules[0].once)
    }

    func testLoadFromFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seam-spec-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("seam.yaml").path
        try rule().write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try SpecLoader.load(path: path).rules.count, 1)

        let bad = dir.appendingPathComponent("bad.yaml").path
        try (rule(["within": "within: 5x"])).write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SpecLoader.load(path: bad)) { error in
            XCTAssertEqual(
                (error as? SpecErrors)?.description,
                "\(bad):8:13: error: within: '5x' is not a duration; write e.g. 250ms, 5s, 1.5s, 2m or 1h30m (a bare number is seconds)")
        }
    }

    // MARK: Files that cannot be read

    func testMissingFileAndDirectoryAndNotUTF8() throws {
        XCTAssertThrowsError(try SpecLoader.load(path: "/nonexistent/seam.yaml")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/seam.yaml: error: cannot read the spec: no such file")
        }
        let dir = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try SpecLoader.load(path: dir)) { error in
            XCTAssertEqual("\(error)", "\(dir): error: cannot read the spec: it is a directory")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seam-latin1-\(getpid()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("version: 1\nhandoffs:\n  - from: caf\u{E9}".data(using: .isoLatin1)!).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SpecLoader.load(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):3:14: error: the spec is not valid UTF-8 text")
        }
    }

    // MARK: Each validation error, with its position

    func testYAMLSyntaxErrorCarriesYamsPosition() {
        let e = errors("version: 1\nhandoffs:\n  - from: [orders\n    to: payments\n")
        XCTAssertEqual(e.count, 1)
        XCTAssertTrue(e.first?.message.hasPrefix("YAML syntax: ") ?? false, "\(e)")
        XCTAssertEqual(
            e.first?.description,
            "seam.yaml:4:7: error: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence at line 3, column 11)")
    }

    func testDuplicateYAMLKey() {
        XCTAssertEqual(
            only(rule(extra: "    within: 6s\n")),
            "8:5: duplicate key 'within' in one mapping; each key may appear once")
    }

    func testUnknownKeySuggestsNearestName() {
        XCTAssertEqual(only(rule(["within": "withn: 5s"])), "8:5: unknown key 'withn'; did you mean 'within'?")
        XCTAssertEqual(only(rule(extra: "    agre: [amount]\n")), "9:5: unknown key 'agre'; did you mean 'agree'?")
        XCTAssertEqual(
            only(rule(extra: "    colour: red\n")),
            "9:5: unknown key 'colour' in 'handoffs[0]'; expected one of: name, from, to, key, send, receive, within, grace, tolerance, agree, once")
        XCTAssertEqual(
            only("verison: 1\nhandoffs:\n" + rule().dropFirst("version: 1\nhandoffs:\n".count)),
            "1:1: unknown key 'verison'; did you mean 'version'?")
        XCTAssertEqual(
            only(rule(["key": "key: {send: a, recieve: b}"])),
            "5:20: unknown key 'recieve'; did you mean 'receive'?")
    }

    func testMissingRequiredKeys() {
        for (key, hint) in [
            ("from", "name the sending service, e.g. 'from: orders'"),
            ("to", "name the receiving service, e.g. 'to: payments'"),
            ("key", "name the field that identifies one handoff, e.g. 'key: request_id'"),
            ("send", "say which event of 'orders' is the send, e.g. 'send: payment.requested'"),
            ("receive", "say which event of 'payments' is the receive, e.g. 'receive: payment.received'"),
            ("within", "say how long a handoff may take, e.g. 'within: 5s'"),
        ] {
            let e = errors(rule([key: String?.none]))
            XCTAssertEqual(e.map { "\($0.line):\($0.column): \($0.message)" }, ["3:5: 'handoffs[0]' is missing '\(key)'; \(hint)"])
            XCTAssertEqual(e.first?.key, "handoffs[0].\(key)")
        }
        XCTAssertEqual(
            only(rule(["key": "key: {send: a}"])),
            "5:10: 'handoffs[0].key' is missing 'receive'; name the key field on the receive side")
    }

    func testDurationsThatDoNotParse() {
        XCTAssertEqual(
            only(rule(["within": "within: 5 sec"])),
            "8:13: within: '5 sec' is not a duration; write e.g. 250ms, 5s, 1.5s, 2m or 1h30m (a bare number is seconds)")
        XCTAssertEqual(
            only(rule(extra: "    grace: [5s]\n")),
            "9:12: 'grace' must be a single value, not a list")
        XCTAssertEqual(
            only(rule(extra: "    tolerance: 99999999999h\n")),
            "9:16: tolerance: '99999999999h' is too long a duration (at most about 292 years)")
    }

    func testWithinMustBePositiveAndGraceToleranceNotNegative() {
        XCTAssertEqual(only(rule(["within": "within: 0s"])), "8:13: within must be more than 0, not '0s'")
        XCTAssertEqual(only(rule(["within": "within: -1s"])), "8:13: within must be more than 0, not '-1s'")
        XCTAssertEqual(only(rule(extra: "    grace: -250ms\n")), "9:12: grace must not be negative, not '-250ms'")
        XCTAssertEqual(only(rule(extra: "    tolerance: -1\n")), "9:16: tolerance must not be negative, not '-1'")
        XCTAssertEqual(
            only(rule(["within": "within: 2562047h"], extra: "    grace: 2562047h\n")),
            "8:13: within + grace + tolerance is too long (at most about 292 years)")
    }

    func testDuplicateNamesExplicitAndDefault() {
        let text = """
            version: 1
            handoffs:
              - {from: a, to: b, key: k, send: s, receive: r, within: 1s}
              - {name: x, from: a, to: c, key: k, send: s, receive: r, within: 1s}
              - {from: a, to: b, key: k, send: s, receive: r, within: 1s}
              - {name: x, from: c, to: d, key: k, send: s, receive: r, within: 1s}
            """
        XCTAssertEqual(
            errors(text).map { "\($0.line):\($0.column): \($0.message)" },
            [
                "5:5: duplicate handoff name 'a->b' (first at line 3); give each handoff its own 'name:'",
                "6:12: duplicate handoff name 'x' (first at line 4); give each handoff its own 'name:'",
            ])
    }

    func testVersionWrongOrMissing() {
        XCTAssertEqual(only(rule().replacingOccurrences(of: "version: 1", with: "version: 2")),
                       "1:10: unsupported version '2'; this Seam reads version 1")
        XCTAssertEqual(only(rule().replacingOccurrences(of: "version: 1", with: "version: \"1.0\"")),
                       "1:10: unsupported version '1.0'; this Seam reads version 1")
        XCTAssertEqual(only(rule().replacingOccurrences(of: "version: 1\n", with: "")),
                       "1:1: the spec is missing 'version'; put 'version: 1' at the top of the spec")
    }

    func testWrongNodeTypes() {
        XCTAssertEqual(only("- version: 1\n"), "1:1: the spec must be a mapping of 'key: value' lines, not a list")
        XCTAssertEqual(only("version: 1\nhandoffs: {from: a}\n"),
                       "2:11: 'handoffs' must be a list (lines starting with '- '), not a mapping")
        XCTAssertEqual(only("version: 1\nhandoffs:\n  - orders\n"),
                       "3:5: each handoff must be a mapping of 'key: value' lines, not the value 'orders'")
        XCTAssertEqual(only(rule(["from": "from: [orders]"])), "3:11: 'from' must be a single value, not a list")
        XCTAssertEqual(only(rule(["send": "send: [a, b]"])),
                       "6:11: 'send' must be an event name or a mapping of 'field: value', not a list")
        // A list is "one of" (issue 5); an empty one says so.
        XCTAssertEqual(only(rule(["send": "send: {amount: []}"])),
                       "6:20: 'amount' must be a non-empty list of values, e.g. [202, 204]")
        XCTAssertEqual(only(rule(["send": "send: {}"])),
                       "6:11: 'send' lists no fields; give an event name or 'field: value' pairs")
        XCTAssertEqual(only(rule(["key": "key: a..b"])), "5:10: field path 'a..b' has an empty part; write e.g. 'ctx.req'")
        XCTAssertEqual(only(rule(["to": "to:"])), "4:8: 'to' has no value")
        XCTAssertEqual(only(rule(extra: "    once: maybe\n")), "9:11: once must be true or false, not 'maybe'")
        XCTAssertEqual(only(rule(extra: "    agree: [amount, [x]]\n")), "9:21: 'agree[1]' must be a single value, not a list")
        XCTAssertEqual(only("version: 1\nfields: [ts]\n" + rule().dropFirst(11)),
                       "2:9: 'fields' must be a mapping of 'key: value' lines, not a list")
        XCTAssertEqual(only("version: 1\nfields:\n  time: []\n" + rule().dropFirst(11)),
                       "3:9: 'fields.time' is an empty list; name at least one field")
        XCTAssertEqual(only("version: 1\nfields:\n  tiem: [t]\n" + rule().dropFirst(11)),
                       "3:3: unknown key 'tiem'; did you mean 'time'?")
    }

    func testEmptyOrMissingHandoffsAndEmptyFile() {
        XCTAssertEqual(only("version: 1\nhandoffs: []\n"), "2:11: 'handoffs' is empty; list at least one handoff")
        XCTAssertEqual(only("version: 1\nhandoffs:\n"), "2:10: 'handoffs' is empty; list at least one handoff")
        XCTAssertEqual(only("version: 1\n"),
                       "1:1: the spec is missing 'handoffs'; list the handoffs to check under 'handoffs:'")
        XCTAssertEqual(only(""), "1:1: the spec is empty; it needs 'version: 1' and a 'handoffs:' list")
        XCTAssertEqual(only("# only a comment\n"), "1:1: the spec is empty; it needs 'version: 1' and a 'handoffs:' list")
    }

    func testEveryProblemOfAFileIsReportedInFileOrder() {
        let text = """
            version: 3
            fields:
              time: []
            handoffs:
              - from: orders
                key: request_id
                send: payment.requested
                receive: payment.received
                withn: 5s
                grace: soon
              - name: second
                from: a
                to: b
                key: [x]
                send: s
                receive: r
                within: 0
                tolerance: -2s
                once: yes
            """
        XCTAssertEqual(
            errors(text).map { "\($0.line):\($0.column): \($0.message)" },
            [
                "1:10: unsupported version '3'; this Seam reads version 1",
                "3:9: 'fields.time' is an empty list; name at least one field",
                "5:5: 'handoffs[0]' is missing 'to'; name the receiving service, e.g. 'to: payments'",
                "9:5: unknown key 'withn'; did you mean 'within'?",
                "10:12: grace: 'soon' is not a duration; write e.g. 250ms, 5s, 1.5s, 2m or 1h30m (a bare number is seconds)",
                "14:10: 'key' must be a single value, not a list",
                "17:13: within must be more than 0, not '0'",
                "18:16: tolerance must not be negative, not '-2s'",
                "19:11: once must be true or false, not 'yes'",
            ])
    }

    /// Garbage must give errors, never a crash or a hang.
    func testGarbageNeverCrashes() {
        let garbage = [
            "\u{0}\u{1}\u{2}", "{{{{", "]]]", "- - - -", "version: 1\nhandoffs: [[[[]]]]", ":\n:\n:",
            "&a [*a]", "*undefined", "version: &v 1\nhandoffs:\n  - *v", "%YAML 9.9\n---\n", "--- a\n--- b\n",
            "version: 1\nhandoffs:\n  - {from: a, to: b, key: k, send: s, receive: r, within: 1s, once: [{}]}",
            "version: !!binary aGVsbG8=\nhandoffs: !!set {a, b}", String(repeating: "[", count: 10_000),
            "version: 1\nhandoffs:\n  - {? [a, b] : c, from: x}", "\u{FEFF}version: 1", "version: 1\u{2028}x: y",
            String(repeating: "withinwithin", count: 10_000) + ": 1",
            // "Billion laughs": aliases must not be expanded into memory or time.
            (0..<9).map { i in "l\(i + 1): &l\(i + 1) [" + Array(repeating: i == 0 ? "x" : "*l\(i)", count: 9).joined(separator: ",") + "]" }
                .joined(separator: "\n") + "\nhandoffs: *l9",
        ]
        for text in garbage {
            XCTAssertThrowsError(try SpecLoader.load(text: text, file: "g.yaml"), text.debugDescription.prefix(60).description) {
                error in
                let errors = (error as? SpecErrors)?.errors ?? []
                XCTAssertFalse(errors.isEmpty)
                for e in errors { XCTAssertGreaterThanOrEqual(e.line, 1) }
            }
        }
    }

    // MARK: Durations

    func testDurationTable() throws {
        let table: [(String, Int64)] = [
            ("250ms", 250_000_000), ("5s", 5_000_000_000), ("2m", 120_000_000_000), ("1h", 3_600_000_000_000),
            ("1h30m", 5_400_000_000_000), ("1m0.5s", 60_500_000_000), ("1.5s", 1_500_000_000), (".5s", 500_000_000),
            ("5", 5_000_000_000), ("1.5", 1_500_000_000), ("0", 0), ("0s", 0), ("100us", 100_000),
            ("100µs", 100_000), ("10ns", 10), ("1.5ns", 1), ("0.1ns", 0), ("1.000000001s", 1_000_000_001),
            ("0.0000000019s", 1), ("-1s", -1_000_000_000), ("+2ms", 2_000_000), (" 5s ", 5_000_000_000),
            ("1.123456789123456789h", 4_044_444_440_844), ("9223372036854775807ns", Int64.max),
            ("2562047h47m16.854775807s", Int64.max),
        ]
        for (text, ns) in table {
            XCTAssertEqual(try DurationText.nanoseconds(text), ns, text)
        }
        let bad = ["", "s", "5 s", "5sec", "5min", "1h30", "5x", "--1s", "1.2.3s", "1e3", "5S", "abc", "1d",
                   "9223372036854775808ns", "2562047h47m16.854775808s", "99999999999999999999", "-", "."]
        for text in bad {
            XCTAssertThrowsError(try DurationText.nanoseconds(text), text)
        }
    }
}
