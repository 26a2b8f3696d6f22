/// RMSNorm (Llama/Qwen2): y = x / sqrt(mean(x²) + eps) · w, per row, in fp32 like transformers.
public enum RMSNorm {
    /// x, y: [T×D]; w: [D]. y may alias x.
    public static func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                               rows: Int, dim: Int, eps: Float) {
        for t in 0..<rows {
            let xr = x + t * dim, yr = y + t * dim
            var ss: Float = 0
            for i in 0..<dim { ss += xr[i] * xr[i] }
            let inv = 1 / (ss / Float(dim) + eps).squareRoot()
            for i in 0..<dim { yr[i] = w[i] * (xr[i] * inv) }
        }
    }

    /// Backward of `forward` for rows of x [T×D]: dx += ∂L/∂x, dw += ∂L/∂w given dy [T×D].
    /// With r = 1/sqrt(mean(x²)+eps): dx = r·(dy⊙w) − r³/D · x · Σ(dy⊙w⊙x).
    public static func backward(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                _ dx: UnsafeMutablePointer<Float>, _ dw: UnsafeMutablePointer<Float>, rows: Int, dim: Int, eps: Float) {
        for t in 0..<rows {
            let xr = x + t * dim, dyr = dy + t * dim, dxr = dx + t * dim
            var ss: Float = 0
            for i in 0..<dim { ss += xr[i] * xr[i] }
            let r = 1 / (ss / Float(dim) + eps).squareRoot()
            var dot: Float = 0
            for i in 0..<dim { dot += dyr[i] * w[i] * xr[i] }
            let c = r * r * r / Float(dim) * dot
            for i in 0..<dim {
                dxr[i] += r * dyr[i] * w[i] - c * xr[i]
                dw[i] += dyr[i] * xr[i] * r
            }
        }
    }
}
