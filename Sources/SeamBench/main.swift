// seam-bench: runs the input stage (LineReader) over the given paths and prints throughput.
// Used by Scripts/bench-input; not part of the seam CLI.
#if canImport(Glibc)
import Glibc
#endif
@_spi(SeamStages) import Seam

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty {
    print("usage: seam-bench PATH...  (files, directories or -)")
    exit(2)
}
let (sources, errors) = SourceWalker.expand(arguments)
for error in errors { print("error: \(error)") }

let start = now()
var total = SourceStats()
var lineBytes: UInt64 = 0
var firstBytes: UInt64 = 0
for source in sources {
    let reader = LineReader(source: source)
    while let item = reader.next() {
        if case .line(_, let bytes) = item {
            lineBytes &+= UInt64(bytes.count)
            firstBytes &+= UInt64(bytes[0])  // touch the line so nothing is optimized away
        }
    }
    for error in reader.stats.errors { print("error: \(error)") }
    total.add(reader.stats)
}
let seconds = now() - start
let mb = Double(total.bytesDecoded) / 1e6
print("sources=\(sources.count) lines=\(total.lines) rejected=\(total.rejectedTotal) "
    + "bytes_in=\(total.bytesIn) bytes_decoded=\(total.bytesDecoded) line_bytes=\(lineBytes) check=\(firstBytes % 1000)")
print("seconds=\(fmt(seconds)) mb_per_s=\(fmt(mb / seconds))")

func fmt(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return "\(scaled)"
}
