// swift-tools-version:6.0
import PackageDescription

// Every stage is on the hot path. In release: no exclusivity checks (measured in BENCHMARKS.md),
// and full cross-module optimization, so that the generic merge and cursor (Alignment) are
// specialized for the correlator's selector (Correlation) and small calls inline across stages
// as they did in one module (the compiler's default CMO is conservative and specialized none of
// them; ARCHITECTURE.md "Stage targets" has the numbers).
let stageSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "Seam",
    products: [
        .library(name: "Seam", targets: ["Seam"]),
        .library(name: "SeamDiscovery", targets: ["SeamDiscovery"]),
        .executable(name: "seam", targets: ["SeamCLI"]),
        .executable(name: "seam-bench", targets: ["SeamBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // `watch --metrics` only (the SeamMetrics target): the `Seam` library product does not
        // depend on them, so an embedder builds none of them.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // ISA-L's gzip inflate and libzstd, loaded at run time (Sources/CSeamCodecs/seam_codecs.c
        // says why): the package builds and runs where neither is installed.
        .target(name: "CSeamCodecs", linkerSettings: [.linkedLibrary("dl")]),
        // One target per stage, in data-flow order; a stage imports only the ones before it, so an
        // arrow running back up is a compile error (ARCHITECTURE.md draws the graph).
        .target(name: "SeamCore", swiftSettings: stageSettings),
        .target(name: "SeamInput", dependencies: ["SeamCore", "CZlib", "CSeamCodecs"], swiftSettings: stageSettings),
        .target(name: "SeamRecords", dependencies: ["SeamCore"], swiftSettings: stageSettings),
        .target(
            name: "SeamAlignment",
            dependencies: ["SeamCore", "SeamInput", "SeamRecords", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: stageSettings
        ),
        .target(
            name: "SeamCorrelation",
            dependencies: [
                "SeamCore", "SeamRecords", "SeamAlignment",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: stageSettings
        ),
        .target(
            name: "SeamSpec",
            dependencies: ["SeamCore", "SeamRecords", "SeamCorrelation", .product(name: "Yams", package: "Yams")],
            swiftSettings: stageSettings
        ),
        .target(
            name: "SeamDiagnosis",
            dependencies: ["SeamCore", "SeamInput", "SeamRecords", "SeamAlignment", "SeamCorrelation", "SeamSpec"],
            swiftSettings: stageSettings
        ),
        .target(
            name: "SeamReporting",
            dependencies: ["SeamCore", "SeamInput", "SeamRecords", "SeamAlignment", "SeamCorrelation", "SeamDiagnosis"],
            swiftSettings: stageSettings
        ),
        // The umbrella: the entry points (HandoffCheck, HandoffWatch) and every stage re-exported,
        // so `import Seam` is all an embedder needs; the CLI, tests and fuzz targets write
        // `@_spi(SeamStages) import Seam` to see the hot-path stages' internals as well.
        .target(
            name: "Seam",
            dependencies: [
                "SeamCore", "SeamInput", "SeamRecords", "SeamAlignment", "SeamCorrelation", "SeamSpec",
                "SeamDiagnosis", "SeamReporting",
            ],
            swiftSettings: stageSettings
        ),
        // `seam discover`: a draft spec from the logs (issue 16); reads through Seam's input,
        // records and spec stages only.
        .target(name: "SeamDiscovery", dependencies: ["SeamCore", "SeamInput", "SeamRecords", "SeamSpec"],
                swiftSettings: stageSettings),
        // `watch --metrics`: Prometheus metrics of a watch (swift-prometheus's registry and
        // exposition) served over HTTP (SwiftNIO); used by the CLI, not part of `Seam`.
        .target(
            name: "SeamMetrics",
            dependencies: [
                "Seam",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "SeamCLI",
            dependencies: [
                "Seam",
                "SeamDiscovery",
                "SeamMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "SeamBench", dependencies: ["Seam"]),
        // README's "Embedding Seam" example, compiled as if from another package (no package
        // access, so `package` declarations are out of reach): it builds only while the public
        // API suffices. EmbeddingExampleTests runs it and compares it with the README.
        .executableTarget(name: "SeamEmbeddingExample", dependencies: ["Seam"], packageAccess: false),
        // Plain references (JSON via Foundation, gunzip, line framing) shared by the tests and
        // the fuzz targets; no fuzzer flags, so it builds with everything else.
        .target(name: "SeamFuzzSupport", dependencies: ["Seam", "CZlib", "CSeamCodecs"]),
        .testTarget(name: "SeamTests", dependencies: [
            "Seam", "SeamFuzzSupport", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .testTarget(name: "SeamCLITests", dependencies: ["Seam", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SeamDiscoveryTests", dependencies: ["Seam", "SeamDiscovery"]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (issue 7, Scripts/fuzz): declared only when SEAM_FUZZ=1, because each defines
// only `LLVMFuzzerTestOneInput` and needs `--sanitize fuzzer` (libFuzzer's `main`) to link.
if Context.environment["SEAM_FUZZ"] == "1" {
    let fuzzSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
    for (product, target) in [
        ("fuzz-gzip", "SeamFuzzGzip"),
        ("fuzz-lines", "SeamFuzzLines"),
        ("fuzz-json", "SeamFuzzJSON"),
        ("fuzz-logfmt", "SeamFuzzLogfmt"),
        ("fuzz-time", "SeamFuzzTime"),
        ("fuzz-decimal", "SeamFuzzDecimal"),
        ("fuzz-spec", "SeamFuzzSpec"),
        ("fuzz-csv", "SeamFuzzCSV"),
        ("fuzz-pipeline", "SeamFuzzPipeline"),
        ("fuzz-reader", "SeamFuzzReader"),
        ("fuzz-inflate", "SeamFuzzInflate"),
    ] {
        package.targets.append(
            .executableTarget(name: target, dependencies: ["Seam", "SeamFuzzSupport"], swiftSettings: fuzzSettings))
        package.products.append(.executable(name: product, targets: [target]))
    }
}
