import Foundation

/// Picks the next token from logits: greedy at temperature 0, else softmax(logits / T) truncated to the
/// smallest set of tokens whose probability reaches top-p, drawn with a seeded generator (each sequence
/// owns its sampler, so results do not depend on what else runs).
public struct Sampler {
    public var temperature: Float
    public var topP: Float
    var rng: SplitMix64

    public init(temperature: Float = 0, topP: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topP = topP
        rng = SplitMix64(seed: seed)
    }

    /// Ties go to the lowest id, as torch.argmax does.
    public static func argmax(_ l: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        for i in 1..<l.count where l[i] > l[best] { best = i }
        return Int32(best)
    }

    public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        if temperature <= 0 { return Self.argmax(logits) }
        let n = logits.count
        var mx = -Float.infinity
        for v in logits { mx = max(mx, v) }
        var probs = [Float](repeating: 0, count: n)
        var sum: Double = 0
        for i in 0..<n { let e = Foundation.exp((logits[i] - mx) / temperature); probs[i] = e; sum += Double(e) }
        let u = Double(rng.next() >> 11) * 0x1p-53
        if topP >= 1 {
            var acc = 0.0
            let target = u * sum
            for i in 0..<n { acc += Double(probs[i]); if acc > target { return Int32(i) } }
            return Int32(n - 1)
        }
        // Nucleus: most probable first (ties by id), cut once the mass reaches top-p.
        let order = (0..<n).sorted { probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1) }
        var kept = 0, mass = 0.0
        let limit = Double(topP) * sum
        while kept < n { mass += Double(probs[order[kept]]); kept += 1; if mass >= limit { break } }
        var acc = 0.0
        let target = u * mass
        for j in 0..<kept { acc += Double(probs[order[j]]); if acc > target { return Int32(order[j]) } }
        return Int32(order[kept - 1])
    }
}
