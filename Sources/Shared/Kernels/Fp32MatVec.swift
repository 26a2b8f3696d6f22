/// y[t·ldy + r] = W[r]·x[t] for fp32 weights W [rows × cols], r in `rows`, t < n: the decode matvec for
/// fp32 checkpoints (a fine-tuned model), alone or batched. Each product is 16 lane partial sums over the
/// columns in order (fused multiply-add), a fixed tree over the lanes, then the columns past the last full
/// 16 in order: the same arithmetic whatever n, the tile or the thread, so a row's result does not depend
/// on the batch. Tiles of 4 weight rows × 4 sequences share every loaded chunk (16 accumulators).
public enum Fp32MatVec {
    static let rowTile = 4, seqTile = 4

    @inline(__always) static func treeSum(_ v: SIMD16<Float>) -> Float {
        let h8 = v.lowHalf + v.highHalf, h4 = h8.lowHalf + h8.highHalf, h2 = h4.lowHalf + h4.highHalf
        return h2[0] + h2[1]
    }

    /// The lane sums plus the columns past the last full chunk.
    @inline(__always) static func finish(_ acc: SIMD16<Float>, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, cols: Int) -> Float {
        var s = treeSum(acc)
        for c in (cols / 16 * 16)..<cols { s = s.addingProduct(w[c], x[c]) }
        return s
    }

    public static func apply(_ w: UnsafePointer<Float>, cols: Int, _ x: UnsafePointer<Float>, n: Int,
                             _ y: UnsafeMutablePointer<Float>, ldy: Int, rows: Range<Int>) {
        let chunks = cols / 16
        var r = rows.lowerBound
        while r < rows.upperBound {
            let rr = Tile4(r, last: rows.upperBound - 1)
            let wp = (w + rr[0] * cols, w + rr[1] * cols, w + rr[2] * cols, w + rr[3] * cols)
            // The four rows' chunk at byte offset o.
            @inline(__always) func weights(_ o: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
                (UnsafeRawPointer(wp.0).loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self),
                 UnsafeRawPointer(wp.1).loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self),
                 UnsafeRawPointer(wp.2).loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self),
                 UnsafeRawPointer(wp.3).loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self))
            }
            var t = 0
            while t < n {
                let tt = Tile4(t, last: n - 1)
                let xp = (x + tt[0] * cols, x + tt[1] * cols, x + tt[2] * cols, x + tt[3] * cols)
                @inline(__always) func put(_ acc: SIMD16<Float>, _ wi: UnsafePointer<Float>, _ xj: UnsafePointer<Float>, _ i: Int, _ j: Int) {
                    guard !rr.isCopy(i), !tt.isCopy(j) else { return }
                    y[tt[j] * ldy + rr[i]] = finish(acc, wi, xj, cols: cols)
                }
                if n - t == 1 {
                    // One sequence left (single-stream decode): no duplicated work.
                    var a00 = SIMD16<Float>(), a10 = SIMD16<Float>(), a20 = SIMD16<Float>(), a30 = SIMD16<Float>()
                    for c in 0..<chunks {
                        let o = c * 64
                        let (w0, w1, w2, w3) = weights(o)
                        let x0 = UnsafeRawPointer(xp.0).loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        a00 = a00.addingProduct(w0, x0)
                        a10 = a10.addingProduct(w1, x0)
                        a20 = a20.addingProduct(w2, x0)
                        a30 = a30.addingProduct(w3, x0)
                    }
                    put(a00, wp.0, xp.0, 0, 0)
                    put(a10, wp.1, xp.0, 1, 0)
                    put(a20, wp.2, xp.0, 2, 0)
                    put(a30, wp.3, xp.0, 3, 0)
                } else {
                    let xr = (UnsafeRawPointer(xp.0), UnsafeRawPointer(xp.1), UnsafeRawPointer(xp.2), UnsafeRawPointer(xp.3))
                    var a00 = SIMD16<Float>(), a01 = SIMD16<Float>(), a02 = SIMD16<Float>(), a03 = SIMD16<Float>(),
                        a10 = SIMD16<Float>(), a11 = SIMD16<Float>(), a12 = SIMD16<Float>(), a13 = SIMD16<Float>(),
                        a20 = SIMD16<Float>(), a21 = SIMD16<Float>(), a22 = SIMD16<Float>(), a23 = SIMD16<Float>(),
                        a30 = SIMD16<Float>(), a31 = SIMD16<Float>(), a32 = SIMD16<Float>(), a33 = SIMD16<Float>()
                    for c in 0..<chunks {
                        let o = c * 64
                        let (w0, w1, w2, w3) = weights(o)
                        let x0 = xr.0.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        let x1 = xr.1.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        let x2 = xr.2.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        let x3 = xr.3.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        a00 = a00.addingProduct(w0, x0); a01 = a01.addingProduct(w0, x1); a02 = a02.addingProduct(w0, x2); a03 = a03.addingProduct(w0, x3)
                        a10 = a10.addingProduct(w1, x0); a11 = a11.addingProduct(w1, x1); a12 = a12.addingProduct(w1, x2); a13 = a13.addingProduct(w1, x3)
                        a20 = a20.addingProduct(w2, x0); a21 = a21.addingProduct(w2, x1); a22 = a22.addingProduct(w2, x2); a23 = a23.addingProduct(w2, x3)
                        a30 = a30.addingProduct(w3, x0); a31 = a31.addingProduct(w3, x1); a32 = a32.addingProduct(w3, x2); a33 = a33.addingProduct(w3, x3)
                    }
                    put(a00, wp.0, xp.0, 0, 0); put(a01, wp.0, xp.1, 0, 1); put(a02, wp.0, xp.2, 0, 2); put(a03, wp.0, xp.3, 0, 3)
                    put(a10, wp.1, xp.0, 1, 0); put(a11, wp.1, xp.1, 1, 1); put(a12, wp.1, xp.2, 1, 2); put(a13, wp.1, xp.3, 1, 3)
                    put(a20, wp.2, xp.0, 2, 0); put(a21, wp.2, xp.1, 2, 1); put(a22, wp.2, xp.2, 2, 2); put(a23, wp.2, xp.3, 2, 3)
                    put(a30, wp.3, xp.0, 3, 0); put(a31, wp.3, xp.1, 3, 1); put(a32, wp.3, xp.2, 3, 2); put(a33, wp.3, xp.3, 3, 3)
                }
                t += seqTile
            }
            r += rowTile
        }
    }
}
