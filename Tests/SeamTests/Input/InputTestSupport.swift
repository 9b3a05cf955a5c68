import CZlib
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
import SeamFuzzSupport

/// A temporary directory removed at deinit: hold it in a local or in a property reset in
/// `tearDown`, never in a property set at the test case's init (XCTest keeps every test case
/// instance alive until the process ends).
final class TempDir {
    let path: String
    init() {
        _ = TempDir.sweptOnce
        let base = NSTemporaryDirectory() + "seam-input-\(getpid())-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Once per test process: removes the folders of test processes that ended without their
    /// deinit (killed, crashed, or a sanitizer halted them), named `seam-input-PID-...`.
    private static let sweptOnce: Void = {
        let fm = FileManager.default
        let tmp = NSTemporaryDirectory()
        for name in (try? fm.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix("seam-input-") {
            guard let pid = name.split(separator: "-").dropFirst(2).first.flatMap({ pid_t($0) }) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                try? fm.removeItem(atPath: tmp + (tmp.hasSuffix("/") ? "" : "/") + name)
            }
        }
    }()

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + name
        let dir = (full as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)))
        return full
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
}

/// One item as plain values, for comparing readers with the reference (shared with the fuzz
/// targets, like the reference framing below).
typealias Framed = ReferenceLine

/// Reads a whole source, copying each line.
func readAll(_ reader: LineReader) -> [Framed] { ReferenceLine.readAll(reader) }

func fileSource(_ path: String, index: Int = 0) -> SourceDescriptor {
    SourceDescriptor(index: index, location: .file(path: path), displayName: path, defaultService: nil)
}

func makeReader(_ path: String, max: Int = 1 << 20, readChunk: Int = 256 << 10, outputChunk: Int = 1 << 20)
    -> LineReader
{
    LineReader(source: fileSource(path), maxLineLength: max, readChunk: readChunk, outputChunk: outputChunk)
}

/// The framing rules written plainly (SEMANTICS.md), as the oracle for `LineReader`.
func referenceFrame(_ data: [UInt8], max: Int) -> [Framed] { ReferenceLine.frame(data, maxLineLength: max) }

/// Gzip-compresses `data` as one member with zlib (deflate, windowBits 31).
func gzipMember(_ data: [UInt8], level: Int32 = 6) -> [UInt8] { GzipWriter.member(data, level: level) }

/// Reference gunzip of a (possibly cut) multi-member stream in one pass with a large buffer:
/// everything zlib can decode from these bytes.
func referenceGunzipPrefix(_ data: [UInt8]) -> [UInt8] {
    let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    s.initialize(to: z_stream())
    defer { inflateEnd(s); s.deinitialize(count: 1); s.deallocate() }
    precondition(seam_inflateInit2(s, 31) == Z_OK)
    var result: [UInt8] = []
    var input = data
    var out = [UInt8](repeating: 0, count: 1 << 16)
    input.withUnsafeMutableBufferPointer { inp in
        s.pointee.next_in = inp.baseAddress
        s.pointee.avail_in = UInt32(inp.count)
        while true {
            let rc = out.withUnsafeMutableBufferPointer { o -> Int32 in
                s.pointee.next_out = o.baseAddress
                s.pointee.avail_out = UInt32(o.count)
                return inflate(s, Z_NO_FLUSH)
            }
            result += out[..<(out.count - Int(s.pointee.avail_out))]
            if rc == Z_STREAM_END {
                if s.pointee.avail_in == 0 { return }
                inflateReset(s)
            } else if rc != Z_OK {
                return
            }
        }
    }
    return result
}
