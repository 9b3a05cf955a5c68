import Foundation
@_spi(SeamStages) @testable import Seam
@_spi(SeamStages) @testable import SeamAlignment
@_spi(SeamStages) @testable import SeamCore
@_spi(SeamStages) @testable import SeamCorrelation
@testable import SeamDiagnosis
@_spi(SeamStages) @testable import SeamInput
@_spi(SeamStages) @testable import SeamRecords
@testable import SeamReporting
@testable import SeamSpec

/// Scan results of one line, decoded for easy comparison.
enum ScannedValue: Equatable, CustomStringConvertible {
    case absent
    case null
    case string(String)
    case number(String)
    case bool(Bool)
    case object(String)
    case array(String)

    var description: String {
        switch self {
        case .absent: return "absent"
        case .null: return "null"
        case .string(let s): return "string(\(s.debugDescription))"
        case .number(let s): return "number(\(s))"
        case .bool(let b): return "bool(\(b))"
        case .object(let s): return "object(\(s))"
        case .array(let s): return "array(\(s))"
        }
    }

    init(span: FieldSpan, line: [UInt8]) {
        let raw = Array(line[Int(span.start)..<Int(span.start + span.count)])
        switch span.kind {
        case .absent: self = .absent
        case .null: self = .null
        case .true: self = .bool(true)
        case .false: self = .bool(false)
        case .number: self = .number(String(decoding: raw, as: UTF8.self))
        case .object: self = .object(String(decoding: raw, as: UTF8.self))
        case .array: self = .array(String(decoding: raw, as: UTF8.self))
        case .string:
            let bytes = span.escaped ? raw.withUnsafeBytes { EscapedText.decode($0) } : raw
            self = .string(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// Scans `text` as JSON with a plan of `paths`; returns the outcome and each path's value.
func scanJSON(_ text: String, _ paths: [FieldPath], stopEarly: Bool = false)
    -> (JSONFieldScanner.Outcome, [FieldPath: ScannedValue]) {
    let plan = FieldPlan(paths: paths)
    var scanner = JSONFieldScanner(plan: plan)
    var spans = ContiguousArray<FieldSpan>()
    let bytes = Array(text.utf8)
    let outcome = bytes.withUnsafeBytes { scanner.scan($0, into: &spans, stopEarly: stopEarly) }
    var values: [FieldPath: ScannedValue] = [:]
    for p in paths { values[p] = ScannedValue(span: spans[plan.slot(for: p)!], line: bytes) }
    return (outcome, values)
}

/// Scans `text` as logfmt; nil when malformed.
func scanLogfmt(_ text: String, _ paths: [FieldPath]) -> [FieldPath: ScannedValue]? {
    let plan = FieldPlan(paths: paths)
    let scanner = LogfmtScanner(plan: plan)
    var spans = ContiguousArray<FieldSpan>()
    let bytes = Array(text.utf8)
    guard bytes.withUnsafeBytes({ scanner.scan($0, into: &spans) }) else { return nil }
    var values: [FieldPath: ScannedValue] = [:]
    for p in paths { values[p] = ScannedValue(span: spans[plan.slot(for: p)!], line: bytes) }
    return values
}
