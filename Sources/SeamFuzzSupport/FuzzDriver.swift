#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the fuzz targets' `LLVMFuzzerTestOneInput`: input bytes, property failures.
///
/// With `--sanitize fuzzer`, SwiftPM links libFuzzer whole (its `main` included) in release
/// builds and does not rename `main` (the `--defsym main=<Target>_main` trick applies to debug
/// builds only), so each target just defines `@_cdecl("LLVMFuzzerTestOneInput")`.
package enum FuzzDriver {
    /// Copies libFuzzer's input (the pointer may be nil when the size is 0).
    package static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A property does not hold: print why and abort, so libFuzzer saves the input as a crash.
    package static func fail(_ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) -> Never {
        let text = "PROPERTY FAILED (\(file):\(line)): \(message())\n"
        // write(2), not fputs(stderr): the C global is not concurrency-safe in Swift 6.
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        abort()
    }

    /// Checks one property.
    @inline(__always)
    package static func require(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
        file: StaticString = #file, line: UInt = #line
    ) {
        if !condition() { fail(message(), file: file, line: line) }
    }
}
