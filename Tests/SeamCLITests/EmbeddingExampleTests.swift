import Foundation
import XCTest

/// README's "Embedding Seam" example is a real program (`SeamEmbeddingExample`, built without
/// package access, so it compiles only while the public API suffices): it is the README's text,
/// and it runs and agrees with `seam check`.
final class EmbeddingExampleTests: XCTestCase {
    static let source = SeamBinary.root.appendingPathComponent("Sources/SeamEmbeddingExample/main.swift")

    /// The first ```swift block after "## Embedding Seam".
    static func readmeBlock() throws -> String {
        let readme = try String(contentsOf: SeamBinary.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.range(of: "## Embedding Seam\n"), "README has no Embedding Seam section")
        let rest = readme[section.upperBound...]
        let open = try XCTUnwrap(rest.range(of: "```swift\n"))
        let close = try XCTUnwrap(rest[open.upperBound...].range(of: "\n```\n"))
        return String(rest[open.upperBound..<close.lowerBound]) + "\n"
    }

    func testTheREADMEShowsTheCompiledExampleVerbatim() throws {
        let compiled = try String(contentsOf: Self.source, encoding: .utf8)
        XCTAssertEqual(try Self.readmeBlock(), compiled)
    }

    func testTheExampleRunsAndAgreesWithSeamCheck() throws {
        let example = try SeamBinary.run([], program: SeamBinary.product("SeamEmbeddingExample"))
        let check = try SeamBinary.run(["check", "--spec", "Fixtures/shop/seam.yaml", "--format", "json", "Fixtures/shop/logs"])
        XCTAssertEqual(example.code, check.code, example.stderr)
        XCTAssertEqual(example.code, 1, "the shop has gaps: \(example.stdout)")
        let totals = try XCTUnwrap(try check.json()["totals"] as? [String: Any])
        let gaps = try XCTUnwrap(totals["gaps"] as? Int)
        let gapLines = example.stdout.split(separator: "\n").filter { $0.hasPrefix("unconfirmed ") || $0.hasPrefix("orphan ") }
        XCTAssertEqual(gapLines.count, gaps, example.stdout)
        XCTAssertTrue(example.stdout.contains("Seam: \(gaps) gaps"), example.stdout)
    }
}
