import Foundation
import XCTest

/// Runs the built `seam` binary the way a user's shell would, capturing output and exit code.
struct SeamBinary {
    /// The signals process `pid` catches (`SigCgt`), or with `ignored` also those it ignores
    /// (`SigIgn`), as a mask (bit `n - 1` for signal `n`) from `/proc/PID/status`; 0 when unread.
    /// How the tests know a handler is in before they send a signal.
    static func signalMask(_ pid: Int32, ignored: Bool = false) -> UInt64 {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        let fields = ignored ? ["SigCgt:", "SigIgn:"] : ["SigCgt:"]
        return status.split(separator: "\n").filter { line in fields.contains { line.hasPrefix($0) } }
            .compactMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
            .reduce(0, |)
    }

    /// The one-rule spec (orders -> payments, key `id`, `sent` -> `got` within 2 s) that
    /// end-to-end tests write next to their generated logs.
    static let paySpec = """
        version: 1
        handoffs:
          - name: pay
            from: orders
            to: payments
            key: id
            send: sent
            receive: got
            within: 2s
        """

    struct Result {
        var code: Int32
        var stdout: String
        var stderr: String
        /// stdout parsed as one JSON object.
        func json(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
            let obj = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try XCTUnwrap(obj as? [String: Any], "stdout is not a JSON object: \(stdout.prefix(300))", file: file, line: line)
        }
    }

    /// The package root (where Fixtures/ lives).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var executable: URL { product("seam") }

    /// A built executable product of this package: the one beside the test runner, so that a
    /// sanitizer build (`.build-asan/...`) runs its own instrumented `seam`.
    ///
    /// On Linux the runner (`SeamPackageTests.xctest`) is an executable in the products folder
    /// and `Bundle.allBundles` lists no `.xctest` bundle; the old fallback to `.build/debug`
    /// made the sanitizer runs start the plain debug `seam` (or fail where there was none).
    static func product(_ name: String) -> URL {
        if let runner = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let beside = URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
        }
        return root.appendingPathComponent(".build/debug/\(name)")
    }

    /// Runs `seam args...` in `directory` with `stdin` fed from `input`, or read from
    /// `inputFile` (not written by this process, so a crashing `seam` fails the test instead of
    /// killing it with SIGPIPE).
    static func run(_ args: [String], input: Data? = nil, inputFile: URL? = nil, directory: URL? = nil,
                    environment: [String: String] = [:], program: URL = executable) throws -> Result {
        let p = Process()
        p.executableURL = program
        p.arguments = args
        p.currentDirectoryURL = directory ?? root
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let inputFile { p.standardInput = try FileHandle(forReadingFrom: inputFile) } else { p.standardInput = inp }
        try p.run()
        let writer = Thread {
            if let input, inputFile == nil { inp.fileHandleForWriting.write(input) }
            try? inp.fileHandleForWriting.close()
        }
        writer.start()
        // stdout is read on another thread while this one reads stderr (either pipe may fill);
        // `group.wait()` orders its write before the read below.
        final class Collected: @unchecked Sendable { var data = Data() }
        let collected = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            collected.data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let outData = collected.data
        p.waitUntilExit()
        return Result(code: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `paySpec` and its logs in `dir`: `n` sends from orders, every `confirmEvery`-th confirmed by payments; both log throughout.
    static func writePayLogs(in dir: URL, sends n: Int, confirmEvery: Int) throws {
        var orders = "", payments = ""
        for i in 0..<n {
            let t = 1_764_000_000 + i
            orders += "{\"ts\":\(t),\"event\":\"sent\",\"id\":\"k\(i)\"}\n"
            if i % confirmEvery == 0 { payments += "{\"ts\":\(t),\"event\":\"got\",\"id\":\"k\(i)\"}\n" }
            payments += "{\"ts\":\(t),\"event\":\"tick\"}\n"
        }
        payments += "{\"ts\":\(1_764_000_000 + n + 10),\"event\":\"tick\"}\n"
        try orders.write(to: dir.appendingPathComponent("orders.jsonl"), atomically: true, encoding: .utf8)
        try payments.write(to: dir.appendingPathComponent("payments.jsonl"), atomically: true, encoding: .utf8)
        try paySpec.write(to: dir.appendingPathComponent("seam.yaml"), atomically: true, encoding: .utf8)
    }

    /// A fresh temporary folder, removed at the end of the test.
    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seam-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}

/// The handoff object named `name` in a JSON summary.
func handoff(_ summary: [String: Any], _ name: String) -> [String: Any]? {
    (summary["handoffs"] as? [[String: Any]])?.first { $0["name"] as? String == name }
}

func int(_ any: Any?) -> Int? { (any as? NSNumber)?.intValue }
