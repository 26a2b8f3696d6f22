import Foundation

/// AdamW as PyTorch implements it (decoupled weight decay applied first; bias-corrected moments; eps added
/// to sqrt(v̂)), over the flat parameter buffer. Weight decay applies to matrices and embeddings only,
/// never to norm weights or biases (SPEC §6).
public final class AdamW {
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    public let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    public let count: Int
    public private(set) var step = 0
    /// Per parameter entry: (offset, count, decays).
    let segments: [(Int, Int, Bool)]

    public init(params: FlatParameters, beta1: Float, beta2: Float, eps: Float, weightDecay: Float) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        count = params.count
        m = .allocate(capacity: count)
        v = .allocate(capacity: count)
        m.initialize(repeating: 0, count: count)
        v.initialize(repeating: 0, count: count)
        segments = params.entries.map { ($0.offset, $0.count, $0.shape.count >= 2) }
    }

    deinit { m.deallocate(); v.deallocate() }

    /// Restores moments and the step count (resume).
    public func restore(m src: UnsafePointer<Float>, v vsrc: UnsafePointer<Float>, step: Int) {
        m.update(from: src, count: count)
        v.update(from: vsrc, count: count)
        self.step = step
    }

    public func update(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, lr: Float) {
        step += 1
        let bc1 = 1 - Foundation.pow(beta1, Float(step)), bc2 = 1 - Foundation.pow(beta2, Float(step))
        let stepSize = lr / bc1, bc2Sqrt = bc2.squareRoot()
        for (off, n, decays) in segments {
            let shrink = decays ? 1 - lr * weightDecay : 1
            for i in off..<(off + n) {
                p[i] *= shrink
                m[i] += (g[i] - m[i]) * (1 - beta1)
                v[i] = v[i] * beta2 + (1 - beta2) * g[i] * g[i]
                p[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
            }
        }
    }
}

/// The s1 learning-rate schedule (SPEC §6): linear warmup over W = ceil(ratio·T) steps from 0, then cosine
/// decay to 0; step s counts from 0.
public struct LRSchedule {
    public let peak: Double, total: Int, warmup: Int

    public init(peak: Double, totalSteps: Int, warmupRatio: Double) {
        self.peak = peak
        total = totalSteps
        warmup = Int((warmupRatio * Double(totalSteps)).rounded(.up))
    }

    public func lr(_ s: Int) -> Double {
        if s < warmup { return peak * Double(s) / Double(warmup) }
        let span = max(1, total - warmup)
        return peak * 0.5 * (1 + cos(Double.pi * Double(s - warmup) / Double(span)))
    }
}

public enum GradClip {
    /// Global L2 norm of the gradient (before clipping); scales it to `maxNorm` when above, by
    /// maxNorm / (norm + 1e-6) as PyTorch's clip_grad_norm_ does.
    @discardableResult
    public static func clip(_ g: UnsafeMutablePointer<Float>, count: Int, maxNorm: Double) -> Double {
        var s = 0.0
        for i in 0..<count { s += Double(g[i]) * Double(g[i]) }
        let norm = s.squareRoot()
        if maxNorm > 0 && norm > maxNorm {
            let scale = Float(maxNorm / (norm + 1e-6))
            for i in 0..<count { g[i] *= scale }
        }
        return norm
    }
}
