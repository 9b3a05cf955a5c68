import Foundation
import XCTest
@_spi(SeamStages) import Seam

/// A finding sink made inline in the call (nothing else holds it) still gets every finding:
/// `HandoffCheck` and `HandoffWatch` hold their sink for the run (a weak reference released it
/// at once, and its findings vanished without an error; issue 15).
final class SinkLifetimeTests: XCTestCase {
    /// Where an inline sink puts what it was given; the test holds this, never the sink.
    final class Received { var findings: [Finding] = [] }

    final class Forwarding: FindingSink {
        let received: Received
        init(_ received: Received) { self.received = received }
        func found(_ finding: Finding) { received.findings.append(finding) }
        func discardFindings() { received.findings.removeAll() }
    }

    static let spec = """
        version: 1
        handoffs:
          - {name: pay, from: orders, to: payments, key: id, send: sent, receive: got, within: 2s}
        """

    /// One pair confirmed, one send never received (unconfirmed), one receive never sent (orphan).
    func writeLogs(_ dir: TempDir) -> [String] {
        [
            dir.write("orders.jsonl", """
                {"ts":"2026-01-01T00:00:01Z","event":"sent","id":"a"}
                {"ts":"2026-01-01T00:00:02Z","event":"sent","id":"b"}
                {"ts":"2026-01-01T00:01:00Z","event":"tick"}

                """),
            dir.write("payments.jsonl", """
                {"ts":"2026-01-01T00:00:01.5Z","event":"got","id":"a"}
                {"ts":"2026-01-01T00:00:30Z","event":"got","id":"c"}
                {"ts":"2026-01-01T00:01:00Z","event":"tick"}

                """),
        ]
    }

    func testWatchDeliversToASinkMadeInline() throws {
        let dir = TempDir()
        let received = Received()
        let (summary, stopped) = HandoffWatch(spec: try SpecLoader.load(text: Self.spec, file: "seam.yaml"),
                                              sink: Forwarding(received)).run(paths: writeLogs(dir))
        XCTAssertFalse(stopped)
        XCTAssertEqual(summary.handoffs[0][.unconfirmed], 1)
        XCTAssertEqual(summary.handoffs[0][.orphan], 1)
        XCTAssertEqual(received.findings.map(\.verdict).sorted { $0.rawValue < $1.rawValue }, [.confirmed, .orphan, .unconfirmed])
    }

    func testCheckDeliversToASinkMadeInline() throws {
        let dir = TempDir()
        let received = Received()
        let summary = HandoffCheck(spec: try SpecLoader.load(text: Self.spec, file: "seam.yaml"),
                                   sink: Forwarding(received)).run(paths: writeLogs(dir))
        XCTAssertEqual(summary.handoffs[0][.unconfirmed], 1)
        XCTAssertEqual(received.findings.map(\.verdict).sorted { $0.rawValue < $1.rawValue }, [.confirmed, .orphan, .unconfirmed])
    }
}
