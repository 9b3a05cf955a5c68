import Foundation
import XCTest

/// `seam watch --follow` on a folder that is appended to, rotated by rename, truncated
/// (`copytruncate`) and gains a new file while it runs: stopped by SIGTERM, every line written is
/// read exactly once (the summary's line accounting) and the verdicts equal `seam check` on the
/// final files.
final class WatchFollowTests: XCTestCase {
    static let spec = SeamBinary.paySpec + """

            grace: 1s
        """

    /// Sends every 100 ms; receives 0-1.5 s later, a twentieth lost, some late (2.5 s) and some
    /// twice; ticks on both sides. Returns (time, service, line) in time order.
    static func makeEvents(count: Int, seed: UInt64) -> [(Int64, String, String)] {
        var rng = SplitMix(seed: seed)
        var events: [(Int64, String, String)] = []
        let base: Int64 = 1_764_000_000_000
        for i in 0..<count {
            let t = base + Int64(i) * 100
            events.append((t, "orders", #"{"ts":\#(t),"service":"orders","event":"sent","id":"k\#(i)"}"#))
            if i % 3 == 0 { events.append((t, "payments", #"{"ts":\#(t),"service":"payments","event":"tick"}"#)) }
            let roll = rng.next() % 20
            if roll == 0 { continue }
            let lat = roll == 1 ? 2_500 : Int64(rng.next() % 1_500)
            events.append((t + lat, "payments", #"{"ts":\#(t + lat),"service":"payments","event":"got","id":"k\#(i)"}"#))
            if roll == 2 {
                events.append((t + lat + 5, "payments", #"{"ts":\#(t + lat + 5),"service":"payments","event":"got","id":"k\#(i)"}"#))
            }
        }
        return events.sorted { $0.0 < $1.0 }
    }

    static func append(_ lines: [String], to url: URL) throws {
        guard !lines.isEmpty else { return }
        if !FileManager.default.fileExists(atPath: url.path) {
            FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        h.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try h.close()
    }

    func testFollowThroughRotationTruncationAndNewFiles() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try Self.spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let orders = logs.appendingPathComponent("orders.log")
        let payments = logs.appendingPathComponent("payments.log")
        let payments2 = logs.appendingPathComponent("payments-b.log")
        let events = Self.makeEvents(count: 1500, seed: 7)
        let chunks = 6
        let per = (events.count + chunks - 1) / chunks
        var written = 0

        try Self.append(["{\"ts\":\(events[0].0),\"service\":\"payments\",\"event\":\"tick\"}"], to: payments)
        try Self.append(["{\"ts\":\(events[0].0),\"service\":\"orders\",\"event\":\"tick\"}"], to: orders)
        written += 2
        // --metrics: the test waits on /metrics counting every line written before it rotates,
        // truncates or stops, never on a fixed time.
        let seam = try LiveSeam(["watch", "--follow", "--include", "*.log", "--poll", "40ms", "--format", "jsonl",
                                 "--fail-on", "none", "--metrics", "127.0.0.1:0", "logs"], directory: dir, test: self)
        let settle = { seam.waitUntilLinesRead(written) }  // the follower has caught up
        var lastTime = events[0].0
        for c in 0..<chunks {
            let slice = events[min(c * per, events.count)..<min((c + 1) * per, events.count)]
            guard let first = slice.first else { continue }
            switch c {
            case 2:
                // Rotation by rename: payments.log -> payments.log.1, a new payments.log. The new
                // file starts at the old one's last time, so check's coverage has no seam there.
                settle()
                try FileManager.default.moveItem(at: payments, to: logs.appendingPathComponent("payments.log.1"))
                try Self.append(["{\"ts\":\(lastTime),\"service\":\"payments\",\"event\":\"tick\"}"], to: payments)
                written += 1
            case 3:
                // copytruncate: orders.log copied to orders.log.1, then emptied in place.
                settle()
                try FileManager.default.copyItem(at: orders, to: logs.appendingPathComponent("orders.log.1"))
                let h = try FileHandle(forWritingTo: orders)
                try h.truncate(atOffset: 0)
                try h.close()
                try Self.append(["{\"ts\":\(lastTime),\"service\":\"orders\",\"event\":\"tick\"}"], to: orders)
                written += 1
            case 4:
                // A new file in the folder: found, and read from its start.
                try Self.append(["{\"ts\":\(lastTime),\"service\":\"payments\",\"event\":\"tick\"}"], to: payments2)
                written += 1
                settle()  // found
            default: break
            }
            _ = first
            var o: [String] = [], pa: [String] = [], pb: [String] = []
            for (i, e) in slice.enumerated() {
                if e.1 == "orders" { o.append(e.2) } else if c >= 4 && i % 2 == 1 { pb.append(e.2) } else { pa.append(e.2) }
                lastTime = e.0
            }
            // Half of each chunk, then the rest: lines arrive while the follower reads (the pause
            // only shapes the feed; nothing depends on its length).
            for part in [0, 1] {
                let cut = { (a: [String]) in part == 0 ? Array(a.prefix(a.count / 2)) : Array(a.dropFirst(a.count / 2)) }
                try Self.append(cut(o), to: orders)
                try Self.append(cut(pa), to: payments)
                if c >= 4 { try Self.append(cut(pb), to: payments2) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            written += slice.count
        }
        // Far ticks on every file: every window closes before the stop.
        let far = lastTime + 60_000
        try Self.append(["{\"ts\":\(far),\"service\":\"orders\",\"event\":\"tick\"}"], to: orders)
        try Self.append(["{\"ts\":\(far),\"service\":\"payments\",\"event\":\"tick\"}"], to: payments)
        try Self.append(["{\"ts\":\(far),\"service\":\"payments\",\"event\":\"tick\"}"], to: payments2)
        written += 3
        settle()
        seam.waitUntilSignalsHandled()
        let run = seam.stop(with: SIGTERM)
        XCTAssertEqual(run.code, 143, run.stderr)
        let lines = run.lines
        let last = try XCTUnwrap(lines.last)
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let summary = try XCTUnwrap(top["summary"] as? [String: Any])
        let input = try XCTUnwrap(summary["input"] as? [String: Any])
        // Every line written, read once: no line lost at a rotation or truncation, none twice
        // (the renamed payments.log.1 and the copy orders.log.1 are not read again).
        XCTAssertEqual(int(input["lines"]), written)
        XCTAssertEqual(int(input["events"]), written)
        let names = (input["sources_detail"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(names), ["logs/orders.log", "logs/payments.log", "logs/payments-b.log"])

        let check = try SeamBinary.run(["check", "--format", "json", "--fail-on", "none", "logs"], directory: dir)
        XCTAssertEqual(check.code, 0, check.stderr)
        let checked = try XCTUnwrap(handoff(try check.json(), "pay"))
        XCTAssertEqual(int((try check.json()["input"] as? [String: Any])?["lines"]), written)
        let watched = try XCTUnwrap(handoff(summary, "pay"))
        for k in ["sent", "received", "confirmed", "late", "unconfirmed", "orphan", "duplicate", "disagree",
                  "uncovered_sends", "uncovered_receives"] {
            XCTAssertEqual(int(watched[k]), int(checked[k]), k)
        }
        XCTAssertGreaterThan(int(checked["unconfirmed"]) ?? 0, 10)
        XCTAssertGreaterThan(int(checked["late"]) ?? 0, 10)
        XCTAssertGreaterThan(int(checked["duplicate"]) ?? 0, 10)
    }
}

extension WatchFollowTests {
    /// Runs `watch --follow` on `logs` with `extra` options (and `--metrics 127.0.0.1:0`, so that
    /// `feed` can wait on the lines read) while `feed` writes, then stops it with `signal` once its
    /// handlers are in; returns its exit code, stdout lines and stderr.
    func followRun(_ dir: URL, _ extra: [String], signal: Int32 = SIGTERM,
                   feed: (LiveSeam) throws -> Void) throws -> (code: Int32, lines: [Substring], stderr: String) {
        let seam = try LiveSeam(["watch", "--follow", "--poll", "40ms", "--format", "jsonl", "--fail-on", "none",
                                 "--metrics", "127.0.0.1:0"] + extra + ["logs"], directory: dir, test: self)
        try feed(seam)
        seam.waitUntilSignalsHandled()
        return seam.stop(with: signal)
    }

    /// A followed file that stops growing (payments) no longer holds back the watermark after
    /// `--quiet-after`, so the `silent` notice for it comes while orders goes on; with
    /// `--quiet-after 0` the quiet file holds everything and no notice comes.
    func testQuietFollowedFileLetsSilentNoticeThrough() throws {
        for quiet in ["300ms", "0"] {
            let dir = try SeamBinary.temporaryFolder(self)
            try Self.spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
            let logs = dir.appendingPathComponent("logs")
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            let base: Int64 = 1_764_000_000_000
            try Self.append(["{\"ts\":\(base),\"service\":\"payments\",\"event\":\"tick\"}"], to: logs.appendingPathComponent("payments.log"))
            let run = try followRun(dir, ["--idle", "5s", "--quiet-after", quiet]) { seam in
                // Orders sends for 60 s of event time, in 6 steps of wall time; payments says nothing.
                for step in 0..<6 {
                    var lines: [String] = []
                    for i in 0..<100 {
                        let t = base + Int64(step * 100 + i) * 100
                        lines.append("{\"ts\":\(t),\"service\":\"orders\",\"event\":\"sent\",\"id\":\"k\(step)-\(i)\"}")
                    }
                    try Self.append(lines, to: logs.appendingPathComponent("orders.log"))
                    Thread.sleep(forTimeInterval: 0.2)  // shapes the feed only
                }
                seam.waitUntilLinesRead(601)
                // payments goes quiet after 300 ms of wall time, however late that comes; the
                // notice follows. With 0 it never does: all read, nothing more can come.
                if quiet != "0" { seam.waitUntil("a silent notice") { seam.stdout.contains("\"silent\"") } }
            }
            XCTAssertEqual(run.code, 143, run.stderr)
            let silent = run.lines.filter { $0.contains("\"silent\"") }
            if quiet == "0" {
                XCTAssertTrue(silent.isEmpty, "payments holds the watermark: \(silent)")
            } else {
                XCTAssertFalse(silent.isEmpty, "a silent notice for payments while orders goes on")
                XCTAssertTrue(silent.allSatisfy { $0.contains("payments") })
            }
        }
    }

    /// SIGINT on a followed folder: lines appended just before the signal are drained (read and
    /// counted) and the exit code is 130.
    func testInterruptDrainsFollowedFiles() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try Self.spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let base: Int64 = 1_764_000_000_000
        let file = logs.appendingPathComponent("orders.log")
        try Self.append(["{\"ts\":\(base),\"service\":\"orders\",\"event\":\"tick\"}"], to: file)
        let run = try followRun(dir, ["--poll", "10s"], signal: SIGINT) { seam in
            seam.waitUntilLinesRead(1)  // the follower reached the end of the file
            // Likely asleep there by now (10 s); were it not, it would read the lines itself.
            Thread.sleep(forTimeInterval: 0.3)
            try Self.append((1...5000).map { "{\"ts\":\(base + Int64($0)),\"service\":\"orders\",\"event\":\"tick\"}" }, to: file)
        }
        XCTAssertEqual(run.code, 130, run.stderr)
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(run.lines.last).utf8)) as? [String: Any])
        let input = try XCTUnwrap((top["summary"] as? [String: Any])?["input"] as? [String: Any])
        XCTAssertEqual(int(input["lines"]), 5001, "appended lines read on the way out")
    }
}

extension WatchFollowTests {
    /// Without `--include`, a file renamed inside the followed folder by rotation
    /// (`orders.log` -> `orders.log.1`) is known by device and inode: not read a second time.
    func testRenamedFileInFollowedFolderIsNotReadTwice() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try Self.spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let base: Int64 = 1_764_000_000_000
        let file = logs.appendingPathComponent("orders.log")
        let line = { (i: Int) in "{\"ts\":\(base + Int64(i) * 10),\"service\":\"orders\",\"event\":\"tick\"}" }
        try Self.append((0..<100).map(line), to: file)
        let run = try followRun(dir, []) { seam in
            seam.waitUntilLinesRead(100)
            try Self.append((100..<200).map(line), to: file)
            seam.waitUntilLinesRead(200)
            try FileManager.default.moveItem(at: file, to: logs.appendingPathComponent("orders.log.1"))
            // Most likely the scanner (40 ms) sees orders.log.1 before orders.log is back; if not,
            // it finds the old file gone and a new one: no line may be read twice either way.
            Thread.sleep(forTimeInterval: 0.3)
            try Self.append((200..<300).map(line), to: file)
            seam.waitUntilLinesRead(300)
        }
        XCTAssertEqual(run.code, 143, run.stderr)
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(run.lines.last).utf8)) as? [String: Any])
        let input = try XCTUnwrap((top["summary"] as? [String: Any])?["input"] as? [String: Any])
        XCTAssertEqual(int(input["lines"]), 300)
        let names = (input["sources_detail"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(names, ["logs/orders.log"])
    }
}
