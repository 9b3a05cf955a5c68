import XCTest

final class SeamCLIPlaceholderTests: XCTestCase {
    func testBinaryPathIsKnown() throws {
        XCTAssertFalse(productsDirectory.path.isEmpty)
    }
}

/// Folder holding the built products (the `seam` binary) next to the test bundle.
var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
}
