import Foundation
import Seam

/// Keeps the gaps (unconfirmed sends, orphan receives) as they are decided.
final class GapCollector: FindingSink {
    var gaps: [Finding] = []
    var wantsConfirmed: Bool { false }
    func found(_ finding: Finding) { if finding.verdict.isGap { gaps.append(finding) } }
    func discardFindings() { gaps.removeAll() }  // a restarted pass gives them again
}

let spec = try SpecLoader.load(path: "Fixtures/shop/seam.yaml")
let sink = GapCollector()
let summary = HandoffCheck(spec: spec, sink: sink).run(paths: ["Fixtures/shop/logs"])
for gap in sink.gaps {
    print(gap.verdict, summary.place((gap.send ?? gap.receive!).position), FindingText.why(gap, summary: summary))
}
print(TextReport.render(summary))
exit(summary.exitCode())
