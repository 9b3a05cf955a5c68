import Foundation
@_spi(SeamStages) import Seam
@testable import SeamDiscovery

/// The package root (for `Fixtures/`), from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Collects every finding but confirmed ones.
final class TearCollector: FindingSink {
    var findings: [Finding] = []
    var wantsConfirmed: Bool { false }
    func found(_ finding: Finding) { if finding.verdict != .confirmed { findings.append(finding) } }
    func discardFindings() { findings.removeAll() }
}

/// Runs `check` with `spec` on `paths`: the findings but confirmed ones, and the summary.
func checkTears(_ spec: HandoffSpec, _ paths: [String]) -> (tears: [Finding], summary: Summary) {
    let sink = TearCollector()
    var options = RunOptions()
    options.threads = 1
    let summary = HandoffCheck(spec: spec, options: options, sink: sink).run(paths: paths)
    return (sink.findings, summary)
}

/// SplitMix64: seeded, reproducible numbers for generated systems.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func hex(_ n: Int) -> String { String((0..<n).map { _ in "0123456789abcdef".randomElement(using: &self)! }) }
}

/// A scratch folder removed at the end of the test.
func scratchFolder(_ name: String) -> String {
    let dir = NSTemporaryDirectory() + "seam-discover-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
