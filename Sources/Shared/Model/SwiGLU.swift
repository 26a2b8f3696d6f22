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
}
