/// out[T×rows] = x[T×cols] · Wᵀ for any weight type. Decode rows (one per sequence) go through our own
/// kernels (quantized: 8-bit activation matvec, batched up to 16 sequences; fp32: `Fp32MatVec`); prefill
/// rows through single-threaded OpenBLAS sgemm over fixed slabs of W (quantized slabs dequantized once
/// for all rows). The rows of W are shared out over the worker pool; OpenBLAS's own threads stay off (two
/// spinning pools on two cores fight), and every split is fixed by the matrix, so results depend on
/// neither timing nor thread count.
public struct MatMul {
    /// One dequantization slab per worker share.
    var slabs: [UnsafeMutablePointer<Float>] = []
    var slabFloats = 0
    var qx: QuantizedMatVec.QuantizedRow
    var qt: BatchedQuantizedMatVec.Transposed
    static let slabRows = 64
    /// At or below this many activation rows the quantized matvec beats dequantize + sgemm.
    static let matvecMaxRows = 2
    /// Up to this many rows one matvec per row beats the 16-lane batched kernel, whose cost does not
    /// shrink with the rows it carries (SmolLM2, 2 threads: ~5 ms per row and step against ~27 ms).
    static let perRowMaxRows = 4

    public init() {
        qx = QuantizedMatVec.QuantizedRow(capacity: 32)
        qt = BatchedQuantizedMatVec.Transposed(capacity: 32)
    }

    public func free() {
        for s in slabs { s.deallocate() }
        qx.free()
        qt.free()
    }

    mutating func ensure(slab n: Int, activations m: Int) {
        if n > slabFloats || slabs.count < Parallel.threads {
            for s in slabs { s.deallocate() }
            slabFloats = max(n, slabFloats)
            slabs = (0..<Parallel.threads).map { _ in .allocate(capacity: max(slabFloats, 1)) }
        }
        if m > qx.capacity { qx.free(); qx = QuantizedMatVec.QuantizedRow(capacity: m) }
    }

    /// The decode kernel for `t` independent rows (one per sequence of a batch): each row's result is the
    /// same as if it were computed alone, whatever else is in the batch. Quantized weights: the 8-bit
    /// activation matvec over all rows at once; fp32: `Fp32MatVec`; fp16/bf16: a gemv per row.
    public mutating func applyPerRow(_ x: UnsafePointer<Float>, rows t: Int, _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        if w.type.hasInt8Kernel {
            if t <= Self.perRowMaxRows {
                ensure(slab: 0, activations: t * w.cols)
                let qx = self.qx, nb = w.cols / 32
                for i in 0..<t { qx.quantize(x + i * w.cols, cols: w.cols, at: i) }
                Parallel.forRanges(w.rows, minPerThread: 64) { r in
                    for i in 0..<t {
                        QuantizedMatVec.apply(w, codes: qx.codes + i * w.cols, scales: qx.scales + i * nb, sums: qx.sums + i * nb,
                                              out + i * w.rows, rows: r)
                    }
                }
                return
            }
            if w.cols > qt.capacity { qt.free(); qt = BatchedQuantizedMatVec.Transposed(capacity: w.cols) }
            let qt = self.qt
            var first = 0
            while first < t {
                let n = min(BatchedQuantizedMatVec.lanes, t - first)
                Parallel.forRanges(w.cols / 32) { blocks in qt.fill(x, first: first, n: n, cols: w.cols, blocks: blocks) }
                let o = out + first * w.rows
                Parallel.forRanges(w.rows, minPerThread: 64) { r in BatchedQuantizedMatVec.apply(w, qt, n: n, o, ldy: w.rows, rows: r) }
                first += n
            }
            return
        }
        if w.type == .f32 {
            let wp = w.data.assumingMemoryBound(to: Float.self)
            Parallel.forRanges(w.rows, minPerThread: 64) { r in Fp32MatVec.apply(wp, cols: w.cols, x, n: t, out, ldy: w.rows, rows: r) }
            return
        }
        // fp16/bf16 weights: dequantized slabs, then a gemv per activation row.
        forEachSlab(w) { slab, r0, n in
            for i in 0..<t { BLAS.gemv(n, w.cols, slab, x + i * w.cols, out + i * w.rows + r0) }
        }
    }

    /// fp32 weights need no scratch, and BLAS runs faster on fewer, larger slabs: a quarter of the rows.
    static func fp32SlabRows(_ rows: Int) -> Int { max(slabRows, (rows / 4 + 15) / 16 * 16) }

    /// Runs body(part, rows) over W's rows in fixed slabs of `size` rows (the last one shorter), the slabs
    /// shared out over the worker pool; `part` (< Parallel.threads) names the worker's scratch. BLAS sees
    /// the same slabs whatever the thread count, so results do not depend on it.
    static func forEachFixedSlab(_ rows: Int, size slabRows: Int = slabRows, _ body: (Int, Range<Int>) -> Void) {
        let n = (rows + slabRows - 1) / slabRows
        let parts = min(Parallel.threads, n)
        Parallel.forRanges(parts) { pr in
            for part in pr {
                for s in (n * part / parts)..<(n * (part + 1) / parts) {
                    body(part, (s * slabRows)..<min(rows, (s + 1) * slabRows))
                }
            }
        }
    }

    /// Dequantizes W a slab of rows at a time (each worker with its own scratch) and hands each slab
    /// over: body(slab [n × cols], first row, n).
    mutating func forEachSlab(_ w: WeightMatrix, _ body: (UnsafeMutablePointer<Float>, Int, Int) -> Void) {
        ensure(slab: Self.slabRows * w.cols, activations: 0)
        let slabs = self.slabs
        Self.forEachFixedSlab(w.rows) { part, r in
            for i in r { Dequantize.row(w.type, w.row(i), slabs[part] + (i - r.lowerBound) * w.cols, w.cols) }
            body(slabs[part], r.lowerBound, r.count)
        }
    }

    public mutating func apply(_ x: UnsafePointer<Float>, rows t: Int, _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        if t <= Self.matvecMaxRows {
            applyPerRow(x, rows: t, w, out)
            return
        }
        apply(x, groups: [0..<t], w, out)
    }

    /// out[rows of g] = x[rows of g] · Wᵀ for each group g of activation rows (several prompts prefilled in
    /// one pass): one sgemm per group and slab, exactly the calls the group would get alone, but each slab
    /// of quantized W is dequantized once for all groups.
    public mutating func apply(_ x: UnsafePointer<Float>, groups: [Range<Int>], _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        // out[g, r0..<r0+n] = x[g] · slab[n × cols]ᵀ for every group g.
        func gemms(_ slab: UnsafePointer<Float>, _ r0: Int, _ n: Int) {
            for g in groups {
                BLAS.gemmNT(g.count, n, w.cols, x + g.lowerBound * w.cols, lda: w.cols, slab, ldb: w.cols, out + g.lowerBound * w.rows + r0, ldc: w.rows)
            }
        }
        if w.type == .f32 {
            let wp = w.data.assumingMemoryBound(to: Float.self)
            Self.forEachFixedSlab(w.rows, size: Self.fp32SlabRows(w.rows)) { _, r in gemms(wp + r.lowerBound * w.cols, r.lowerBound, r.count) }
            return
        }
        forEachSlab(w) { slab, r0, n in gemms(slab, r0, n) }
    }
}
