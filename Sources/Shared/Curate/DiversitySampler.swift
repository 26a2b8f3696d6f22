/// s1's final selection (paper §2, Algorithm 1): the forced records first; then, until n are chosen, pick a
/// domain uniformly among those with questions left, rank that domain's questions by trace length (longest
/// first), draw one with weight 2^-rank, and remove it. Every random choice comes from one SplitMix64
/// stream seeded by `--seed`, so a seed gives the same set on every run and machine.
public struct DiversitySampler {
    public let n: Int
    public let seed: UInt64

    public init(n: Int, seed: UInt64) {
        self.n = n
        self.seed = seed
    }

    /// Chosen indices, in the order they were chosen (forced first, in input order).
    public func select(pool: RecordPool, lengths: [Int], forced: [Int]) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var chosen = Array(forced.prefix(n))
        let forcedSet = Set(forced)
        let rest = pool.records.indices.filter { !forcedSet.contains($0) }
        // Each domain's candidates sorted once, longest trace first (input order breaks ties);
        // removing one keeps the rest ranked.
        var domains: [[Int]] = pool.byDomain(rest).map { group in
            group.1.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        }
        while chosen.count < n && !domains.isEmpty {
            let d = rng.below(domains.count)
            let k = Self.drawRank(count: domains[d].count, u: rng.unit())
            chosen.append(domains[d].remove(at: k))
            if domains[d].isEmpty { domains.remove(at: d) }
        }
        return chosen
    }

    /// The rank r drawn with probability 2^-r / Σ_{i<count} 2^-i, by inverting the cumulative weights.
    static func drawRank(count: Int, u: Double) -> Int {
        let total = 2.0 * (1.0 - Double.pow2(-count))
        var target = u * total
        var w = 1.0
        for r in 0..<count {
            if target < w { return r }
            target -= w
            w *= 0.5
        }
        return count - 1
    }
}

extension Double {
    static func pow2(_ e: Int) -> Double { e < -1074 ? 0 : Double(sign: .plus, exponent: e, significand: 1) }
}
