import Foundation
import XCTest

/// zstd and both gzip inflaters end to end (issue 18): the same verdicts from plain, gzip
/// through zlib or ISA-L, and zstd, as files, in a folder, through stdin, on 1 or 2 threads; a
/// .zst file where libzstd cannot be loaded is a named, counted error that leaves the other
/// files read (exit 3).
final class CheckCompressedInputTests: XCTestCase {
    func writeLogs(in dir: URL, sends n: Int, confirmEvery: Int) throws {
        try SeamBinary.writePayLogs(in: dir, sends: n, confirmEvery: confirmEvery)
    }

    /// Runs /usr/bin/zstd or /bin/gzip (not whatever PATH finds first).
    func tool(_ name: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: name == "zstd" ? "/usr/bin/zstd" : "/bin/gzip")
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(name) \(args)")
    }

    /// The verdict counts and line counts of a run.
    func counts(_ r: SeamBinary.Result) throws -> [String] {
        let s = try r.json()
        let pay = try XCTUnwrap(handoff(s, "pay"))
        let input = try XCTUnwrap(s["input"] as? [String: Any])
        return ["confirmed", "unconfirmed", "orphan", "sent", "received"].map { "\($0)=\(int(pay[$0]) ?? -1)" }
            + ["lines=\(int(input["lines"]) ?? -1)", "events=\(int(input["events"]) ?? -1)"]
    }

    func testZstdAndBothInflatersGiveThePlainVerdicts() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd"), "no zstd CLI")
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir, sends: 3000, confirmEvery: 3)
        let plain = try SeamBinary.run(["check", "--format", "json", "."], directory: dir)
        XCTAssertEqual(plain.code, 1, plain.stderr)
        let expected = try counts(plain)

        let orders = dir.appendingPathComponent("orders.jsonl").path
        let payments = dir.appendingPathComponent("payments.jsonl").path
        // orders as two zstd frames with a skippable frame between, payments as gzip.
        try tool("zstd", ["-q", "-3", orders, "-o", orders + ".a.zst"])
        try Data([0x5A, 0x2A, 0x4D, 0x18, 2, 0, 0, 0, 0xAB, 0xCD]).write(to: URL(fileURLWithPath: orders + ".b"))
        // An empty frame, from an empty regular file: zstd ignores /dev/null as input ("not a
        // regular file"); this test once passed only because /dev/null had become a file.
        try Data().write(to: URL(fileURLWithPath: orders + ".empty"))
        try tool("zstd", ["-q", "-19", orders + ".empty", "-o", orders + ".c.zst"])
        let joined = try [".a.zst", ".b", ".c.zst"].map { try Data(contentsOf: URL(fileURLWithPath: orders + $0)) }
            .reduce(Data(), +)
        try joined.write(to: URL(fileURLWithPath: orders + ".zst"))
        for suffix in [".a.zst", ".b", ".c.zst", ".empty", ""] { try FileManager.default.removeItem(atPath: orders + suffix) }
        try tool("gzip", ["-n", payments])

        for inflater in ["zlib", "isal"] {
            for threads in ["1", "2"] {
                let r = try SeamBinary.run(["check", "--format", "json", "--threads", threads, "."], directory: dir,
                                           environment: ["SEAM_INFLATE": inflater])
                XCTAssertEqual(r.code, 1, r.stderr)
                XCTAssertEqual(try counts(r), expected, "\(inflater), \(threads) threads")
                let input = try XCTUnwrap(try r.json()["input"] as? [String: Any])
                let detail = try XCTUnwrap(input["sources_detail"] as? [[String: Any]])
                // orders (zstd), payments (gzip), the spec itself (plain).
                let gzipInflater = inflater == "isal" && (input["inflater"] as? String) == "isal" ? "isal" : "zlib"
                XCTAssertEqual(detail.map { $0["inflater"] as? String }, ["zstd", gzipInflater, nil])
            }
        }
    }

    /// stdin as a pipe and as a redirected file, zstd and gzip (ISA-L on the file; a pipe cannot
    /// be re-read, so zlib): the plain stream's verdicts.
    func testCompressedStdinAsPipeAndFile() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd"), "no zstd CLI")
        let dir = try SeamBinary.temporaryFolder(self)
        try SeamBinary.paySpec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
        var lines = ""
        for i in 0..<4000 {
            lines += "{\"ts\":\(1_764_000_000 + i),\"service\":\"orders\",\"event\":\"sent\",\"id\":\"k\(i)\"}\n"
            if i % 4 != 0 {
                lines += "{\"ts\":\(1_764_000_000 + i),\"service\":\"payments\",\"event\":\"got\",\"id\":\"k\(i)\"}\n"
            }
        }
        let plainFile = dir.appendingPathComponent("all.jsonl")
        try lines.write(to: plainFile, atomically: true, encoding: .utf8)
        let expected = try counts(try SeamBinary.run(["check", "--format", "json", "-"], inputFile: plainFile, directory: dir))
        XCTAssertEqual(expected.first, "confirmed=3000")
        try tool("zstd", ["-q", "-k", plainFile.path])
        try tool("gzip", ["-n", "-k", plainFile.path])
        for name in ["all.jsonl.zst", "all.jsonl.gz"] {
            let file = dir.appendingPathComponent(name)
            let asFile = try SeamBinary.run(["check", "--format", "json", "-"], inputFile: file, directory: dir)
            XCTAssertEqual(try counts(asFile), expected, "\(name) as a redirected file")
            let detail = (try asFile.json()["input"] as? [String: Any])?["sources_detail"] as? [[String: Any]]
            XCTAssertEqual(detail?.first?["inflater"] as? String,
                           name.hasSuffix("zst") ? "zstd" : (try asFile.json()["input"] as? [String: Any])?["inflater"] as? String)
            let asPipe = try SeamBinary.run(["check", "--format", "json", "-"], input: try Data(contentsOf: file), directory: dir)
            XCTAssertEqual(try counts(asPipe), expected, "\(name) through a pipe")
            let pipeDetail = (try asPipe.json()["input"] as? [String: Any])?["sources_detail"] as? [[String: Any]]
            XCTAssertEqual(pipeDetail?.first?["inflater"] as? String, name.hasSuffix("zst") ? "zstd" : "zlib")
        }
    }

    func testZstdWithoutLibzstdIsANamedErrorAndTheOthersAreRead() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd"), "no zstd CLI")
        let dir = try SeamBinary.temporaryFolder(self)
        try writeLogs(in: dir, sends: 50, confirmEvery: 1)
        let orders = dir.appendingPathComponent("orders.jsonl").path
        try tool("zstd", ["-q", "--rm", orders])
        let r = try SeamBinary.run(["check", "--format", "json", "."], directory: dir, environment: ["SEAM_NO_ZSTD": "1"])
        XCTAssertEqual(r.code, 3, r.stderr)
        let input = try XCTUnwrap(try r.json()["input"] as? [String: Any])
        let errors = try XCTUnwrap(input["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.map { $0["code"] as? String }, ["zstd-unavailable"])
        XCTAssertEqual(errors.first?["source"] as? String, "./orders.jsonl.zst")
        XCTAssertTrue((errors.first?["message"] as? String)?.contains("zstd support needs libzstd") ?? false)
        XCTAssertTrue(r.stderr.contains("orders.jsonl.zst"), r.stderr)
        // payments was read whole (50 receives, 51 ticks), and the spec (9 lines, rejected).
        XCTAssertEqual(int(input["lines"]), 101 + 9)
    }
}
