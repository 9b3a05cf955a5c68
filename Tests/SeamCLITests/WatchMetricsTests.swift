import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `seam watch --metrics 127.0.0.1:0`: `/metrics` scraped on loopback during a run holds the
/// counters the summary prints at the end; `/healthz` answers.
final class WatchMetricsTests: XCTestCase {
    /// One HTTP/1.0 GET on loopback: (status line, body).
    static func get(port: Int, path: String, accept: String? = nil) throws -> (status: String, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
        let request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n" + (accept.map { "Accept: \($0)\r\n" } ?? "") + "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            data += buf[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0].components(separatedBy: "\r\n")[0] + "\n" + parts[0], parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// Sample values of `name` whose labels include every pair in `labels`.
    static func value(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        var total: Double?
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let rest = line.dropFirst(name.count)
            var seen: [String: String] = [:]
            if rest.hasPrefix("{"), let close = rest.firstIndex(of: "}") {
                for pair in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    seen[String(kv[0])] = String(kv[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            guard labels.allSatisfy({ seen[$0.key] == $0.value }) else { continue }
            let number = line.split(separator: " ").last.flatMap { Double($0) } ?? 0
            total = (total ?? 0) + number
        }
        return total
    }

    func testScrapedCountersMatchTheSummary() throws {
        let dir = try SeamBinary.temporaryFolder(self)
        try WatchFollowTests.spec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let events = WatchFollowTests.makeEvents(count: 2000, seed: 11)
        let orders = logs.appendingPathComponent("orders.log"), payments = logs.appendingPathComponent("payments.log")
        var lastTime: Int64 = 0
        try WatchFollowTests.append(["{\"ts\":\(events[0].0),\"service\":\"payments\",\"event\":\"tick\"}"], to: payments)
        try WatchFollowTests.append(["{\"ts\":\(events[0].0),\"service\":\"orders\",\"event\":\"tick\"}"], to: orders)
        let seam = try LiveSeam(["watch", "--follow", "--poll", "40ms", "--metrics", "127.0.0.1:0", "--format", "jsonl",
                                 "--fail-on", "none", "logs"], directory: dir, test: self)
        let port = seam.metricsPort()  // the bound port, from stderr's note
        XCTAssertGreaterThan(port, 0, seam.stderr)
        // Half the lines, a scrape once they are all read (the rest not written yet), then the
        // rest and far ticks.
        var midLines = 0.0, written = 2
        for (c, slice) in [events[..<(events.count / 2)], events[(events.count / 2)...]].enumerated() {
            try WatchFollowTests.append(slice.filter { $0.1 == "orders" }.map(\.2), to: orders)
            try WatchFollowTests.append(slice.filter { $0.1 == "payments" }.map(\.2), to: payments)
            written += slice.count
            lastTime = slice.last!.0
            if c == 0 {
                seam.waitUntilLinesRead(written)
                midLines = Self.value(try Self.get(port: port, path: "/metrics").body, "seam_source_lines_total") ?? 0
            }
        }
        try WatchFollowTests.append(["{\"ts\":\(lastTime + 60_000),\"service\":\"orders\",\"event\":\"tick\"}"], to: orders)
        try WatchFollowTests.append(["{\"ts\":\(lastTime + 60_000),\"service\":\"payments\",\"event\":\"tick\"}"], to: payments)
        written += 2
        // Every line read and the run's watermark past every deadline (the far ticks, less
        // --reorder): every verdict is given, and a snapshot sets the watermark after its counters.
        seam.waitUntil("all lines read and every verdict given") {
            guard let text = seam.scrape() else { return false }
            return (Self.value(text, "seam_source_lines_total") ?? 0) >= Double(written)
                && (Self.value(text, "seam_watermark_timestamp_seconds") ?? 0) >= Double(lastTime + 30_000) / 1000
        }
        let scrape = try Self.get(port: port, path: "/metrics")
        XCTAssertTrue(scrape.status.hasPrefix("HTTP/1.0 200") || scrape.status.hasPrefix("HTTP/1.1 200"), scrape.status)
        XCTAssertTrue(scrape.status.contains("text/plain; version=0.0.4"), scrape.status)
        let health = try Self.get(port: port, path: "/healthz")
        XCTAssertTrue(health.status.contains(" 200 "), health.status)
        XCTAssertTrue(try Self.get(port: port, path: "/nope").status.contains(" 404 "))
        // Asked for OpenMetrics: swift-prometheus writes the text format, served as such.
        let om = try Self.get(port: port, path: "/metrics", accept: "application/openmetrics-text; version=1.0.0")
        XCTAssertTrue(om.status.contains("text/plain; version=0.0.4"), om.status)
        seam.waitUntilSignalsHandled()
        let run = seam.stop(with: SIGTERM)
        XCTAssertEqual(run.code, 143)

        let text = scrape.body
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(run.lines.last).utf8)) as? [String: Any])
        let summary = try XCTUnwrap(top["summary"] as? [String: Any])
        let input = try XCTUnwrap(summary["input"] as? [String: Any])
        XCTAssertGreaterThan(midLines, 0, "a scrape during the run sees lines")
        XCTAssertLessThan(midLines, Double(int(input["lines"]) ?? 0), "the mid-run scrape came before the rest")
        XCTAssertEqual(Self.value(text, "seam_source_lines_total"), Double(int(input["lines"]) ?? -1))
        XCTAssertEqual(Self.value(text, "seam_source_events_total"), Double(int(input["events"]) ?? -1))
        for detail in input["sources_detail"] as? [[String: Any]] ?? [] {
            let name = try XCTUnwrap(detail["name"] as? String)
            XCTAssertEqual(Self.value(text, "seam_source_lines_total", ["source": name]), Double(int(detail["lines"]) ?? -1), name)
        }
        let pay = try XCTUnwrap(handoff(summary, "pay"))
        let kinds: [(String, String)] = [("confirmed", "confirmed"), ("late", "late"), ("unconfirmed", "unconfirmed"),
                                         ("orphan", "orphan"), ("duplicate", "duplicate"),
                                         ("uncovered_send", "uncovered_sends"), ("uncovered_receive", "uncovered_receives")]
        for (verdict, key) in kinds {
            let expected = Double(int(pay[key]) ?? 0)
            XCTAssertEqual(Self.value(text, "seam_handoff_verdicts_total", ["handoff": "pay", "verdict": verdict]) ?? 0,
                           expected, verdict)
        }
        XCTAssertGreaterThan(int(pay["unconfirmed"]) ?? 0, 10)
        let paired = Double((int(pay["confirmed"]) ?? 0) + (int(pay["late"]) ?? 0))
        XCTAssertEqual(Self.value(text, "seam_handoff_latency_seconds_count", ["handoff": "pay"]), paired)
        XCTAssertEqual(Self.value(text, "seam_handoff_latency_seconds_bucket", ["handoff": "pay", "le": "2.0"]), nil)
        XCTAssertEqual(Self.value(text, "seam_handoff_latency_seconds_bucket", ["handoff": "pay", "le": "+Inf"]), paired)
        XCTAssertEqual(Self.value(text, "seam_evictions_total"), 0)
    }
}
