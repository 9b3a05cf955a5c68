import Foundation
@_spi(SeamStages) import Seam
import XCTest
@testable import SeamDiscovery

/// Issue 16's acceptance on the real datasets in `<package root>/../shared/datasets` (see
/// Fixtures/real/README.md for their provenance and licences); skipped when that folder is absent.
final class RealDatasetDiscoveryTests: XCTestCase {
    static let datasets = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/datasets").path

    func dataset(_ path: String) throws -> String {
        let p = Self.datasets + "/" + path
        guard FileManager.default.fileExists(atPath: p) else { throw XCTSkip("no dataset at \(p)") }
        return p
    }

    /// Only `sources:` of Fixtures/real/openstack.yaml: discovery proposes the API's create
    /// request -> the compute node's claim, on the `req-` id, as the hand-written spec has it.
    func testOpenStackProposesCreateToClaimOnTheRequestID() throws {
        let log = try dataset("loghub-openstack-2k/OpenStack_2k.log")
        let specText = try String(contentsOfFile: packageRoot + "/Fixtures/real/openstack.yaml", encoding: .utf8)
        let sourcesOnly = DraftSpec.inputSections(of: specText)
        XCTAssertTrue(sourcesOnly.hasPrefix("sources:"))
        let spec = try SpecLoader.load(text: sourcesOnly, file: "sources.yaml", inputsOnly: true)
        let result = HandoffDiscovery(spec: spec).run(paths: [log])
        XCTAssertEqual(result.eventCount, 2000)
        let create = try XCTUnwrap(result.handoffs.first {
            $0.from == "nova-api" && $0.to == "nova-compute" && $0.sendEvent.contains("\"POST /*/*/servers ")
                && $0.receiveEvent.contains("Attempting claim")
        }, "\(result.handoffs.map { "\($0.sendEvent) -> \($0.receiveEvent)" })")
        XCTAssertEqual(create.sendKey, "req")
        XCTAssertEqual(create.receiveKey, "req")
        XCTAssertTrue(create.once)
        XCTAssertEqual(create.evidence.shared, 21)
        XCTAssertEqual(create.evidence.after, 21)
        XCTAssertGreaterThan(create.confidence, 0.9)
        // The delete request -> "Terminating instance" too.
        XCTAssertTrue(result.handoffs.contains {
            $0.sendEvent.contains("\"DELETE /*/*/servers/* ") && $0.receiveEvent.contains("Terminating instance") && $0.sendKey == "req"
        })
        // The draft, with the sources carried, checks the file: create 21 sent, 21 confirmed.
        let draft = try SpecLoader.load(text: DraftSpec.yaml(result, carried: sourcesOnly), file: "draft.yaml")
        let (tears, summary) = checkTears(draft, [log])
        let index = try XCTUnwrap(draft.rules.firstIndex { $0.name == create.name })
        XCTAssertEqual(summary.handoffs[index][.confirmed], 21)
        XCTAssertFalse(tears.contains { $0.rule == Int32(index) }, "the create handoff tore nowhere")
    }

    /// With the `sources:` of Fixtures/real/nezha-logs.yaml (no event field: the app line is
    /// the event, by template), the baseline window proposes handoffs within services keyed by
    /// TraceID, among them the distance calculation's #451 -> #457 that the hand-written spec
    /// checks; that draft on the faulted window finds its starts without ends.
    func testNezhaLogsProposeHandoffsWithinServicesByTraceID() throws {
        let base = try dataset("nezha-trainticket/construct_data/2023-01-29/log/08_50_log.csv")
        let faulted = try dataset("nezha-trainticket/rca_data/2023-01-29/log/10_06_log.csv")
        let specText = try String(contentsOfFile: packageRoot + "/Fixtures/real/nezha-logs.yaml", encoding: .utf8)
        let sourcesOnly = DraftSpec.inputSections(of: specText)
        let spec = try SpecLoader.load(text: sourcesOnly, file: "sources.yaml", inputsOnly: true)
        let result = HandoffDiscovery(spec: spec).run(paths: [base])
        let within = result.handoffs.filter { $0.from == $0.to && $0.sendKey == "TraceID" && $0.receiveKey == "TraceID" }
        XCTAssertGreaterThanOrEqual(within.count, 10, "\(result.handoffs.map(\.name))")
        let distance = try XCTUnwrap(result.handoffs.first {
            $0.from == "ts-travel-service" && $0.sendEvent.contains("TravelServiceImpl#451") && $0.receiveEvent.contains("TravelServiceImpl#457")
        })
        XCTAssertEqual(distance.sendKey, "TraceID")
        XCTAssertFalse(distance.once)  // a trace calculates up to three distances

        let draft = try SpecLoader.load(text: DraftSpec.yaml(result, carried: sourcesOnly), file: "draft.yaml")
        let (tears, summary) = checkTears(draft, [faulted])
        let index = try XCTUnwrap(draft.rules.firstIndex { $0.name == distance.name })
        XCTAssertEqual(summary.handoffs[index][.confirmed], 0)
        let unconfirmed = tears.filter { $0.rule == Int32(index) && $0.verdict == .unconfirmed }
        XCTAssertGreaterThanOrEqual(unconfirmed.count, 20)  // hand-written spec: 22 (its window is wider)
    }
}
