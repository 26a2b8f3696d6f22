import CKernels
import Foundation

/// Causal grouped-query attention over the KV cache: query head h reads KV head h / (H / KV).
public enum Attention {
    /// Attention for groups of rows: (first row, rows, start position, slot). A group's rows are at
    /// positions start..<start+rows of its slot, whose keys/values are already cached. q, out: [T × qDim].
    /// scores: one scratch of maxChunk × capacity floats per thread.
    ///
    /// A decode row (rows == 1) is one work item per KV head: `s1_attn_decode` (CKernels/attention.c) does
    /// the KV head's query heads together, reading its keys and values once. A prefill group is one item per
    /// query head: Q·Kᵀ and P·V as matrix products, with the same vectorized softmax. Items run in parallel;
    /// each row's result depends only on that row.
    public static func forward(groups: [(row: Int, rows: Int, start: Int, slot: Int)], q: UnsafePointer<Float>,
                               out: UnsafeMutablePointer<Float>, cache: KVCache, layer: Int, heads: Int,
                               scores: [UnsafeMutablePointer<Float>], widened: [UnsafeMutablePointer<Float>]) {
        let hd = cache.headDim, qDim = heads * hd, group = heads / cache.kvHeads
        let scale = 1 / Float(hd).squareRoot()
        let half = cache.halfPrecision
        // (group index, first head, heads): a fused decode item covers a whole KV group.
        var items: [(g: Int, head: Int, count: Int)] = []
        items.reserveCapacity(groups.count * heads)
        for (i, gr) in groups.enumerated() {
            if gr.rows == 1 && hd % 16 == 0 {
                for kvh in 0..<cache.kvHeads { items.append((i, kvh * group, group)) }
            } else {
                for h in 0..<heads { items.append((i, h, 1)) }
            }
        }
        let parts = min(items.count, scores.count)
        Parallel.forRanges(parts) { pr in
            for part in pr {
                let scores = scores[part]
                for item in items[(items.count * part / parts)..<(items.count * (part + 1) / parts)] {
                    let gr = groups[item.g], h = item.head
                    let off = cache.offset(layer: layer, slot: gr.slot, head: h / group)
                    let kh = UnsafeRawPointer(cache.k + off), vh = UnsafeRawPointer(cache.v + off)
                    let p = gr.start + gr.rows
                    let qh = q + gr.row * qDim + h * hd, oh = out + gr.row * qDim + h * hd
                    if gr.rows == 1 {
                        if hd % 16 == 0 {
                            s1_attn_decode(qh, kh, vh, cache.dtype.kernelType, Int32(p), Int32(hd), Int32(item.count), scale, half ? 1 : 0, scores, oh)
                        } else {
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: hd) { qx in
                                qx.baseAddress!.update(from: qh, count: hd)
                                if half { roundToHalf(qx.baseAddress!, hd) }
                                switch cache.dtype {
                                case .f32: decodeHeadScalar(qx.baseAddress!, kh, vh, oh, positions: p, hd: hd, scale: scale, scores: scores, halfProbabilities: half, as: Float.self)
                                case .f16: decodeHeadScalar(qx.baseAddress!, kh, vh, oh, positions: p, hd: hd, scale: scale, scores: scores, halfProbabilities: half, as: Float16.self)
                                case .q8_0: preconditionFailure("a Q8_0 cache has a head size that is a multiple of 32")
                                }
                            }
                        }
                        continue
                    }
                    // The query rows of this head, rounded to fp16 with a half-precision cache.
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: half ? gr.rows * hd : 0) { buf in
                        var qx = qh, ldq = qDim
                        if half {
                            for r in 0..<gr.rows { (buf.baseAddress! + r * hd).update(from: qh + r * qDim, count: hd) }
                            roundToHalf(buf.baseAddress!, gr.rows * hd)
                            qx = UnsafePointer(buf.baseAddress!); ldq = hd
                        }
                        // fp16 and Q8_0 keys and values are widened to fp32 (exactly) for the matrix products.
                        var k32 = kh.assumingMemoryBound(to: Float.self), v32 = vh.assumingMemoryBound(to: Float.self)
                        if cache.dtype != .f32 {
                            let w = widened[part]
                            if cache.dtype == .f16 {
                                let k16 = kh.assumingMemoryBound(to: Float16.self), v16 = vh.assumingMemoryBound(to: Float16.self)
                                for i in 0..<(p * hd) { w[i] = Float(k16[i]); w[p * hd + i] = Float(v16[i]) }
                            } else {
                                Dequantize.q8_0(kh, w, p * hd)
                                Dequantize.q8_0(vh, w + p * hd, p * hd)
                            }
                            k32 = UnsafePointer(w); v32 = UnsafePointer(w + p * hd)
                        }
                        // scores[T×P] = Q_h · K_hᵀ, then a causal softmax per row, then out_h = scores · V_h.
                        BLAS.gemmNT(gr.rows, p, hd, qx, lda: ldq, k32, ldb: hd, scores, ldc: p)
                        for r in 0..<gr.rows {
                            let row = scores + r * p
                            let visible = gr.start + r + 1
                            for j in 0..<visible { row[j] *= scale }
                            s1_softmax(row, Int32(visible), half ? 1 : 0)
                            for j in visible..<p { row[j] = 0 }
                        }
                        BLAS.gemmNN(gr.rows, hd, p, scores, lda: p, v32, ldb: hd, oh, ldc: qDim)
                    }
                }
            }
        }
    }

    /// One query row of one head, for head sizes not a multiple of 16 (no model here has one).
    static func decodeHeadScalar<E: KVElement>(_ q: UnsafePointer<Float>, _ k: UnsafeRawPointer, _ v: UnsafeRawPointer,
                                               _ out: UnsafeMutablePointer<Float>, positions p: Int, hd: Int, scale: Float,
                                               scores: UnsafeMutablePointer<Float>, halfProbabilities: Bool, as: E.Type) {
        for j in 0..<p {
            var s: Float = 0
            for i in 0..<hd { s += q[i] * E.load(k, j * hd + i) }
            scores[j] = s * scale
        }
        s1_softmax(scores, Int32(p), halfProbabilities ? 1 : 0)
        for i in 0..<hd { out[i] = 0 }
        for j in 0..<p {
            let w = scores[j]
            for i in 0..<hd { out[i] += w * E.load(v, j * hd + i) }
        }
    }

    /// In place: x ← fp16(x) (round to nearest even), as llama.cpp's F16 products see their operands.
    @inline(__always) static func roundToHalf(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        for j in 0..<n { x[j] = Float(Float16(x[j])) }
    }
}

/// An element type the KV cache stores: fp32, or fp16 widened exactly on load.
protocol KVElement {
    static func load(_ p: UnsafeRawPointer, _ index: Int) -> Float
}

extension Float: KVElement {
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ index: Int) -> Float { p.load(fromByteOffset: index * 4, as: Float.self) }
}

extension Float16: KVElement {
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ index: Int) -> Float { Float(p.load(fromByteOffset: index * 2, as: Float16.self)) }
}
