import Foundation
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

/// Issue 13 item 1 end to end: a record longer than the 256 KiB read buffer and shorter than
/// the maximum line length is an event like any other, from a plain file, a gzip file and
/// stdin (a pipe). It crashed every batch run (the line was framed from a freed carry block).
final class HostileLongLineTests: XCTestCase {
    private let spec = """
        version: 1
        handoffs:
          - name: pay
            from: a
            to: b
            key: id
            send: sent
            receive: got
            within: 5s
        """

    /// A send and its receive, each carrying about 300 KB of text, after `padLines` short
    /// noise records (so that in gzip the long lines cross the 1 MiB output chunk).
    private func records(padLines: Int) -> [UInt8] {
        var text = ""
        for i in 0..<padLines {
            text += "{\"ts\":\"2026-03-01T09:00:00Z\",\"service\":\"a\",\"event\":\"noise\",\"n\":\(i),\"p\":\"ppppppppppppppppppppppppppppppppppppppp\"}\n"
        }
        let blob = String(repeating: "x", count: 300_000)
        text += "{\"ts\":\"2026-03-01T10:00:01Z\",\"service\":\"a\",\"event\":\"sent\",\"id\":\"k1\",\"x\":\"\(blob)\"}\n"
        text += "{\"ts\":\"2026-03-01T10:00:02Z\",\"service\":\"b\",\"event\":\"got\",\"id\":\"k1\",\"x\":\"\(blob)\"}"
        return Array(text.utf8)
    }

    private func assertJudged(_ summary: Summary, lines: Int, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(summary.total.lines, UInt64(lines), label, file: file, line: line)
        XCTAssertEqual(summary.total.events, UInt64(lines), label, file: file, line: line)
        XCTAssertEqual(summary.total.rejectedTotal, 0, label, file: file, line: line)
        XCTAssertEqual(summary.handoffs.first?[.confirmed], 1, label, file: file, line: line)
        XCTAssertTrue(summary.complete, label, file: file, line: line)
    }

    private func run(_ paths: [String], threads: Int) throws -> Summary {
        var options = RunOptions()
        options.threads = threads
        return HandoffCheck(spec: try SpecLoader.load(text: spec, file: "spec.yaml"), options: options).run(paths: paths)
    }

    func testPlainAndGzipFiles() throws {
        let dir = TempDir()
        let plain = records(padLines: 0)
        let plainPath = dir.write("long.jsonl", plain)
        // 9,500 records of ~110 bytes put the long send across the 1 MiB inflate chunk.
        let padded = records(padLines: 9_500)
        let gzPath = dir.write("long.jsonl.gz", gzipMember(padded))
        for threads in [1, 2] {
            assertJudged(try run([plainPath], threads: threads), lines: 2, "plain, threads \(threads)")
            assertJudged(try run([gzPath], threads: threads), lines: 9_502, "gzip, threads \(threads)")
        }
    }

    func testStandardInputFromAPipe() throws {
        for gzip in [false, true] {
            let data = gzip ? gzipMember(records(padLines: 9_500)) : records(padLines: 0)
            var fds: [Int32] = [0, 0]
            XCTAssertEqual(pipe(&fds), 0)
            let saved = dup(0)
            dup2(fds[0], 0)
            close(fds[0])
            let writeEnd = fds[1]
            let writer = Thread {
                var at = 0
                while at < data.count {
                    let n = data.withUnsafeBytes { write(writeEnd, $0.baseAddress! + at, min(65_536, data.count - at)) }
                    if n <= 0 { break }
                    at += n
                }
                close(writeEnd)
            }
            writer.start()
            let summary = try run(["-"], threads: 1)
            dup2(saved, 0)
            close(saved)
            assertJudged(summary, lines: gzip ? 9_502 : 2, "stdin, gzip \(gzip)")
        }
    }
}
