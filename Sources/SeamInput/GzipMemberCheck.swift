import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CRC-32 and length check of one gzip member, computed by Seam instead of inside zlib's
/// `inflate` so that a faster CRC-32 can do it.
///
/// zlib 1.2.13's CRC-32 runs at about 4 GB/s here (an eighth of what inflating the same bytes
/// costs); libdeflate's (Debian's `libdeflate0`, found at run time, with carry-less multiply) at
/// about 14 GB/s. The check is the
/// same either way: the trailer's CRC-32 and ISIZE against the bytes produced. Without libdeflate
/// zlib's own `crc32_z` is the kernel, so the code path is one and tests cover it everywhere.
///
/// Use: `start()` per member, `produced(_:)` for every output range, `consumed(_:)` for every
/// input range `inflate` took, then at `Z_STREAM_END` `verdict()`: the last 8 bytes consumed are
/// the trailer (zlib stops exactly after it).
struct GzipMemberCheck {
    /// The CRC-32 implementation in use.
    enum Kernel: Equatable {
        /// libdeflate's `libdeflate_crc32`, loaded with `dlopen`.
        case libdeflate(@convention(c) (UInt32, UnsafeRawPointer?, Int) -> UInt32)
        /// zlib's `crc32_z`.
        case zlib

        static func == (a: Kernel, b: Kernel) -> Bool { a.name == b.name }

        /// The fastest one available: libdeflate unless it cannot be loaded or the environment
        /// says `SEAM_GZIP_CRC=zlib` (for measuring one against the other).
        static let preferred: Kernel = {
            if let v = getenv("SEAM_GZIP_CRC"), String(cString: v) == "zlib" { return .zlib }
            return libdeflate ?? .zlib
        }()

        /// libdeflate's CRC-32, when its shared library is installed.
        static let libdeflate: Kernel? = {
            guard let lib = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL),
                  let symbol = dlsym(lib, "libdeflate_crc32") else { return nil }
            return .libdeflate(unsafeBitCast(symbol, to: (@convention(c) (UInt32, UnsafeRawPointer?, Int) -> UInt32).self))
        }()

        var name: String {
            switch self {
            case .libdeflate: return "libdeflate"
            case .zlib: return "zlib"
            }
        }

        /// CRC-32 of `count` bytes at `bytes`, continuing from `crc` (0 to start).
        @inline(__always)
        func update(_ crc: UInt32, _ bytes: UnsafeRawPointer, _ count: Int) -> UInt32 {
            // Safe: C interop; the callers pass bytes they just produced or consumed, `count` of them.
            switch self {
            case .libdeflate(let f):
                return f(crc, bytes, count)
            case .zlib:
                return UInt32(truncatingIfNeeded: crc32_z(UInt(crc), bytes.assumingMemoryBound(to: UInt8.self), count))
            }
        }
    }

    /// What the trailer says against what was produced.
    enum Verdict: Equatable {
        case intact
        /// The CRC-32 differs ("incorrect data check", as zlib calls it).
        case badCRC
        /// The CRC-32 matches, the length modulo 2^32 does not ("incorrect length check").
        case badLength
    }

    let kernel: Kernel
    private var crc: UInt32 = 0
    private var length: UInt32 = 0
    /// The last 8 bytes consumed, oldest in the low byte.
    private var tail: UInt64 = 0

    init(kernel: Kernel) {
        self.kernel = kernel
    }

    /// A new member begins.
    mutating func start() {
        crc = 0
        length = 0
        tail = 0
    }

    /// `inflate` produced these bytes.
    @inline(__always)
    mutating func produced(_ bytes: UnsafeRawPointer, _ count: Int) {
        guard count > 0 else { return }
        crc = kernel.update(crc, bytes, count)
        length &+= UInt32(truncatingIfNeeded: count)
    }

    /// `inflate` consumed these bytes; only the last 8 are kept.
    mutating func consumed(_ bytes: UnsafeRawPointer, _ count: Int) {
        if count >= 8 {
            tail = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        } else if count > 0 {
            tail >>= UInt64(8 * count)
            for j in 0..<count {
                tail |= UInt64(bytes.load(fromByteOffset: j, as: UInt8.self)) << UInt64(8 * (8 - count + j))
            }
        }
    }

    /// The stream was cut after `have` (< 8) bytes of the trailer: true when they hold the whole
    /// CRC-32 field and it differs from the output's (zlib, checking, would report corruption
    /// there, before finding the length missing).
    func cutTrailerHasBadCRC(have: Int) -> Bool {
        guard have >= 4 && have < 8 else { return false }
        // The trailer's bytes read are the newest `have` of `tail`; the CRC-32 field is their first 4.
        return UInt32(truncatingIfNeeded: tail >> UInt64(8 * (8 - have))) != crc
    }

    /// The member ended: compares the trailer (CRC-32 then ISIZE, little-endian) with the output.
    func verdict() -> Verdict {
        if UInt32(truncatingIfNeeded: tail) != crc { return .badCRC }
        if UInt32(truncatingIfNeeded: tail >> 32) != length { return .badLength }
        return .intact
    }
}
