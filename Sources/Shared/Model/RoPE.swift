import Foundation

/// Rotary position embedding in the Hugging Face layout ("rotate_half"): dimension i of a head pairs with
/// i + hd/2, rotated by position · theta^(−2i/hd). cos/sin are tabulated for every position once.
public struct RoPE {
    public let headDim: Int
    public let maxPositions: Int
    let cos: [Float]   // [maxPositions × hd/2]
    let sin: [Float]

    public init(headDim: Int, theta: Double, maxPositions: Int) {
        self.headDim = headDim
        self.maxPositions = maxPositions
        let half = headDim / 2
        // inv_freq as transformers computes it: in fp32, 1 / theta^(2i/hd).
        let inv = (0..<half).map { i in 1 / Float(Foundation.pow(theta, Double(2 * i) / Double(headDim))) }
        var c = [Float](repeating: 0, count: maxPositions * half), s = c
        for p in 0..<maxPositions {
            for i in 0..<half {
                let f = Float(p) * inv[i]
                c[p * half + i] = Float(Foundation.cos(Double(f)))
                s[p * half + i] = Float(Foundation.sin(Double(f)))
            }
        }
        cos = c
        sin = s
    }

    /// Rotates `heads` heads of each of `rows` rows in place; row t is at position positions(t).
    /// x: [rows × stride], heads start at column 0 and are hd apart.
    /// `inverse` rotates back (by −angle): the backward pass of a rotation is its transpose.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, inverse: Bool = false, position: (Int) -> Int) {
        let half = headDim / 2
        cos.withUnsafeBufferPointer { cb in
            sin.withUnsafeBufferPointer { sb in
                for t in 0..<rows {
                    let p = position(t)
                    let c = cb.baseAddress! + p * half, s = sb.baseAddress! + p * half
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
}
