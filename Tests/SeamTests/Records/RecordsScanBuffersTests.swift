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

/// `ScanBuffers`' raw memory at its boundaries (its invariants are in its doc comment): the
/// container-kind bit stack at each 64-bit word edge and across its growth, the escaped-key
/// scratch at its first size exactly, one past and grown, and the key cache's last place and the
/// places past it. One scanner is reused across lines, so state left by one line is read by the
/// next, as in `seam check`.
final class RecordsScanBuffersTests: XCTestCase {
    /// Containers nested `depth` deep, objects and arrays alternating (the first an object when
    /// `objectFirst`), so that reading the kind of the wrong level (an off-by-one at a word
    /// edge) sees `]` where `}` closes or the reverse, whichever kind stands at the edge.
    private func nested(_ depth: Int, objectFirst: Bool) -> String {
        var open = "", close = ""
        for d in 0..<depth {
            if (d % 2 == 0) != objectFirst { open += "[0,"; close = "]" + close } else { open += "{\"k\":"; close = "}" + close }
        }
        return open + "1" + close
    }

    func testKindStackAtEveryWordEdgeAndAcrossGrowth() {
        // `kinds` starts with 4 words (256 levels) and doubles; the top-level object is level 0.
        let depths = [1, 2, 62, 63, 64, 65, 66, 126, 127, 128, 129, 254, 255, 256, 257, 511, 512, 513, 1_000]
        let plan = FieldPlan(paths: ["a", "b"])
        var reused = JSONFieldScanner(plan: plan)
        var spans = ContiguousArray<FieldSpan>()
        for (depth, objectFirst) in (depths + depths.reversed()).flatMap({ [($0, false), ($0, true)] }) {
            let value = nested(depth, objectFirst: objectFirst)
            let text = "{\"a\":\(value),\"b\":2}"
            let bytes = Array(text.utf8)
            XCTAssertEqual(bytes.withUnsafeBytes { reused.scan($0, into: &spans) }, .complete, "depth \(depth)")
            let a = ScannedValue(span: spans[plan.slot(for: "a")!], line: bytes)
            XCTAssertEqual(a, objectFirst ? .object(value) : .array(value), "depth \(depth)")
            XCTAssertEqual(ScannedValue(span: spans[plan.slot(for: "b")!], line: bytes), .number("2"), "depth \(depth)")
            // One closer of the wrong kind at the innermost level is malformed, at any depth.
            var wrong = bytes
            let innermost = bytes.firstIndex { $0 == UInt8(ascii: "]") || $0 == UInt8(ascii: "}") }!
            wrong[innermost] = wrong[innermost] == UInt8(ascii: "]") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            XCTAssertEqual(wrong.withUnsafeBytes { reused.scan($0, into: &spans) }, .malformed, "depth \(depth)")
        }
    }

    /// A wanted key spelled with escapes is decoded into the scratch buffer (256 bytes at
    /// first): keys whose escaped form is 255, 256, 257 bytes and much longer are all found,
    /// after and before one another (the buffer grows and is reused).
    func testEscapedKeyScratchAtItsSizeOnePastAndGrown() {
        let lengths = [1, 8, 9, 255, 256, 257, 258, 511, 512, 513, 4_000, 256, 257, 1]
        for length in lengths {
            // `\u0061` is "a": 6 escaped bytes for one decoded; the rest plain.
            let plain = String(repeating: "k", count: max(0, length - 6))
            let escaped = "\\u0061" + plain
            let key = "a" + plain
            let decoy = "b" + plain
            let plan = FieldPlan(paths: [FieldPath(key), "z"])
            var scanner = JSONFieldScanner(plan: plan)
            var spans = ContiguousArray<FieldSpan>()
            // Nested (never the key cache) and top level (the cache skips escaped keys).
            for text in ["{\"o\":{\"\(decoy)\":0,\"\(escaped)\":1},\"\(escaped)\":2,\"z\":3}",
                         "{\"\(escaped)\":4,\"z\":5}"] {
                let bytes = Array(text.utf8)
                XCTAssertEqual(bytes.withUnsafeBytes { scanner.scan($0, into: &spans) }, .complete, "length \(length)")
                let want: ScannedValue = text.hasPrefix("{\"o\"") ? .number("2") : .number("4")
                XCTAssertEqual(ScannedValue(span: spans[plan.slot(for: FieldPath(key))!], line: bytes), want,
                               "escaped key of \(escaped.utf8.count) bytes")
                XCTAssertEqual(ScannedValue(span: spans[plan.slot(for: "z")!], line: bytes),
                               .number(text.hasPrefix("{\"o\"") ? "3" : "5"))
            }
        }
    }

    /// Lines with 15, 16, 17 and 40 top-level keys: places below `keyCacheCount` (16) use the
    /// cache, the last place exactly too, places past it scan; a key moved to another place, or
    /// another key at a cached place, is still read right (compared with a fresh scanner).
    func testKeyCacheAtItsLastPlaceAndPastIt() {
        let count = ScanBuffers.keyCacheCount
        let names = (0..<48).map { "key-\($0)-padded-to-22b".prefix(22) }.map(String.init)
        let paths = names.map { FieldPath($0) }
        let plan = FieldPlan(paths: paths)
        var reused = JSONFieldScanner(plan: plan)
        var spans = ContiguousArray<FieldSpan>()
        var rng = SeededRandom(seed: 11)
        for round in 0..<600 {
            let keys = [count - 1, count, count + 1, 40][round % 4]
            // Mostly the same keys in the same order (the cache hits), sometimes shuffled.
            var order = Array(0..<keys)
            if Int.random(in: 0..<3, using: &rng) == 0 { order.shuffle(using: &rng) }
            if Int.random(in: 0..<4, using: &rng) == 0 { order[order.count - 1] = 47 }
            let text = "{" + order.enumerated().map { "\"\(names[$0.element])\":\(round * 100 + $0.offset)" }
                .joined(separator: ",") + "}"
            let bytes = Array(text.utf8)
            XCTAssertEqual(bytes.withUnsafeBytes { reused.scan($0, into: &spans) }, .complete, text)
            let (_, fresh) = scanJSON(text, paths)
            for p in paths {
                XCTAssertEqual(ScannedValue(span: spans[plan.slot(for: p)!], line: bytes), fresh[p], "\(round): \(p)")
            }
        }
    }
}
