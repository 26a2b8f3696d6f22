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
}
