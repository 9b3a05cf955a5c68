import Foundation
import XCTest

/// `seam extract | partition | sort | seam correlate`, then `seam merge` (issue 17), as a shell
/// pipeline with awk and `LC_ALL=C sort`: prints what `seam check` prints on the same files,
/// with its exit code, and never a clean-looking summary when a piece is lost.
final class SplitRunCLITests: XCTestCase {
    /// Runs the split pipeline in `dir` on `logs` with `partitions`; `damage` runs between
    /// correlate and merge (e.g. cutting a part short). Returns merge's result.
    func pipeline(_ dir: URL, spec: String, logs: String, partitions: Int, format: String = "text",
                  damage: String = "") throws -> SeamBinary.Result {
        let seam = SeamBinary.executable.path
        let script = """
            set -e
            '\(seam)' extract --spec '\(spec)' --coverage cov.jsonl '\(logs)' > rows
            parts=""
            for i in $(seq 0 \(partitions - 1)); do
              awk -v n=\(partitions) -v i=$i '$2 % n == i' rows | LC_ALL=C sort \\
                | '\(seam)' correlate --spec '\(spec)' --coverage cov.jsonl --partition $i --partitions \(partitions) > part$i
              parts="$parts part$i"
            done
            \(damage)
            exec '\(seam)' merge --coverage cov.jsonl --format \(format) $parts
            """
        return try SeamBinary.run(["-c", script], directory: dir, program: URL(fileURLWithPath: "/bin/bash"))
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("seam-split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    /// The shop: 1, 2 and 4 partitions, text, JSON and Markdown, equal to check, exit 1.
    func testShopSplitEqualsCheck() throws {
        let dir = try tempDir()
        let shop = SeamBinary.root.appendingPathComponent("Fixtures/shop")
        try FileManager.default.copyItem(at: shop.appendingPathComponent("logs"), to: dir.appendingPathComponent("logs"))
        let spec = shop.appendingPathComponent("seam.yaml").path
        for format in ["text", "json", "markdown"] {
            let check = try SeamBinary.run(["check", "--spec", spec, "--format", format, "logs"], directory: dir)
            XCTAssertEqual(check.code, 1)
            for n in [1, 2, 4] {
                let merged = try pipeline(dir, spec: spec, logs: "logs", partitions: n, format: format)
                XCTAssertEqual(merged.code, check.code, "\(format) \(n) partitions: \(merged.stderr)")
                XCTAssertEqual(merged.stdout, check.stdout, "\(format) \(n) partitions")
            }
        }
    }

    /// `--coverage` writes into what the path names, in place: a symbolic link stays a link (and
    /// so `/dev/null` stays a device). Writing by rename once replaced this machine's /dev/null
    /// with a regular file.
    func testCoverageIsWrittenInPlace() throws {
        let dir = try tempDir()
        let shop = SeamBinary.root.appendingPathComponent("Fixtures/shop")
        let target = dir.appendingPathComponent("accounts.jsonl")
        try Data("old\n".utf8).write(to: target)
        let link = dir.appendingPathComponent("cov-link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let r = try SeamBinary.run(["extract", "--spec", shop.appendingPathComponent("seam.yaml").path,
                                    "--coverage", link.path, shop.appendingPathComponent("logs").path], directory: dir)
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), target.path)
        let accounts = try String(contentsOf: target, encoding: .utf8)
        XCTAssertFalse(accounts.hasPrefix("old"))
        XCTAssertTrue(accounts.contains("\"source\""), accounts.prefix(200).description)
    }

    /// A truncated gzip: exit 3 and the same summary and stderr as check, naming the file.
    func testTruncatedInputIsIncompleteAsInCheck() throws {
        let dir = try tempDir()
        let shop = SeamBinary.root.appendingPathComponent("Fixtures/shop")
        try FileManager.default.copyItem(at: shop.appendingPathComponent("logs"), to: dir.appendingPathComponent("logs"))
        let orders = dir.appendingPathComponent("logs/orders.jsonl.gz")
        try Data(try Data(contentsOf: orders).prefix(2000)).write(to: orders)
        let spec = shop.appendingPathComponent("seam.yaml").path
        let check = try SeamBinary.run(["check", "--spec", spec, "logs"], directory: dir)
        let merged = try pipeline(dir, spec: spec, logs: "logs", partitions: 2)
        XCTAssertEqual(check.code, 3)
        XCTAssertEqual(merged.code, 3)
        XCTAssertEqual(merged.stdout, check.stdout)
        XCTAssertTrue(merged.stdout.contains("logs/orders.jsonl.gz"), merged.stdout)
    }

    /// A correlate task that died half way (its part cut short) or never ran (its part empty):
    /// exit 3, the part named, never the smaller summary of the parts that remain.
    func testLostPartMakesTheRunIncomplete() throws {
        let dir = try tempDir()
        let shop = SeamBinary.root.appendingPathComponent("Fixtures/shop")
        let spec = shop.appendingPathComponent("seam.yaml").path
        let logs = shop.appendingPathComponent("logs").path
        for damage in ["head -c 300 part1 > cut && mv cut part1", ": > part1"] {
            let merged = try pipeline(dir, spec: spec, logs: logs, partitions: 3, damage: damage)
            XCTAssertEqual(merged.code, 3, damage)
            XCTAssertTrue(merged.stdout.contains("part1"), "\(damage): \(merged.stdout)")
            XCTAssertTrue(merged.stdout.contains("partition 1 of 3"), "\(damage): \(merged.stdout)")
        }
    }
}
