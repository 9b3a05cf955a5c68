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

/// The exact inputs of issue 13's cases (a) and (c), at their real sizes; expectations follow
/// from how each input is built (every transaction paired except the one made lost).
final class EndToEndIssueCasesTests: XCTestCase {
    private let spec = """
        version: 1
        handoffs:
          - name: pay
            from: orders
            to: payments
            key: id
            send: sent
            receive: got
            within: 1s
        """

    private func line(_ service: String, _ t: Int64, _ event: String, _ id: Int) -> String {
        "{\"ts\":\(t),\"service\":\"\(service)\",\"event\":\"\(event)\",\"id\":\"t\(id)\"}\n"
    }

    private func check(_ paths: [String], maxOpen: Int = 1_000_000, threads: Int) throws -> Summary {
        var options = RunOptions()
        options.maxOpen = maxOpen
        options.threads = threads
        return HandoffCheck(spec: try SpecLoader.load(text: spec, file: "seam.yaml"), options: options).run(paths: paths)
    }

    /// Case (c): 30 sorted files of 2,000 lines (15 of orders, 15 of payments, each a
    /// consecutive stretch of time), `max-open 1000`, one real lost send. One file of the same
    /// events never holds more than ~200 sends open, so SEMANTICS allows no eviction; and
    /// whatever happens the lost send must not be hidden behind exit 0.
    func testThirtySmallSortedFilesWithMaxOpen1000KeepTheLostSend() throws {
        let dir = TempDir()
        let base: Int64 = 1_800_000_000_000_000_000
        let step: Int64 = 10_000_000  // 10 ms between transactions
        let lost = 13_000  // mid-file: its 2 s window lies inside one payments file's coverage
        var paths: [String] = []
        for service in ["orders", "payments"] {
            for f in 0..<15 {
                var text = ""
                for i in (f * 2_000)..<((f + 1) * 2_000) {
                    let t = base + Int64(i) * step
                    if service == "orders" {
                        text += line("orders", t, "sent", i)
                    } else {
                        text += line("payments", t + 50_000_000, i == lost ? "tick" : "got", i)
                    }
                }
                paths.append(dir.write("\(service)/\(service).\(f < 10 ? "0" : "")\(f).jsonl", text))
            }
        }
        for threads in [1, 2] {
            let s = try check(paths, maxOpen: 1_000, threads: threads)
            let t = s.handoffs[0]
            let context = "threads \(threads): \(t.counts.filter { $0.value > 0 })"
            XCTAssertEqual(s.total.lines, 60_000, context)
            XCTAssertNotEqual(s.exitCode(), 0, "lost send hidden behind exit 0, \(context)")
            XCTAssertEqual(t[.evictedSend] + t[.evictedReceive], 0, "evictions one file of the same events would not make, \(context)")
            XCTAssertEqual(t[.unconfirmed], 1, context)
            XCTAssertEqual(t[.confirmed], 29_999, context)
            XCTAssertEqual(s.exitCode(), 1, context)
        }
    }

    /// Case (a): a file sorted for its first 6,001 lines (well past the 4,096-line probe), then
    /// a send 7,000 s back at line 6,002 (rotated parts concatenated newest first). Its receive
    /// is in a sorted payments file, so by definition every send is confirmed.
    func testSendFarBackAfterTheProbeIsStillPaired() throws {
        let dir = TempDir()
        let base: Int64 = 1_800_000_000_000_000_000
        let s1: Int64 = 1_000_000_000
        var orders = "", payments = ""
        payments += line("payments", base + s1 / 2, "got", 0)
        for i in 1...6_001 {
            let t = base + 7_000 * s1 + Int64(i) * s1
            orders += line("orders", t, "sent", i)
            payments += line("payments", t + s1 / 4, "got", i)
        }
        orders += line("orders", base, "sent", 0)  // line 6,002
        let paths = [dir.write("orders.jsonl", orders), dir.write("payments.jsonl", payments)]
        for threads in [1, 2] {
            let s = try check(paths, threads: threads)
            let t = s.handoffs[0]
            let context = "threads \(threads): \(t.counts.filter { $0.value > 0 })"
            XCTAssertEqual(t[.confirmed], 6_002, context)
            XCTAssertEqual(t[.unconfirmed] + t[.orphan], 0, context)
            XCTAssertEqual(s.exitCode(), 0, context)
        }
    }
}
