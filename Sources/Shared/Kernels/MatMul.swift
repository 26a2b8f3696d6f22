/// out[T×rows] = x[T×cols] · Wᵀ for any weight type: OpenBLAS for fp32 weights; for quantized ones the
/// register-level matvec when T is small (decode), else rows dequantized a slab at a time and sgemm'd
/// (prefill), so the dequantization is paid once per slab for all T rows.
public struct MatMul {
    /// Scratch big enough for one dequantized slab and the block sums.
    var slab: UnsafeMutablePointer<Float>
    var slabCapacity: Int
    var sums: UnsafeMutablePointer<Float>
    var sumsCapacity: Int
    static let slabRows = 256
    /// At or below this many activation rows the quantized matvec beats dequantize + sgemm.
    static let matvecMaxRows = 2

    public init() {
        slabCapacity = 0
        slab = .allocate(capacity: 1)
        sumsCapacity = 0
        sums = .allocate(capacity: 1)
    }

    public func free() {
        slab.deallocate()
        sums.deallocate()
    }

    mutating func ensure(slab n: Int, sums m: Int) {
        if n > slabCapacity { slab.deallocate(); slab = .allocate(capacity: n); slabCapacity = n }
        if m > sumsCapacity { sums.deallocate(); sums = .allocate(capacity: m); sumsCapacity = m }
    }

    public mutating func apply(_ x: UnsafePointer<Float>, rows t: Int, _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        if w.type == .f32 {
            let wp = w.data.assumingMemoryBound(to: Float.self)
            if t == 1 { BLAS.gemv(w.rows, w.cols, wp, x, out) } else { BLAS.gemmNT(t, w.rows, w.cols, x, lda: w.cols, wp, ldb: w.cols, out, ldc: w.rows) }
            return
        }
        if t <= Self.matvecMaxRows && w.type.isQuantized {
            ensure(slab: 0, sums: w.cols / 32 + 1)
            let sums = self.sums
            for i in 0..<t {
                let xi = x + i * w.cols, oi = out + i * w.rows
                QuantizedMatVec.blockSums(xi, cols: w.cols, into: sums)
                Parallel.forRanges(w.rows, minPerThread: 64) { r in
                    QuantizedMatVec.apply(w, xi, oi, rows: r, blockSums: UnsafePointer(sums))
                }
            }
            return
        }
        let slabRows = min(Self.slabRows, w.rows)
        ensure(slab: slabRows * w.cols, sums: 0)
        let slab = self.slab
        var r0 = 0
        while r0 < w.rows {
            let n = min(slabRows, w.rows - r0)
            Parallel.forRanges(n, minPerThread: 16) { rr in
                for r in rr { Dequantize.row(w.type, w.row(r0 + r), slab + r * w.cols, w.cols) }
            }
            BLAS.gemmNT(t, n, w.cols, x, lda: w.cols, slab, ldb: w.cols, out + r0, ldc: w.rows)
            r0 += n
        }
    }
}
