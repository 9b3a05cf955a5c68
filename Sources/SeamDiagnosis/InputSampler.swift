@_spi(SeamStages) import SeamInput
@_spi(SeamStages) import SeamRecords
@_spi(SeamStages) import SeamAlignment
import SeamSpec
import Foundation

/// Reads the first lines of each source again, through the same readers and decoders as a run,
/// and notes the services, event names and field paths they hold (`InputSample`).
///
/// Called only when a handoff could not be judged, so the hot path pays nothing for it. Cost:
/// `linesPerSource` lines of at most `maxSources` sources, each JSON record parsed whole with
/// Foundation to list its fields. Stdin and FIFOs cannot be read again and are skipped.
package enum InputSampler {
    /// Names kept per service (event names and field paths each).
    package static let maxNames = 64
    /// Sources sampled (the first ones in input order).
    package static let maxSources = 200

    package static func sample(sources: [SourceDescriptor], spec: HandoffSpec, linesPerSource: Int = 2_000,
                              maxSources: Int = InputSampler.maxSources, maxLineLength: Int = 1 << 20) -> InputSample {
        let services = ServiceTable(shared: false)
        let selector = NameCollector(services: services)
        for d in sources.prefix(maxSources) {
            guard EventMerger<NameCollector>.isRereadable(d) else {
                selector.sample.sourcesSkipped += 1
                continue
            }
            let cursor = SourceCursor(descriptor: d, config: spec.fields, selector: selector, services: services,
                                      maxLineLength: maxLineLength, reorderBound: .max,
                                      format: spec.format(for: d.displayName))
            var sink: [Observation] = []
            cursor.step(maxLines: linesPerSource, into: &sink)
            cursor.close()
            selector.sample.sourcesSampled += 1
        }
        return selector.sample
    }

    /// Collects names from every record; makes no observations.
    final class NameCollector: ObservationSelector {
        let services: ServiceTable
        var sample = InputSample()
        init(services: ServiceTable) { self.services = services }
        var fieldPaths: [FieldPath] { [] }

        func observations(in record: RecordView, position: InputPosition, into out: inout [Observation]) {
            let service = services.name(record.service)
            sample.services[service, default: 0] += 1
            if let slot = record.eventSlot, let value = record.value(slot), value.isScalar {
                let name = value.text
                var names = sample.events[service, default: [:]]
                if names[name] != nil || names.count < InputSampler.maxNames { names[name, default: 0] += 1 }
                sample.events[service] = names
            }
            var known = sample.fields[service, default: []]
            guard known.count < InputSampler.maxNames else { return }
            for path in InputSampler.fieldPaths(of: Array(record.line)) where known.count < InputSampler.maxNames {
                known.insert(path)
            }
            sample.fields[service] = known
        }
    }

    /// Field paths of a JSON object line (nested keys as `a.b`, two levels deep), or the keys of
    /// a logfmt line.
    static func fieldPaths(of line: [UInt8]) -> [String] {
        if line.first == UInt8(ascii: "{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return [] }
            var out: [String] = []
            for (k, v) in object {
                out.append(k)
                if let inner = v as? [String: Any] {
                    for k2 in inner.keys { out.append("\(k).\(k2)") }
                }
            }
            return out.sorted()
        }
        // logfmt: key=value pairs separated by spaces.
        var out: [String] = []
        for word in line.split(separator: UInt8(ascii: " ")) {
            guard let eq = word.firstIndex(of: UInt8(ascii: "=")), eq > word.startIndex else { continue }
            out.append(String(decoding: word[word.startIndex..<eq], as: UTF8.self))
        }
        return out
    }
}
