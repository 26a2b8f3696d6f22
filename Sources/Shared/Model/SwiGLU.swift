import Foundation

/// The gated FFN activation: a = silu(g) · u, silu(g) = g / (1 + e^(−g)).
public enum SwiGLU {
    /// g, u, a: n values; a may alias g.
    public static func forward(_ g: UnsafePointer<Float>, _ u: UnsafePointer<Float>, _ a: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n {
            let x = g[i]
            a[i] = x / (1 + Foundation.exp(-x)) * u[i]
        }
    }

    /// Backward: with s = σ(g), silu(g) = g·s and silu'(g) = s·(1 + g·(1 − s)):
    /// du = dh·silu(g), dg = dh·u·silu'(g).
    public static func backward(_ dh: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ u: UnsafePointer<Float>,
                                _ dg: UnsafeMutablePointer<Float>, _ du: UnsafeMutablePointer<Float>, count n: Int) {
        for i in 0..<n {
            let x = g[i], s = 1 / (1 + Foundation.exp(-x))
            du[i] = dh[i] * x * s
            dg[i] = dh[i] * u[i] * s * (1 + x * (1 - s))
        }
    }
}
