import Foundation
@_spi(SeamStages) import Seam
import XCTest
import Yams

/// docs/kubernetes/seam-daemonset.yaml parses as YAML, its embedded spec loads, and what the
/// DaemonSet runs, exposes and annotates agrees with itself (args, port, probes, mounts).
final class KubernetesExampleTests: XCTestCase {
    func testDaemonSetExampleIsConsistent() throws {
        let url = SeamBinary.root.appendingPathComponent("docs/kubernetes/seam-daemonset.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let docs = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        XCTAssertEqual(docs.compactMap { $0["kind"] as? String }, ["ConfigMap", "DaemonSet"])

        let config = try XCTUnwrap(docs.first { $0["kind"] as? String == "ConfigMap" })
        let specText = try XCTUnwrap((config["data"] as? [String: Any])?["seam.yaml"] as? String)
        let spec = try SpecLoader.load(text: specText, file: "seam.yaml")
        XCTAssertEqual(spec.rules.map(\.name), ["checkout-to-payment"])

        let ds = try XCTUnwrap(docs.first { $0["kind"] as? String == "DaemonSet" })
        let template = try XCTUnwrap((ds["spec"] as? [String: Any])?["template"] as? [String: Any])
        let annotations = try XCTUnwrap((template["metadata"] as? [String: Any])?["annotations"] as? [String: Any])
        XCTAssertEqual(annotations["prometheus.io/scrape"] as? String, "true")
        let podSpec = try XCTUnwrap(template["spec"] as? [String: Any])
        let container = try XCTUnwrap((podSpec["containers"] as? [[String: Any]])?.first)
        let args = try XCTUnwrap(container["args"] as? [String])
        XCTAssertEqual(args.first, "watch")
        XCTAssertTrue(args.contains("--follow"))
        let metricsArg = try XCTUnwrap(args.first { $0.hasPrefix("--metrics=") })
        let port = try XCTUnwrap(Int(metricsArg.split(separator: ":").last ?? ""))
        XCTAssertEqual(annotations["prometheus.io/port"] as? String, String(port))
        let ports = try XCTUnwrap(container["ports"] as? [[String: Any]])
        XCTAssertEqual(ports.first?["containerPort"] as? Int, port)
        XCTAssertEqual(annotations["prometheus.io/path"] as? String, "/metrics")
        let probe = try XCTUnwrap((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
        XCTAssertEqual(probe["path"] as? String, "/healthz")
        // The spec file the args name is where the ConfigMap is mounted.
        let specArg = try XCTUnwrap(args.first { $0.hasPrefix("--spec=") }).dropFirst("--spec=".count)
        let mounts = try XCTUnwrap(container["volumeMounts"] as? [[String: Any]])
        XCTAssertTrue(mounts.contains { specArg.hasPrefix(($0["mountPath"] as? String ?? "?") + "/") })
        // The followed folder is mounted, and the spec's CRI source glob names it.
        let folder = try XCTUnwrap(args.last)
        XCTAssertTrue(mounts.contains { folder.hasPrefix($0["mountPath"] as? String ?? "?") })
        XCTAssertTrue(specText.contains("path: \"\(folder)/*.log\""))
        // Every option the args give is one `seam watch` takes.
        let help = try SeamBinary.run(["watch", "--help"])
        for arg in args where arg.hasPrefix("--") {
            let name = String(arg.split(separator: "=")[0])
            XCTAssertTrue(help.stdout.contains(name), "\(name) is not a watch option")
        }
    }
}
