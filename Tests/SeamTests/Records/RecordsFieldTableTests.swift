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

/// `FieldTable`'s work buffer at its boundaries (its invariants are in its doc comment): empty,
/// exactly its first size (4096 bytes), one past, a value decoded after a record that filled it,
/// and growth keeping the record and the fields set before it.
final class RecordsFieldTableTests: XCTestCase {
    private func text(_ n: Int, _ seed: Int) -> [UInt8] { (0..<n).map { UInt8(0x21 + ($0 &* 7 &+ seed) % 90) } }

    private func value(_ t: FieldTable, _ field: Int) -> [UInt8]? { t.bytes(field).map { [UInt8]($0) } }

    /// Each length on a fresh table (its first size, 4096, meets the record exactly) and on one
    /// table reused in turn (grown by the records before).
    func testRecordsOfEveryBoundaryLengthKeepTheirBytes() {
        let reused = FieldTable()
        for n in [0, 1, 4_095, 4_096, 4_097, 8_191, 8_192, 8_193, 20_000, 4_096, 0] {
            check(FieldTable(), n)
            check(reused, n)
        }
    }

    private func check(_ table: FieldTable, _ n: Int) {
        let whole = table.index(of: "whole"), last = table.index(of: "last"), copy = table.index(of: "copy")
        let record = text(n, n)
        table.reset()
        XCTAssertEqual(table.used, 0)
        XCTAssertNil(table.bytes(whole))
        record.withUnsafeBytes { table.load($0) }
        XCTAssertEqual(table.used, n)
        table.set(whole, 0, n)
        if n > 0 { table.set(last, n - 1, 1) }
        // A decoded copy of the whole record after it: the buffer grows (moves) when the
        // record filled it; offsets set before stay right.
        table.ensure(n)
        table.copyScalar(FieldSpan(start: 0, count: Int32(n), kind: .string, escaped: false), base: 0, to: copy)
        XCTAssertEqual(table.used, 2 * n, "record of \(n)")
        XCTAssertEqual(value(table, whole), record, "record of \(n)")
        XCTAssertEqual(value(table, copy), record, "copy of a record of \(n)")
        XCTAssertEqual(value(table, last), n > 0 ? [record[n - 1]] : nil, "record of \(n)")
    }

    /// An escaped string decodes in place after the record (never longer than its escaped
    /// form), at the end of a record that fills the buffer exactly.
    func testEscapedValueDecodedAfterAFullBuffer() {
        let escaped = Array(#"a\"b\u00e9\\"#.utf8)
        for n in [escaped.count, 4_095, 4_096, 4_097] {
            let table = FieldTable()  // fresh: its first size meets the record exactly
            let field = table.index(of: "v")
            var record = text(n - escaped.count, 3)
            record += escaped
            table.reset()
            record.withUnsafeBytes { table.load($0) }
            table.ensure(escaped.count)
            table.copyScalar(FieldSpan(start: Int32(n - escaped.count), count: Int32(escaped.count), kind: .string,
                                       escaped: true), base: 0, to: field)
            XCTAssertEqual(value(table, field), Array("a\"bé\\".utf8), "record of \(n)")
            XCTAssertEqual(table.used, n + Array("a\"bé\\".utf8).count)
        }
    }
}
