/// The paper's data ablations (Table 5): `random` (uniform), `longest` (longest traces), `diverse`
/// (domain uniformly, then a question uniformly within it). Deterministic for a seed.
public enum AblationMode: String, CaseIterable { case random, diverse, longest }

public struct AblationSelect {
    public let mode: AblationMode
    public let n: Int
    public let seed: UInt64

    public init(mode: AblationMode, n: Int, seed: UInt64) {
        self.mode = mode
        self.n = n
        self.seed = seed
    }

    public func select(pool: RecordPool, lengths: [Int]) -> [Int] {
        var rng = SplitMix64(seed: seed)
        let all = Array(pool.records.indices)
        switch mode {
        case .random:
            var idx = all
            rng.shuffle(&idx)
            return Array(idx.prefix(n))
        case .longest:
            return Array(all.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }.prefix(n))
        case .diverse:
            var domains = pool.byDomain(all).map { $0.1 }
            var out: [Int] = []
            while out.count < n && !domains.isEmpty {
                let d = rng.below(domains.count)
                out.append(domains[d].remove(at: rng.below(domains[d].count)))
                if domains[d].isEmpty { domains.remove(at: d) }
            }
            return out
        }
    }
}
