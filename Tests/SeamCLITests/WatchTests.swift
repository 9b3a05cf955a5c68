import Foundation
import XCTest

/// `seam watch` on a pipe gives the same verdicts as `seam check` on the same lines, as long as
/// disorder stays within the reorder bound.
final class WatchTests: XCTestCase {
    let spec = SeamBinary.paySpec + """

            grace: 1s
            agree: [amount]
        """

    /// One stream of both services, jittered by up to 400 ms (inside the 1 s reorder bound),
    /// with lost, late, duplicate, disagreeing and orphan handoffs drawn at random.
    func makeStream(seed: UInt64, count: Int) -> String {
        var rng = SplitMix(seed: seed)
        var events: [(Int64, String)] = []
        let base: Int64 = 1_764_000_000_000
        for i in 0..<count {
            let t = base + Int64(i) * 300 + Int64(rng.next() % 200)
            events.append((t, "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"sent\",\"id\":\"k\(i % 97)\",\"amount\":\(i % 5)}"))
            let roll = rng.next() % 20
            if roll == 0 { continue }  // lost
            let lat = roll == 1 ? 2_500 : roll == 2 ? 3_500 : Int64(rng.next() % 1_500)
            let amount = roll == 3 ? "\"\(i % 5).0\"" : roll == 4 ? "\(i % 5 + 1)" : "\(i % 5)"
            events.append((t + lat, "{\"ts\":\(t + lat),\"service\":\"payments\",\"event\":\"got\",\"id\":\"k\(i % 97)\",\"amount\":\(amount)}"))
            if roll == 5 { events.append((t + lat + 10, "{\"ts\":\(t + lat + 10),\"service\":\"payments\",\"event\":\"got\",\"id\":\"k\(i % 97)\"}")) }
        }
        for k in 0..<(count / 2) {
            let t = base + Int64(k) * 600
            events.append((t, "{\"ts\":\(t),\"service\":\"payments\",\"event\":\"tick\"}"))
            events.append((t, "{\"ts\":\(t),\"service\":\"orders\",\"event\":\"tick\"}"))
        }
        events.sort { $0.0 < $1.0 }
        // Disorder within the bound: swap neighbours less than 400 ms apart.
        var i = 0
        while i + 1 < events.count {
            if rng.next() % 3 == 0, events[i + 1].0 - events[i].0 < 400 { events.swapAt(i, i + 1) }
            i += 2
        }
        return events.map(\.1).joined(separator: "\n") + "\n"
    }

    func testWatchOnStdinMatchesCheckOnFile() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        for seed in [1, 2, 3] as [UInt64] {
            let stream = makeStream(seed: seed, count: 3000)
            let file = dir.appendingPathComponent("stream-\(seed).jsonl")
            try stream.write(to: file, atomically: true, encoding: .utf8)
            let check = try SeamBinary.run(["check", "--format", "json", "--fail-on", "none", file.lastPathComponent], directory: dir)
            XCTAssertEqual(check.code, 0, check.stderr)
            let watch = try SeamBinary.run(["watch", "--format", "jsonl", "--fail-on", "none"], input: Data(stream.utf8), directory: dir)
            XCTAssertEqual(watch.code, 0, watch.stderr)
            let lines = watch.stdout.split(separator: "\n")
            let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
            let watched = try XCTUnwrap(handoff(try XCTUnwrap(last["summary"] as? [String: Any]), "pay"))
            let checked = try XCTUnwrap(handoff(try check.json(), "pay"))
            for k in ["sent", "received", "confirmed", "late", "unconfirmed", "orphan", "duplicate", "disagree",
                      "uncovered_sends", "uncovered_receives"] {
                XCTAssertEqual(int(watched[k]), int(checked[k]), "seed \(seed): \(k)")
            }
            XCTAssertGreaterThan(int(checked["unconfirmed"]) ?? 0, 0, "the scenario has gaps")
            XCTAssertGreaterThan(int(checked["late"]) ?? 0, 0)
            XCTAssertGreaterThan(int(checked["disagree"]) ?? 0, 0)
            // Each finding line before the summary is one non-confirmed finding.
            let findings = lines.dropLast().filter { $0.contains("\"kind\"") && !$0.contains("\"silent\"") }
            let expected = ["late", "unconfirmed", "orphan", "duplicate", "disagree", "uncovered_sends", "uncovered_receives"]
                .compactMap { int(checked[$0]) }.reduce(0, +)
            XCTAssertEqual(findings.count, expected, "seed \(seed)")
        }
    }
}

extension WatchTests {
    /// Clocks gone wrong: one event dated ten years ahead in the middle of the stream must not
    /// make `watch` resolve everyone else's pending handoffs early; it then gives `check`'s
    /// verdicts. (Without the policy, every open send turns unconfirmed at that line.)
    func testOneFarFutureEventDoesNotCloseOpenHandoffs() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        var lines = makeStream(seed: 5, count: 2000).split(separator: "\n").map(String.init)
        let future = Int64(1_764_000_000_000) + 10 * 365 * 86_400_000
        lines.insert("{\"ts\":\(future),\"service\":\"orders\",\"event\":\"tick\"}", at: lines.count / 2)
        let stream = lines.joined(separator: "\n") + "\n"
        try stream.write(to: dir.appendingPathComponent("s.jsonl"), atomically: true, encoding: .utf8)
        let check = try SeamBinary.run(["check", "--format", "json", "--fail-on", "none", "s.jsonl"], directory: dir)
        XCTAssertEqual(check.code, 0, check.stderr)
        let watch = try SeamBinary.run(["watch", "--format", "jsonl", "--fail-on", "none"], input: Data(stream.utf8), directory: dir)
        XCTAssertEqual(watch.code, 0, watch.stderr)
        let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(watch.stdout.split(separator: "\n").last!.utf8)) as? [String: Any])
        let watched = try XCTUnwrap(handoff(try XCTUnwrap(last["summary"] as? [String: Any]), "pay"))
        let checked = try XCTUnwrap(handoff(try check.json(), "pay"))
        for k in ["sent", "received", "confirmed", "late", "unconfirmed", "orphan", "duplicate", "uncovered_sends"] {
            XCTAssertEqual(int(watched[k]), int(checked[k]), k)
        }
        XCTAssertGreaterThan(int(checked["confirmed"]) ?? 0, 1_000)
    }
}

/// A source's first line dated far ahead (2099, a bad default clock) meets the same clock-jump
/// guard as any other line: `watch` and `check` give the verdicts the stream defines, instead of
/// that source's watermark jumping to 2099 and every later pair turning into a gap.
extension WatchTests {
    static let year2099: Int64 = 4_070_908_800_000

    /// Sends every 300 ms; each tenth one lost, the others received 500 ms later. Payments
    /// ticks before and after, so every send's window is covered.
    func farFutureLines(count: Int) -> (orders: [String], payments: [String]) {
        let base: Int64 = 1_764_000_000_000
        var orders: [String] = [], payments = ["{\"ts\":\(base - 5_000),\"service\":\"payments\",\"event\":\"tick\"}"]
        for i in 0..<count {
            let t = base + Int64(i) * 300
            orders.append("{\"ts\":\(t),\"service\":\"orders\",\"event\":\"sent\",\"id\":\"k\(i)\",\"amount\":1}")
            if i % 10 != 0 {
                payments.append("{\"ts\":\(t + 500),\"service\":\"payments\",\"event\":\"got\",\"id\":\"k\(i)\",\"amount\":1}")
            }
        }
        payments.append("{\"ts\":\(base + Int64(count) * 300 + 10_000),\"service\":\"payments\",\"event\":\"tick\"}")
        return (orders, payments)
    }

    static let farTick = "{\"ts\":\(year2099),\"service\":\"orders\",\"event\":\"tick\"}"

    func assertExpectedVerdicts(_ pay: [String: Any], count: Int, _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(int(pay["sent"]), count, what, file: file, line: line)
        XCTAssertEqual(int(pay["confirmed"]), count - count / 10, what, file: file, line: line)
        XCTAssertEqual(int(pay["unconfirmed"]), count / 10, what, file: file, line: line)
        for k in ["late", "orphan", "duplicate", "disagree", "uncovered_sends", "uncovered_receives"] {
            XCTAssertEqual(int(pay[k]) ?? 0, 0, "\(what): \(k)", file: file, line: line)
        }
    }

    func watchSummary(_ args: [String], input: String? = nil, in dir: URL) throws -> [String: Any] {
        let watch = try SeamBinary.run(["watch", "--format", "jsonl", "--fail-on", "none"] + args,
                                       input: input.map { Data($0.utf8) }, directory: dir)
        XCTAssertEqual(watch.code, 0, watch.stderr)
        let last = try XCTUnwrap(watch.stdout.split(separator: "\n").last)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        return try XCTUnwrap(summary["summary"] as? [String: Any])
    }

    func checkSummary(_ args: [String], input: String? = nil, in dir: URL) throws -> [String: Any] {
        let check = try SeamBinary.run(["check", "--format", "json", "--fail-on", "none"] + args,
                                       input: input.map { Data($0.utf8) }, directory: dir)
        XCTAssertEqual(check.code, 0, check.stderr)
        return try check.json()
    }

    /// Orders' first line is dated 2099, then its sends; payments in a file of its own.
    /// (Before: orders' watermark sat at 2099, so once payments ended every open send was
    /// resolved at once; each later receive became an orphan, its send unconfirmed.)
    func testFarFutureFirstLineOfOneSource() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        // Orders spans several of watch's batches (4096 lines), so payments ends while orders
        // still has sends to come.
        let count = 12_000
        let (orders, payments) = farFutureLines(count: count)
        let ordersText = ([Self.farTick] + orders).joined(separator: "\n") + "\n"
        try ordersText.write(to: dir.appendingPathComponent("orders.jsonl"), atomically: true, encoding: .utf8)
        try (payments.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("payments.jsonl"),
                                                             atomically: true, encoding: .utf8)
        let checked = try XCTUnwrap(handoff(try checkSummary(["orders.jsonl", "payments.jsonl"], in: dir), "pay"))
        assertExpectedVerdicts(checked, count: count, "check on files")
        // Orders through a pipe (read as it comes, never probed), payments from its file.
        let piped = try XCTUnwrap(handoff(try checkSummary(["-", "payments.jsonl"], input: ordersText, in: dir), "pay"))
        assertExpectedVerdicts(piped, count: count, "check, orders on stdin")
        let watched = try XCTUnwrap(handoff(try watchSummary(["-", "payments.jsonl"], input: ordersText, in: dir), "pay"))
        assertExpectedVerdicts(watched, count: count, "watch, orders on stdin")
        let watchedFiles = try XCTUnwrap(handoff(try watchSummary(["orders.jsonl", "payments.jsonl"], in: dir), "pay"))
        assertExpectedVerdicts(watchedFiles, count: count, "watch on files")
        for k in ["sent", "received", "confirmed", "late", "unconfirmed", "orphan"] {
            XCTAssertEqual(int(watched[k]), int(checked[k]), k)
        }
    }

    /// The 2099 line is the first line any source shows: one stream of both services, with
    /// nothing yet to compare it with. Only the stream's next lines can tell it is the stray one.
    func testFarFutureFirstLineOfAllSources() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let count = 3000
        let (orders, payments) = farFutureLines(count: count)
        let merged = (orders + payments).sorted { time(of: $0) < time(of: $1) }
        let stream = ([Self.farTick] + merged).joined(separator: "\n") + "\n"
        try stream.write(to: dir.appendingPathComponent("s.jsonl"), atomically: true, encoding: .utf8)
        let checked = try XCTUnwrap(handoff(try checkSummary(["s.jsonl"], in: dir), "pay"))
        assertExpectedVerdicts(checked, count: count, "check on a file")
        let piped = try XCTUnwrap(handoff(try checkSummary(["-"], input: stream, in: dir), "pay"))
        assertExpectedVerdicts(piped, count: count, "check on stdin")
        let watched = try XCTUnwrap(handoff(try watchSummary([], input: stream, in: dir), "pay"))
        assertExpectedVerdicts(watched, count: count, "watch on stdin")
        // Its only line: a source of one far-future line holds nobody's handoffs.
        try (Self.farTick + "\n").write(to: dir.appendingPathComponent("clock.jsonl"), atomically: true, encoding: .utf8)
        let alone = try XCTUnwrap(handoff(try watchSummary(["-", "clock.jsonl"], input: stream, in: dir), "pay"))
        assertExpectedVerdicts(alone, count: count, "watch, with a source of one 2099 line")
    }

    private func time(of line: String) -> Int64 {
        let digits = line.drop { !$0.isNumber }.prefix { $0.isNumber }
        return Int64(digits)!
    }
}

/// A tiny deterministic PRNG for reproducible scenarios.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    init(state: UInt64) { self.state = state }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `seam watch` on a live pipe: findings appear while the pipe is still open, and Ctrl-C
/// prints the summary of what was decided and exits 130.
final class WatchLiveTests: XCTestCase {
    func testFindingsArriveLiveAndInterruptPrintsSummary() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try """
            version: 1
            handoffs:
              - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 2s}
            """.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = SeamBinary.executable
        p.arguments = ["watch", "--format", "jsonl"]
        p.currentDirectoryURL = dir
        let inp = Pipe(), out = Pipe()
        p.standardInput = inp
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let lines = [
            #"{"ts":1764000000,"service":"payments","event":"tick"}"#,
            #"{"ts":1764000010,"service":"orders","event":"sent","id":"lost-1"}"#,
            #"{"ts":1764000100,"service":"payments","event":"tick"}"#,
        ]
        inp.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        // The pipe stays open: the unconfirmed send must be printed before any end of input.
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while !seen.contains("lost-1") && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(seen.contains("\"unconfirmed\""), "live finding before end of input: \(seen)")
        p.interrupt()  // SIGINT, as Ctrl-C
        let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try? inp.fileHandleForWriting.close()
        XCTAssertEqual(p.terminationStatus, 130)
        let last = try XCTUnwrap((seen + rest).split(separator: "\n").last)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let pay = try XCTUnwrap(handoff(try XCTUnwrap(summary["summary"] as? [String: Any]), "pay"))
        XCTAssertEqual(int(pay["unconfirmed"]), 1)
    }
}
