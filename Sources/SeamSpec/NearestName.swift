/// Suggests the valid name a misspelt key most likely meant ("withn" -> "within").
package enum NearestName {
    /// The candidate at the smallest edit distance from `word`, when close enough to be a typo:
    /// at most 2 edits, and fewer than half the word's length (so "x" suggests nothing).
    package static func suggest(_ word: String, among candidates: [String]) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        // Keys are short; a pathological 1 MB key must not cost seconds.
        guard w.count <= 64 else { return nil }
        var best: (name: String, distance: Int)?
        for c in candidates {
            let d = distance(w, Array(c.unicodeScalars))
            if d < (best?.distance ?? Int.max) { best = (c, d) }
        }
        guard let best, best.distance <= 2, best.distance * 2 < max(w.count, best.name.count) else {
            return nil
        }
        return best.name
    }

    /// Levenshtein distance, with a swap of two neighbours counting as one edit.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
