import Foundation

/// Causal attention for training without a T×T matrix per head (FlashAttention's scheme): the forward
/// pass walks key tiles with an online softmax and keeps only each row's log-sum-exp; the backward pass
/// recomputes each tile's probabilities from it. Memory per head is one Bq×Bk tile.
/// Layouts: q, o, dq, do [T × qDim]; k, v, dk, dv [T × kvDim]; head h reads KV head h / (H / KV).
public struct TiledAttention {
    public let heads: Int, kvHeads: Int, headDim: Int
    public static let tile = 64
    let scale: Float

    public init(heads: Int, kvHeads: Int, headDim: Int) {
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        scale = 1 / Float(headDim).squareRoot()
    }

    /// o = softmax(q kᵀ · scale, causal) v; lse [H × T] = log Σ exp(scaled scores) per row.
    public func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, rows T: Int,
                        o: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>) {
        let hd = headDim, qDim = heads * hd, kvDim = kvHeads * hd, group = heads / kvHeads, B = Self.tile
        let s = UnsafeMutablePointer<Float>.allocate(capacity: B * B)
        defer { s.deallocate() }
        var mx = [Float](repeating: 0, count: B), sum = [Float](repeating: 0, count: B)
        for h in 0..<heads {
            let kv = h / group
            for q0 in stride(from: 0, to: T, by: B) {
                let nq = min(B, T - q0)
                let oh = o + q0 * qDim + h * hd
                for r in 0..<nq { for i in 0..<hd { oh[r * qDim + i] = 0 }; mx[r] = -.infinity; sum[r] = 0 }
                for k0 in stride(from: 0, through: q0 + nq - 1, by: B) {
                    let nk = min(B, T - k0)
                    BLAS.gemmNT(nq, nk, hd, q + q0 * qDim + h * hd, lda: qDim, k + k0 * kvDim + kv * hd, ldb: kvDim, s, ldc: B)
                    for r in 0..<nq {
                        let row = s + r * B, qpos = q0 + r
                        var m = mx[r]
                        for j in 0..<nk { row[j] = k0 + j <= qpos ? row[j] * scale : -.infinity; m = max(m, row[j]) }
                        // Rescale what was accumulated under the old maximum.
                        let corr = mx[r] == -.infinity ? 0 : Foundation.exp(mx[r] - m)
                        var add: Float = 0
                        for j in 0..<nk { row[j] = row[j] == -.infinity ? 0 : Foundation.exp(row[j] - m); add += row[j] }
                        sum[r] = sum[r] * corr + add
                        if corr != 1 { for i in 0..<hd { oh[r * qDim + i] *= corr } }
                        mx[r] = m
                    }
                    BLAS.gemmNN(nq, hd, nk, s, lda: B, v + k0 * kvDim + kv * hd, ldb: kvDim, oh, ldc: qDim, beta: 1)
                }
                for r in 0..<nq {
                    let inv = 1 / sum[r]
                    for i in 0..<hd { oh[r * qDim + i] *= inv }
                    lse[h * T + q0 + r] = mx[r] + Foundation.log(sum[r])
                }
            }
        }
    }

    /// Gradients of the forward pass: dq = (written), dk, dv (accumulated; zero them first).
    /// P = exp(S − lse) recomputed per tile; dS = P ⊙ (dO vᵀ − rowsum(dO ⊙ O)).
    public func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, o: UnsafePointer<Float>,
                         lse: UnsafePointer<Float>, dO: UnsafePointer<Float>, rows T: Int,
                         dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>) {
        let hd = headDim, qDim = heads * hd, kvDim = kvHeads * hd, group = heads / kvHeads, B = Self.tile
        let p = UnsafeMutablePointer<Float>.allocate(capacity: B * B)
        let dp = UnsafeMutablePointer<Float>.allocate(capacity: B * B)
        defer { p.deallocate(); dp.deallocate() }
        var delta = [Float](repeating: 0, count: T)
        for h in 0..<heads {
            let kv = h / group
            for t in 0..<T {
                var d: Float = 0
                for i in 0..<hd { d += dO[t * qDim + h * hd + i] * o[t * qDim + h * hd + i] }
                delta[t] = d
            }
            for q0 in stride(from: 0, to: T, by: B) {
                let nq = min(B, T - q0)
                let dqh = dq + q0 * qDim + h * hd
                for r in 0..<nq { for i in 0..<hd { dqh[r * qDim + i] = 0 } }
                for k0 in stride(from: 0, through: q0 + nq - 1, by: B) {
                    let nk = min(B, T - k0)
                    BLAS.gemmNT(nq, nk, hd, q + q0 * qDim + h * hd, lda: qDim, k + k0 * kvDim + kv * hd, ldb: kvDim, p, ldc: B)
                    BLAS.gemmNT(nq, nk, hd, dO + q0 * qDim + h * hd, lda: qDim, v + k0 * kvDim + kv * hd, ldb: kvDim, dp, ldc: B)
                    for r in 0..<nq {
                        let qpos = q0 + r, l = lse[h * T + qpos]
                        for j in 0..<nk {
                            if k0 + j <= qpos {
                                let pr = Foundation.exp(p[r * B + j] * scale - l)
                                p[r * B + j] = pr
                                dp[r * B + j] = pr * (dp[r * B + j] - delta[qpos]) * scale
                            } else {
                                p[r * B + j] = 0
                                dp[r * B + j] = 0
                            }
                        }
                    }
                    BLAS.gemmTN(nk, hd, nq, p, lda: B, dO + q0 * qDim + h * hd, ldb: qDim, dv + k0 * kvDim + kv * hd, ldc: kvDim, beta: 1)
                    BLAS.gemmNN(nq, hd, nk, dp, lda: B, k + k0 * kvDim + kv * hd, ldb: kvDim, dqh, ldc: qDim, beta: 1)
                    BLAS.gemmTN(nk, hd, nq, dp, lda: B, q + q0 * qDim + h * hd, ldb: qDim, dk + k0 * kvDim + kv * hd, ldc: kvDim, beta: 1)
                }
            }
        }
    }
}
