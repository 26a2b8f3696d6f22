import Foundation

/// Rotary position embedding in the Hugging Face layout ("rotate_half"): dimension i of a head pairs with
/// i + hd/2, rotated by position · theta^(−2i/hd). cos/sin are computed per row (hd/2 of each, shared by all
/// heads), so nothing is sized by the context length.
public struct RoPE {
    public let headDim: Int
    let inv: [Float]   // [hd/2] inverse frequencies

    public init(headDim: Int, theta: Double) {
        self.headDim = headDim
        // inv_freq as transformers computes it: in fp32, 1 / theta^(2i/hd).
        inv = (0..<headDim / 2).map { i in 1 / Float(Foundation.pow(theta, Double(2 * i) / Double(headDim))) }
    }

    /// Rotates `heads` heads of each of `rows` rows in place; row t is at position positions(t).
    /// x: [rows × stride], heads start at column 0 and are hd apart.
    /// `inverse` rotates back (by −angle): the backward pass of a rotation is its transpose.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, inverse: Bool = false, position: (Int) -> Int) {
        let half = headDim / 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * half) { cs in
            let c = cs.baseAddress!, s = c + half
            for t in 0..<rows {
                let p = Float(position(t))
                for i in 0..<half {
                    let f = p * inv[i]
                    c[i] = Float(Foundation.cos(Double(f)))
                    s[i] = Float(Foundation.sin(Double(f)))
                }
                for h in 0..<heads {
                    let v = x + t * stride + h * headDim
                    for i in 0..<half {
                        let a = v[i], b = v[i + half], si = inverse ? -s[i] : s[i]
                        v[i] = a * c[i] - b * si
                        v[i + half] = b * c[i] + a * si
                    }
                }
            }
        }
    }
}
