import CSeamCodecs

/// Streaming zstd decoder over libzstd's `ZSTD_decompressStream` (loaded at run time), any
/// number of frames, skippable frames skipped (by libzstd).
///
/// Same contract as `GzipInflater`: `inflate(_:into:)` with any chunking, `finish()` at the end.
/// - A frame begun but not complete at the end of input is `.truncatedZstd` at the end offset.
/// - Data libzstd rejects is `.corruptZstd` at the offset consumed when it noticed; `midMember`
///   (the last partial line is incomplete) unless the bad bytes come right after a complete
///   frame (trailing garbage: the lines before it are complete).
/// Offsets count the source's bytes across frames.
final class ZstdDecoder {
    private let stream: UnsafeMutableRawPointer
    private let sourceName: String
    private var stopped = false
    /// Compressed bytes consumed so far.
    private(set) var consumed: UInt64 = 0
    /// True between frames (nothing of a frame consumed since the last one ended).
    private var atFrameBoundary = true

    /// Nil when libzstd is absent.
    init?(sourceName: String) {
        guard let s = seam_zstd_create() else { return nil }
        stream = s
        self.sourceName = sourceName
    }

    deinit { seam_zstd_free(stream) }

    /// Whether libzstd loads here.
    static var available: Bool { seam_zstd_available() != 0 }

    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        -> (consumed: Int, produced: Int, failure: GzipInflater.Failure?)
    {
        var inPos = 0
        var outPos = 0
        while !stopped && outPos < output.count {
            var used = 0, produced = 0
            // Safe: C interop; libzstd reads and writes within the counts passed with each pointer.
            let inBase = input.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) + inPos }
            let rc = seam_zstd_decompress(
                stream, inBase, input.count - inPos,
                output.baseAddress!.assumingMemoryBound(to: UInt8.self) + outPos, output.count - outPos,
                &used, &produced)
            inPos += used
            outPos += produced
            consumed += UInt64(used)
            if seam_zstd_is_error(rc) != 0 {
                stopped = true
                let name = String(cString: seam_zstd_error_name(rc))
                // Nothing of the bad frame came out: the lines before it are complete.
                let mid = !(atFrameBoundary && produced == 0)
                let message = mid
                    ? "corrupt zstd data (\(name)); the lines before it were read, lines decoded shortly before it may be affected"
                    : "corrupt zstd data or trailing garbage after the last complete frame (\(name)), ignored from here; "
                        + "the lines before it are complete"
                return (inPos, outPos, GzipInflater.Failure(
                    error: InputError(code: .corruptZstd, source: sourceName, offset: consumed, message: message),
                    midMember: mid))
            }
            if rc == 0 {
                atFrameBoundary = true  // a frame ended and is flushed
            } else if used > 0 || produced > 0 {
                atFrameBoundary = false
            }
            if used == 0 && produced == 0 { break }
            // Input used up and output not full: libzstd flushed all it could.
            if inPos == input.count && outPos < output.count { break }
        }
        return (inPos, outPos, nil)
    }

    /// Ends the input: a frame begun and not complete is a truncation.
    func finish() -> GzipInflater.Failure? {
        guard !stopped else { return nil }
        stopped = true
        guard !atFrameBoundary else { return nil }
        return GzipInflater.Failure(
            error: InputError(code: .truncatedZstd, source: sourceName, offset: consumed,
                              message: "the zstd stream ends inside a frame (truncated); the lines before it were read, "
                                  + "its incomplete last line is rejected"),
            midMember: true)
    }
}
