import Foundation
@_spi(SeamStages) import Seam
import SeamFuzzSupport

/// Fuzz target `fuzz-json`: `JSONFieldScanner` against Foundation's `JSONSerialization`.
///
/// Properties, on any bytes (one line):
/// - never traps; `RecordDecoder` on the same line gives an event (body called once) or exactly
///   one rejection; stopping once the outcome is decided (the default) gives the same rejection,
///   time, service, event and fields as `strictJSON` whenever strict accepts the line, and a
///   line strict calls malformed is accepted only when it ends in `}`;
/// - for valid UTF-8 (outside the documented policy differences below) the scanner accepts
///   exactly what `JSONSerialization` parses as an object;
/// - when both accept and keys are distinct, each wanted field's decoded value equals the
///   reference's (strings scalar by scalar, numbers by value, objects and arrays deeply), and
///   stopping early gives the same spans.
/// Policy differences (documented in `JSONFieldScanner` and its tests), skipped: a leading BOM
/// (stripped first: `RecordDecoder` skips it, the scanner alone does not), values when a U+FEFF
/// appears anywhere (Foundation drops it at the start of a string), invalid UTF-8
/// and lone surrogates (accepted as bytes), exponents of 3+ digits and 300+ digit numbers
/// (beyond Double), trailing commas (Foundation accepts them), NUL bytes (Foundation then guesses
/// UTF-16), nesting past 500 (Foundation's depth limit).
enum FuzzJSON {
    static let paths: [FieldPath] = ["a", "b", "ts", "a.b", "a.b.c", "x\"y", "ü", "n", "long_key_name_over_8", "b.a", "service"]
    static let plan = FieldPlan(paths: paths)
    nonisolated(unsafe) static var scanner = JSONFieldScanner(plan: plan)
    nonisolated(unsafe) static var spans = ContiguousArray<FieldSpan>()
    nonisolated(unsafe) static var decoder = RecordDecoder(config: FieldConfig(), extraPaths: paths, services: services)
    nonisolated(unsafe) static var strict: RecordDecoder = {
        var d = RecordDecoder(config: FieldConfig(), extraPaths: paths, services: services)
        d.strictJSON = true
        return d
    }()
    static let services = ServiceTable()
    /// The decoders' slots of `paths` (all needed: the decoders have no `FieldNeeds`). Made from
    /// a decoder of its own: its lazy first use happens inside `decoder.decode`'s closure, where
    /// reading `decoder` would overlap that call's access (an exclusivity trap).
    static let slots: [Int] = {
        let d = RecordDecoder(config: FieldConfig(), extraPaths: paths, services: ServiceTable())
        return paths.map { d.slot(for: $0)! }
    }()

    static func check(_ input: [UInt8]) {
        decodeOnce(input)
        // A leading UTF-8 BOM is skipped by RecordDecoder, not by the scanner; Foundation skips it.
        let bytes = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
        let outcome = bytes.withUnsafeBytes { scanner.scan($0, into: &spans) }
        let full = Array(spans.prefix(plan.count))
        if outcome != .malformed {
            let early = bytes.withUnsafeBytes { scanner.scan($0, into: &spans, stopEarly: true) }
            FuzzDriver.require(early != .malformed, "stopEarly made a valid line malformed")
            FuzzDriver.require(Array(spans.prefix(plan.count)) == full, "stopEarly changed the spans")
            for span in full where span.kind != .absent {
                FuzzDriver.require(span.start >= 0 && Int(span.start) + Int(span.count) <= bytes.count, "span outside the line: \(span)")
            }
        }

        // A second leading BOM: Foundation skips it too, the decoder only one (both fair).
        guard !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return }
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0),
              !JSONReference.hasLoneSurrogate(bytes), !JSONReference.beyondDouble(bytes),
              !JSONReference.hasTrailingComma(text), JSONReference.depth(bytes) <= 500 else { return }
        let reference = try? JSONSerialization.jsonObject(with: Data(bytes), options: [])
        let object = reference as? [String: Any]
        FuzzDriver.require(
            (outcome != .malformed) == (object != nil),
            "scanner \(outcome), JSONSerialization \(object != nil ? "accepts" : "rejects"): \(text.debugDescription)")
        // Foundation drops a U+FEFF at the start of a string (value or key); the scanner keeps it.
        guard let object, !JSONReference.hasDuplicateKeys(bytes), !JSONReference.containsBOM(bytes) else { return }
        for (slot, path) in plan.paths.enumerated() {
            let expected = JSONReference.lookup(object, path)
            FuzzDriver.require(
                JSONReference.matches(full[slot], in: bytes, expected),
                "path \(path): scanner \(full[slot]) vs reference \(String(describing: expected)) in \(text.debugDescription)")
        }
    }

    /// The record stage's accounting on one line: an event (body once) or one rejection; the
    /// default (stop early) against `strictJSON`.
    static func decodeOnce(_ bytes: [UInt8]) {
        var calls = 0
        var early: [FieldValue?] = []
        let rejection = bytes.withUnsafeBytes { line in
            decoder.decode(line, defaultService: nil) { view in
                calls += 1
                early = [.number(Array(String(view.time).utf8)), .number(Array(String(view.service).utf8)),
                         view.eventSlot.flatMap { view.value($0) }] + slots.map { view.value($0) }
            }
        }
        FuzzDriver.require((rejection == nil) == (calls == 1) && calls <= 1, "decode: rejection \(String(describing: rejection)), body called \(calls)x")
        var full: [FieldValue?] = []
        let strictRejection = bytes.withUnsafeBytes { line in
            strict.decode(line, defaultService: nil) { view in
                full = [.number(Array(String(view.time).utf8)), .number(Array(String(view.service).utf8)),
                        view.eventSlot.flatMap { view.value($0) }] + slots.map { view.value($0) }
            }
        }
        if strictRejection != .malformed {
            FuzzDriver.require(rejection == strictRejection && early == full,
                               "stop early: \(String(describing: rejection)) \(early) vs strict \(String(describing: strictRejection)) \(full)")
        } else if rejection != .malformed {
            FuzzDriver.require(bytes.withUnsafeBytes { JSONFieldScanner.endsWithClosingBrace($0) },
                               "stop early accepted a line that does not end in }")
        }
    }
}

/// libFuzzer's per-input entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzJSON.check(FuzzDriver.bytes(data, size))
    return 0
}
