/// A bottom-k sketch of one field's value hashes, with a payload per kept value: its earliest
/// time, how many records carried it, and a digest of the record's other fields.
///
/// Keeps the `capacity` smallest hashes seen (KMV). Both sides of a handoff are sampled by the
/// same hash, so the values two sketches share are a uniform sample of the values the two fields
/// share (below the smaller of their thresholds): containment, lags and agreement are read on
/// them. A value in the final sketch was kept from its first record on (thresholds only fall),
/// so its count and earliest time are exact.
///
/// Memory: fixed once full, `capacity` x (24 + 2 x `digestWidth`) bytes plus a 2 x capacity
/// slot index. Per offered value: one compare when above the threshold (the common case once
/// full); an index probe otherwise. An eviction (a new smallest value) rebuilds the index: rare,
/// about capacity x ln(n / capacity) times over n distinct values.
struct KeySketch {
    static let capacity = 256
    /// Fields of the record digested with each kept value (the event's first fields).
    static let digestWidth = 16
    private static let indexSize = 512

    private(set) var hashes: [UInt64] = []
    private(set) var firstTimes: [Int64] = []
    private(set) var counts: [UInt32] = []
    /// `digestWidth` 16-bit value hashes per kept value, 0 when the field was absent.
    private(set) var digests: [UInt16] = []
    /// Open addressing on the low bits of the hash: slot + 1, 0 empty.
    private var index: [UInt16] = Array(repeating: 0, count: KeySketch.indexSize)
    /// The largest kept hash once full (values above it are not kept), else `.max`.
    private(set) var threshold: UInt64 = .max
    private var maxSlot = 0

    var isFull: Bool { hashes.count == Self.capacity }

    /// Notes one record's value. Returns the slot when the value is new to the sketch (the
    /// caller then writes its digest with `setDigest`), nil when it was known or not kept.
    @inline(__always)
    mutating func offer(_ hash: UInt64, time: Int64) -> Int? {
        if hash > threshold { return nil }
        if hash == threshold {  // the largest kept value itself
            note(slot: maxSlot, time: time)
            return nil
        }
        let mask = Self.indexSize - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = Int(index[i])
            if s == 0 { break }
            if hashes[s - 1] == hash {
                note(slot: s - 1, time: time)
                return nil
            }
            i = (i + 1) & mask
        }
        if !isFull {
            let slot = hashes.count
            hashes.append(hash)
            firstTimes.append(time)
            counts.append(1)
            digests.append(contentsOf: repeatElement(0, count: Self.digestWidth))
            index[i] = UInt16(slot + 1)
            if isFull { findMax() }
            return slot
        }
        // Replace the largest kept value.
        let slot = maxSlot
        hashes[slot] = hash
        firstTimes[slot] = time
        counts[slot] = 1
        for d in 0..<Self.digestWidth { digests[slot * Self.digestWidth + d] = 0 }
        rebuildIndex()
        findMax()
        return slot
    }

    mutating func setDigest(slot: Int, field: Int, _ value: UInt16) {
        digests[slot * Self.digestWidth + field] = value
    }

    @inline(__always)
    private mutating func note(slot: Int, time: Int64) {
        if counts[slot] < .max { counts[slot] += 1 }
        if time < firstTimes[slot] { firstTimes[slot] = time }
    }

    private mutating func findMax() {
        var m = 0
        for s in 1..<hashes.count where hashes[s] > hashes[m] { m = s }
        maxSlot = m
        threshold = hashes[m]
    }

    private mutating func rebuildIndex() {
        let mask = Self.indexSize - 1
        for i in index.indices { index[i] = 0 }
        for (s, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while index[i] != 0 { i = (i + 1) & mask }
            index[i] = UInt16(s + 1)
        }
    }

    /// Distinct values: exact below capacity, else the KMV estimate (k - 1) / threshold.
    var distinctEstimate: Double {
        guard isFull else { return Double(hashes.count) }
        return Double(Self.capacity - 1) / (Double(threshold) / 18_446_744_073_709_551_616.0)
    }

    /// The kept entries sorted by hash: (hash, slot).
    func sortedSlots() -> [(hash: UInt64, slot: Int)] {
        hashes.enumerated().map { ($0.element, $0.offset) }.sorted { $0.hash < $1.hash }
    }

    /// Approximate bytes held.
    var bytes: Int { hashes.capacity * 8 + firstTimes.capacity * 8 + counts.capacity * 4 + digests.capacity * 2 + index.count * 2 }
}
