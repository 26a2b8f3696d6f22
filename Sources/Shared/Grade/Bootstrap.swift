/// Percentile bootstrap over problems (issue: numbers that hold). A run's accuracy is resampled by drawing
/// its records with replacement, each record bringing all its outputs; a difference between two runs of the
/// same records (the budget gain of the paper's Table 2) is resampled *paired*, the same draw for both.
/// Seeded (SplitMix64), with records taken in id order, so a report's intervals are the same on any machine
/// and for any input order.
public enum Bootstrap {
    public static let resamples = 2000
    public static let seed: UInt64 = 0x51_5eed

    /// Per record of a run: outputs judged correct, outputs.
    public typealias Tally = (correct: Int, n: Int)

    /// The 95 % interval (2.5th and 97.5th percentiles) of the accuracy over `records`.
    public static func interval(_ records: [Tally], stream: String) -> (Double, Double)? {
        guard !records.isEmpty else { return nil }
        var g = SplitMix64(seed: seed, stream: stream)
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var c = 0, n = 0
            for _ in records.indices { let r = records[g.below(records.count)]; c += r.correct; n += r.n }
            stats.append(Double(c) / Double(max(1, n)))
        }
        return percentiles(&stats)
    }

    /// The 95 % interval of accuracy(b) − accuracy(a) over records both runs hold, drawn together.
    public static func pairedInterval(_ pairs: [(a: Tally, b: Tally)], stream: String) -> (Double, Double)? {
        guard !pairs.isEmpty else { return nil }
        var g = SplitMix64(seed: seed, stream: stream)
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var ca = 0, na = 0, cb = 0, nb = 0
            for _ in pairs.indices {
                let p = pairs[g.below(pairs.count)]
                ca += p.a.correct; na += p.a.n; cb += p.b.correct; nb += p.b.n
            }
            stats.append(Double(cb) / Double(max(1, nb)) - Double(ca) / Double(max(1, na)))
        }
        return percentiles(&stats)
    }

    static func percentiles(_ s: inout [Double]) -> (Double, Double) {
        s.sort()
        let lo = s[Int((Double(s.count - 1) * 0.025).rounded())], hi = s[Int((Double(s.count - 1) * 0.975).rounded())]
        return (lo, hi)
    }
}
