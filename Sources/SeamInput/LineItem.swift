@_spi(SeamStages) import SeamCore

/// One framed line of a source, or the reason it was rejected while framing.
@_spi(SeamStages) public enum LineItem {
    /// A line without its line end (`\n` or `\r\n`). `bytes` points into the reader's buffers
    /// and is valid only until the next call to `LineReader.next()` or `close()`.
    case line(number: UInt64, bytes: UnsafeRawBufferPointer)
    /// A line rejected by framing: `blank`, `tooLong`, `binary` or `truncated`.
    case rejected(number: UInt64, reason: RejectReason)

    /// The 1-based line number in the source (decoded lines for gzip).
    @inlinable @_spi(SeamStages) public var number: UInt64 {
        switch self {
        case .line(let n, _), .rejected(let n, _): return n
        }
    }
}
