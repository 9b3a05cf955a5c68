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

final class InputWalkerTests: XCTestCase {
    private func names(_ sources: [SourceDescriptor], relativeTo dir: TempDir) -> [String] {
        sources.map { String($0.displayName.dropFirst(dir.path.count + 1)) }
    }

    func testDirectoryIsWalkedInByteOrderOfFullPaths() {
        let dir = TempDir()
        for name in ["b.log", "a/x.log", "a.b.log", "a/y/z.log", "B.log", "a-c.log", ".hidden.log",
                     ".git/config", "a/.swap"] {
            dir.write("logs/" + name, "x\n")
        }
        let (sources, errors) = SourceWalker.expand([dir.path + "/logs"])
        XCTAssertEqual(errors, [])
        // '-' (2D) < '.' (2E) < '/' (2F) < 'B' < 'a' < 'b': byte order of the full path.
        XCTAssertEqual(names(sources, relativeTo: dir),
                       ["logs/B.log", "logs/a-c.log", "logs/a.b.log", "logs/a/x.log", "logs/a/y/z.log", "logs/b.log"])
        XCTAssertEqual(sources.map(\.index), Array(0..<6))
        XCTAssertEqual(sources.map(\.defaultService), ["B", "a-c", "a", "x", "z", "b"])
    }

    func testArgumentsKeepTheirOrderAndStdin() {
        let dir = TempDir()
        let b = dir.write("orders.jsonl.gz", "x\n")
        let a = dir.write("payments-2026.log", "x\n")
        let (sources, errors) = SourceWalker.expand([b, "-", a])
        XCTAssertEqual(errors, [])
        XCTAssertEqual(sources, [
            SourceDescriptor(index: 0, location: .file(path: b), displayName: b, defaultService: "orders"),
            SourceDescriptor(index: 1, location: .standardInput, displayName: "-", defaultService: nil),
            SourceDescriptor(index: 2, location: .file(path: a), displayName: a, defaultService: "payments-2026"),
        ])
    }

    func testHiddenFileGivenExplicitlyIsRead() {
        let dir = TempDir()
        let path = dir.write(".orders.log", "x\n")
        let (sources, errors) = SourceWalker.expand([path])
        XCTAssertEqual(errors, [])
        XCTAssertEqual(sources.map(\.displayName), [path])
        XCTAssertNil(sources.first?.defaultService, "the name up to its first '.' is empty")
    }

    func testMissingPathAndDanglingLink() {
        let dir = TempDir()
        dir.write("d/ok.log", "x\n")
        XCTAssertEqual(symlink(dir.path + "/nowhere", dir.path + "/d/broken.log"), 0)
        let (sources, errors) = SourceWalker.expand([dir.path + "/missing.log", dir.path + "/d"])
        XCTAssertEqual(sources.map(\.displayName), [dir.path + "/d/ok.log"])
        XCTAssertEqual(errors.map(\.code), [.notFound, .notFound])
        XCTAssertEqual(errors.map(\.source), [dir.path + "/missing.log", dir.path + "/d/broken.log"])
    }

    func testSymlinkLoopIsReportedOnceAndNotFollowed() {
        let dir = TempDir()
        dir.write("root/a/one.log", "x\n")
        dir.write("root/b/two.log", "x\n")
        // root/a/up -> root (a loop); root/b/again -> root/a (a second route, not a loop).
        XCTAssertEqual(symlink(dir.path + "/root", dir.path + "/root/a/up"), 0)
        XCTAssertEqual(symlink(dir.path + "/root/a", dir.path + "/root/b/again"), 0)
        let (sources, errors) = SourceWalker.expand([dir.path + "/root"])
        XCTAssertEqual(names(sources, relativeTo: dir), ["root/a/one.log", "root/b/two.log"])
        XCTAssertEqual(errors.map(\.code), [.symlinkLoop])
        XCTAssertEqual(errors.first?.source, dir.path + "/root/a/up")
    }

    func testSelfLinkIsALoop() {
        let dir = TempDir()
        XCTAssertEqual(symlink(dir.path + "/self", dir.path + "/self"), 0)
        let (sources, errors) = SourceWalker.expand([dir.path + "/self"])
        XCTAssertEqual(sources, [])
        XCTAssertEqual(errors.map(\.code), [.symlinkLoop])
    }

    func testSymlinkedFilesAndDirectoriesAreFollowedOnce() {
        let dir = TempDir()
        dir.write("logs/2026-11-29/app.log", "x\n")
        dir.write("elsewhere/extra.log", "x\n")
        XCTAssertEqual(symlink(dir.path + "/logs/2026-11-29", dir.path + "/logs/current"), 0)
        XCTAssertEqual(symlink(dir.path + "/elsewhere/extra.log", dir.path + "/logs/extra.log"), 0)
        let (sources, errors) = SourceWalker.expand([dir.path + "/logs/"])
        XCTAssertEqual(errors, [])
        XCTAssertEqual(names(sources, relativeTo: dir), ["logs/2026-11-29/app.log", "logs/extra.log"])
    }

    func testServiceMappingForFilesAndDirectories() {
        let dir = TempDir()
        let file = dir.write("svc/a/app.log", "x\n")
        dir.write("svc/b/app.log", "x\n")
        dir.write("svc/c.log", "x\n")
        dir.write("svcx/d.log", "x\n")
        let services = [dir.path + "/svc/": "shop", dir.path + "/svc/a": "orders", file: "exact"]
        let (sources, errors) = SourceWalker.expand([dir.path + "/svc", dir.path + "/svcx", "-"],
                                                    services: services.merging(["-": "stdin-svc"]) { a, _ in a })
        XCTAssertEqual(errors, [])
        XCTAssertEqual(names(sources.dropLast().map { $0 }, relativeTo: dir),
                       ["svc/a/app.log", "svc/b/app.log", "svc/c.log", "svcx/d.log"])
        XCTAssertEqual(sources.map(\.defaultService), ["exact", "shop", "shop", "d", "stdin-svc"])
    }

    func testFIFOIsASource() {
        let dir = TempDir()
        XCTAssertEqual(mkfifo(dir.path + "/p.log", 0o600), 0)
        let (sources, errors) = SourceWalker.expand([dir.path])
        XCTAssertEqual(errors, [])
        XCTAssertEqual(sources.map(\.displayName), [dir.path + "/p.log"])
    }

    // MARK: The same file twice; tar archives

    func testFileNamedTwiceIsReadOnceWithANote() throws {
        let dir = TempDir()
        let a = dir.write("orders.log", "x\n")
        let (sources, errors) = SourceWalker.expand([a, a])
        XCTAssertEqual(sources.map(\.displayName), [a])
        XCTAssertEqual(errors.map(\.code), [.duplicateSource])
        XCTAssertTrue(errors[0].code.isNote, "a note: it loses no line")
    }

    func testFileReachedByFolderAndByNameIsReadOnceUnderItsFirstPath() throws {
        let dir = TempDir()
        let a = dir.write("logs/orders.log", "x\n")
        dir.write("logs/payments.log", "x\n")
        // The same inode by another spelling of the path, given after the folder.
        let (sources, errors) = SourceWalker.expand([dir.path + "/logs", dir.path + "/logs/./orders.log"])
        XCTAssertEqual(names(sources, relativeTo: dir), ["logs/orders.log", "logs/payments.log"])
        XCTAssertEqual(errors.map(\.code), [.duplicateSource])
        XCTAssertEqual(errors.first?.source, dir.path + "/logs/./orders.log")
        XCTAssertTrue(errors.first?.message.contains(a) ?? false, "names the first path: \(errors)")

        // The run stays complete and each line counts once.
        let spec = HandoffSpec(rules: [])
        let s = HandoffCheck(spec: spec).run(paths: [a, dir.path + "/logs"])
        // (The lines are no events, so nothing is judged: that cause only.)
        XCTAssertEqual(s.incompleteReasons.map(\.cause), [.nothingJudged], "\(s.inputErrors)")
        XCTAssertEqual(s.total.lines, 2)
        XCTAssertEqual(s.sources.count, 2)
    }

    /// A 512-byte POSIX tar header (ustar at 257) for `name`, then its content in one block.
    private func tarBytes(_ name: String, _ content: String) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        for (i, b) in name.utf8.enumerated() { header[i] = b }
        for (i, b) in "ustar\u{0}00".utf8.enumerated() { header[257 + i] = b }
        var body = Array(content.utf8)
        body += [UInt8](repeating: 0, count: 512 - body.count % 512)
        return header + body + [UInt8](repeating: 0, count: 1024)
    }

    func testTarArchivesPlainAndGzipAreRefusedWhateverTheirName() throws {
        let dir = TempDir()
        let lines = #"{"ts":1,"service":"a","event":"x"}"# + "\n"
        let plain = dir.write("logs/a.tar", tarBytes("a.log", lines))
        let gz = dir.write("logs/b.log.gz", gzipMember(tarBytes("b.log", lines)))
        let ok = dir.write("logs/c.log.gz", gzipMember(Array(lines.utf8)))
        let (sources, errors) = SourceWalker.expand([dir.path + "/logs"])
        XCTAssertEqual(sources.map(\.displayName), [ok])
        XCTAssertEqual(errors.map(\.code), [.tarArchive, .tarArchive])
        XCTAssertEqual(errors.map(\.source), [plain, gz])
        XCTAssertTrue(errors[0].message.contains("tar xf "), errors[0].message)
        XCTAssertTrue(errors[1].message.contains("tar xzf "), errors[1].message)
        XCTAssertTrue(errors[1].message.contains("not supported yet"), errors[1].message)
        let s = HandoffCheck(spec: HandoffSpec(rules: [])).run(paths: [gz])
        XCTAssertFalse(s.complete, "a tar archive not read makes the run incomplete")
        XCTAssertEqual(s.total.lines, 0, "no tar header is read as text")
    }

    /// A tar archive compressed with zstd is refused like `.tar.gz`, whatever its name, with
    /// the first member incompressible (its first zstd block, 128 KiB, is read whole before the
    /// header comes out); a zstd file of plain lines is still a source.
    func testTarArchiveCompressedWithZstdIsRefused() throws {
        try XCTSkipUnless(ZstdWriter.available, "libzstd is not installed here")
        let dir = TempDir()
        let lines = #"{"ts":1,"service":"a","event":"x"}"# + "\n"
        var rng = SeededRandom(seed: 18)
        let noise = String((0..<200_000).map { _ in Character(Unicode.Scalar(UInt8(0x21 + rng.int(94)))) })
        let big = ZstdWriter.frame(tarBytes("noise.log", noise + "\n"), level: 3)
        XCTAssertGreaterThan(big.count, 1 << 16, "the first block must need more than 64 KiB of input")
        let zst = dir.write("logs/a.tar.zst", ZstdWriter.frame(tarBytes("a.log", lines)))
        let renamed = dir.write("logs/b.log.zst", big)
        let ok = dir.write("logs/c.log.zst", ZstdWriter.frame(Array(lines.utf8)))
        let (sources, errors) = SourceWalker.expand([dir.path + "/logs"])
        XCTAssertEqual(sources.map(\.displayName), [ok])
        XCTAssertEqual(errors.map(\.code), [.tarArchive, .tarArchive])
        XCTAssertEqual(errors.map(\.source), [zst, renamed])
        XCTAssertTrue(errors[0].message.contains("tar --zstd -xf "), errors[0].message)
        let s = HandoffCheck(spec: HandoffSpec(rules: [])).run(paths: [zst])
        XCTAssertFalse(s.complete, "a tar archive not read makes the run incomplete")
        XCTAssertEqual(s.total.lines, 0, "no tar header is read as text")
    }

    func testTextThatMentionsUstarIsNotATar() {
        let dir = TempDir()
        let text = String(repeating: "x", count: 257) + "ustar but only 300 bytes long\n"
        let path = dir.write("short.log", text)
        let (sources, errors) = SourceWalker.expand([path])
        XCTAssertEqual(errors, [])
        XCTAssertEqual(sources.map(\.displayName), [path])
    }
}

