import Foundation

/// Causal grouped-query attention over the KV cache: query head h reads KV head h / (H / KV).
public enum Attention {
    /// Attention for groups of rows: (first row, rows, start position, slot). A group's rows are at
    /// positions start..<start+rows of its slot, whose keys/values are already cached. q, out: [T × qDim].
    /// scores: one scratch of maxChunk × capacity floats per thread. (group, head) pairs run in parallel.
    public static func forward(groups: [(row: Int, rows: Int, start: Int, slot: Int)], q: UnsafePointer<Float>,
                               out: UnsafeMutablePointer<Float>, cache: KVCache, layer: Int, heads: Int,
                               scores: [UnsafeMutablePointer<Float>], widened: [UnsafeMutablePointer<Float>]) {
        let hd = cache.headDim, qDim = heads * hd, group = heads / cache.kvHeads
        let scale = 1 / Float(hd).squareRoot()
        let work = groups.count * heads
        let parts = min(work, scores.count)
        Parallel.forRanges(parts) { pr in
            for part in pr {
                let scores = scores[part]
                for item in (work * part / parts)..<(work * (part + 1) / parts) {
                    let gr = groups[item / heads], h = item % heads
                    let off = cache.offset(layer: layer, slot: gr.slot, head: h / group)
                    let kh = UnsafeRawPointer(cache.k + off * cache.width), vh = UnsafeRawPointer(cache.v + off * cache.width)
                    let p = gr.start + gr.rows
                    let qh = q + gr.row * qDim + h * hd, oh = out + gr.row * qDim + h * hd
                    let half = cache.halfPrecision
                    // The query rows of this head, rounded to fp16 with a half-precision cache.
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: half ? gr.rows * hd : 0) { buf in
                        var qx = qh, ldq = qDim
                        if half {
                            for r in 0..<gr.rows { (buf.baseAddress! + r * hd).update(from: qh + r * qDim, count: hd) }
                            roundToHalf(buf.baseAddress!, gr.rows * hd)
                            qx = UnsafePointer(buf.baseAddress!); ldq = hd
                        }
                        if gr.rows == 1 {
                            switch cache.dtype {
                            case .f32: decodeHead(qx, kh, vh, oh, positions: p, hd: hd, scale: scale, scores: scores, halfProbabilities: half, as: Float.self)
                            case .f16: decodeHead(qx, kh, vh, oh, positions: p, hd: hd, scale: scale, scores: scores, halfProbabilities: half, as: Float16.self)
                            }
                            return
                        }
                        // fp16 keys and values are widened (exactly) to fp32 for the matrix products.
                        var k32 = kh.assumingMemoryBound(to: Float.self), v32 = vh.assumingMemoryBound(to: Float.self)
                        if cache.dtype == .f16 {
                            let w = widened[part]
                            let k16 = kh.assumingMemoryBound(to: Float16.self), v16 = vh.assumingMemoryBound(to: Float16.self)
                            for i in 0..<(p * hd) { w[i] = Float(k16[i]); w[p * hd + i] = Float(v16[i]) }
                            k32 = UnsafePointer(w); v32 = UnsafePointer(w + p * hd)
                        }
                        // scores[T×P] = Q_h · K_hᵀ, then a causal softmax per row, then out_h = scores · V_h.
                        BLAS.gemmNT(gr.rows, p, hd, qx, lda: ldq, k32, ldb: hd, scores, ldc: p)
                        for r in 0..<gr.rows {
                            let row = scores + r * p
                            let visible = gr.start + r + 1
                            softmax(row, count: visible, scale: scale)
                            if half { roundToHalf(row, visible) }
                            for j in visible..<p { row[j] = 0 }
                        }
                        BLAS.gemmNN(gr.rows, hd, p, scores, lda: p, v32, ldb: hd, oh, ldc: qDim)
                    }
                }
            }
        }
    }

    /// One query row against P cached positions, keys and values stored as `E`. Dot products run 16 lanes
    /// wide when hd is a multiple of 16 (every model here), with a fixed lane order, so results depend on
    /// nothing but the row; fp16 elements are widened exactly, so both storages give the same values.
    static func decodeHead<E: KVElement>(_ q: UnsafePointer<Float>, _ k: UnsafeRawPointer, _ v: UnsafeRawPointer,
                                         _ out: UnsafeMutablePointer<Float>, positions p: Int, hd: Int, scale: Float,
                                         scores: UnsafeMutablePointer<Float>, halfProbabilities: Bool, as: E.Type) {
        guard hd % 16 == 0 else {
            return decodeHeadScalar(q, k, v, out, positions: p, hd: hd, scale: scale, scores: scores, halfProbabilities: halfProbabilities, as: E.self)
        }
        let qr = UnsafeRawPointer(q)
        for j in 0..<p {
            var acc = SIMD16<Float>()
            for i in stride(from: 0, to: hd, by: 16) {
                acc += qr.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * E.load16(k, j * hd + i)
            }
            scores[j] = acc.sum()
        }
        softmax(scores, count: p, scale: scale)
        if halfProbabilities { roundToHalf(scores, p) }
        let o = UnsafeMutableRawPointer(out)
        for i in stride(from: 0, to: hd, by: 16) {
            var acc = SIMD16<Float>()
            for j in 0..<p { acc += SIMD16<Float>(repeating: scores[j]) * E.load16(v, j * hd + i) }
            o.storeBytes(of: acc, toByteOffset: i * 4, as: SIMD16<Float>.self)
        }
    }

    static func decodeHeadScalar<E: KVElement>(_ q: UnsafePointer<Float>, _ k: UnsafeRawPointer, _ v: UnsafeRawPointer,
                                               _ out: UnsafeMutablePointer<Float>, positions p: Int, hd: Int, scale: Float,
                                               scores: UnsafeMutablePointer<Float>, halfProbabilities: Bool, as: E.Type) {
        for j in 0..<p {
            var s: Float = 0
            for i in 0..<hd { s += q[i] * E.load(k, j * hd + i) }
            scores[j] = s
        }
        softmax(scores, count: p, scale: scale)
        if halfProbabilities { roundToHalf(scores, p) }
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

    /// In place: x ← softmax(scale · x) over `count` values.
    @inline(__always) static func softmax(_ x: UnsafeMutablePointer<Float>, count n: Int, scale: Float) {
        var mx = -Float.infinity
        for j in 0..<n { x[j] *= scale; mx = max(mx, x[j]) }
        var sum: Float = 0
        for j in 0..<n { let e = Foundation.exp(x[j] - mx); x[j] = e; sum += e }
        let inv = 1 / sum
        for j in 0..<n { x[j] *= inv }
    }
}

/// An element type the KV cache stores: fp32, or fp16 widened exactly on load.
protocol KVElement {
    static func load16(_ p: UnsafeRawPointer, _ index: Int) -> SIMD16<Float>
    static func load(_ p: UnsafeRawPointer, _ index: Int) -> Float
}

extension Float: KVElement {
    @inline(__always) static func load16(_ p: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        p.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
    }
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ index: Int) -> Float { p.load(fromByteOffset: index * 4, as: Float.self) }
}

extension Float16: KVElement {
    @inline(__always) static func load16(_ p: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        SIMD16<Float>(p.loadUnaligned(fromByteOffset: index * 2, as: SIMD16<Float16>.self))
    }
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ index: Int) -> Float { Float(p.load(fromByteOffset: index * 2, as: Float16.self)) }
}
