import CSeamCodecs
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which library inflates gzip: zlib (always there, the fallback) or Intel's ISA-L (about twice
/// as fast here; `libisal2`, loaded at run time).
///
/// Results are the same either way: ISA-L decodes the members; on anything but a clean member
/// (damage, truncation, an unusual header, what follows the last member) `IsalGzipInflater`
/// hands the member to zlib, which gives the verdict a zlib run gives.
@_spi(SeamStages) public enum Inflater: String, Sendable, CaseIterable {
    case zlib
    case isal

    /// Whether ISA-L can be used here (built with its header, `libisal.so.2` loads).
    @_spi(SeamStages) public static var isalAvailable: Bool { seam_isal_available() != 0 }

    /// The run's choice: `SEAM_INFLATE=zlib|isal` forces one; else ISA-L where it loads. ISA-L
    /// asked for but absent falls back to zlib (the input section says which was used).
    @_spi(SeamStages) public static let preferred: Inflater = {
        if let v = getenv("SEAM_INFLATE"), String(cString: v) == "zlib" { return .zlib }
        return isalAvailable ? .isal : .zlib
    }()

    /// Added to zlib's verdict on a member of which ISA-L had handed out bytes that zlib
    /// rejects (an invalid block header ISA-L accepts; `IsalGzipInflater` says more).
    @_spi(SeamStages) public static let divergenceNote = "; ISA-L had decoded bytes of this member that zlib rejects (an invalid block), "
        + "so the lines read just before the damage differ from a zlib run's"

    /// `self`, or zlib when `self` is ISA-L and ISA-L is absent.
    @_spi(SeamStages) public var usable: Inflater { self == .isal && !Inflater.isalAvailable ? .zlib : self }
}
