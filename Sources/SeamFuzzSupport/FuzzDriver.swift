import SeamFuzzC

#if canImport(Glibc)
import Glibc
#endif

/// Runs libFuzzer from a target's `<Target>_main` and reports broken properties as crashes.
///
/// SwiftPM links an executable target with `--defsym main=<Target>_main`, so each fuzz target
/// defines `@_cdecl("<Target>_main")` and hands its C callback to `run`.
public enum FuzzDriver {
    /// The libFuzzer callback type: one input, return 0.
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    /// Passes the command line to `LLVMFuzzerRunDriver`; returns its exit status.
    public static func run(
        argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ callback: Callback
    ) -> Int32 {
        var count = argc
        var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&count, &vector, callback)
    }

    /// Copies libFuzzer's input (the pointer may be nil when the size is 0).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A property does not hold: print why and abort, so libFuzzer saves the input as a crash.
    public static func fail(_ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) -> Never {
        let text = "PROPERTY FAILED (\(file):\(line)): \(message())\n"
        fputs(text, stderr)
        abort()
    }

    /// Checks one property.
    @inline(__always)
    public static func require(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
        file: StaticString = #file, line: UInt = #line
    ) {
        if !condition() { fail(message(), file: file, line: line) }
    }
}
