import CKernels

/// out[T×rows] = x[T×cols] · Wᵀ for any weight type.
/// - Stored types (quantized, fp16, bf16): the type's `BlockKernel` for decode and prefill alike. x is
///   quantized once per call (as llama.cpp does), each weight row is unpacked once per chunk of activation
///   rows, and every output is the same sequence of steps whatever else is in the batch.
/// - fp32 (`--dtype f32`, a fine-tuned checkpoint): the fp32 matvec (CKernels f32.c) for decode rows,
///   single-threaded OpenBLAS sgemm over fixed slabs of W for prefill, matching PyTorch to float rounding.
/// The rows of W are shared out over the worker pool; OpenBLAS's own threads stay off (two spinning pools
/// on two cores fight), and every split is fixed by the matrix, so results depend on neither timing nor
/// thread count.
public struct MatMul {
    /// Activation buffers, one per format and row length, grown on demand.
    var activations: [Int: ActivationRows] = [:]
    /// At or below this many activation rows the fp32 matvec beats sgemm.
    public static let matvecMaxRows = 2
    /// Activation rows per kernel call (one weight-row unpack serves them all; they stay in L1/L2).
    static let activationChunk = 32
    /// Weight rows per kernel call within a worker's share.
    static let rowChunk = 64

    public init() {}

    mutating func buffer(_ k: BlockKernel, rows: Int, cols: Int) -> ActivationRows {
        let key = Int(k.activation.rawValue) << 32 | cols
        if let a = activations[key], a.rows >= rows { return a }
        let a = ActivationRows(format: k.activation, rows: max(rows, activations[key]?.rows ?? 0), cols: cols)
        activations[key] = a
        return a
    }

    /// out[t] = W·x[t] through the type's kernel, for activation rows `rows` of x (out uses the same rows).
    mutating func kernel(_ k: BlockKernel, _ x: UnsafePointer<Float>, rows range: Range<Int>, _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        let t = range.count
        guard t > 0 else { return }
        let a = buffer(k, rows: t, cols: w.cols)
        let xs = x + range.lowerBound * w.cols
        if t <= 4 { a.quantize(xs, first: 0, n: t) } else { Parallel.forRanges(t) { r in a.quantize(xs, first: r.lowerBound, n: r.count) } }
        let o = out + range.lowerBound * w.rows, rowBytes = w.rowBytes
        Parallel.forRanges(w.rows, minPerThread: 16) { r in
            var r0 = r.lowerBound
            while r0 < r.upperBound {
                let r1 = min(r.upperBound, r0 + Self.rowChunk)
                var t0 = 0
                while t0 < t {
                    let n = min(Self.activationChunk, t - t0)
                    var view = a.from(t0)
                    k.run(w.data, rowBytes, Int32(r0), Int32(r1), Int32(w.cols), &view, Int32(n), o + t0 * w.rows, w.rows)
                    t0 += n
                }
                r0 = r1
            }
        }
    }

    /// The decode kernel for `t` independent rows (one per sequence of a batch): each row's result is the
    /// same as if it were computed alone, whatever else is in the batch.
    public mutating func applyPerRow(_ x: UnsafePointer<Float>, rows t: Int, _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        if let k = w.type.kernel { kernel(k, x, rows: 0..<t, w, out); return }
        precondition(w.type == .f32, "no kernel for \(w.type)")
        let wp = w.data.assumingMemoryBound(to: Float.self)
        Parallel.forRanges(w.rows, minPerThread: 64) { r in
            s1_f32_matvec(wp, Int32(w.cols), x, Int32(t), out, w.rows, Int32(r.lowerBound), Int32(r.upperBound))
        }
    }

    /// fp32 weights: BLAS runs faster on fewer, larger slabs: a quarter of the rows.
    static func fp32SlabRows(_ rows: Int) -> Int { max(64, (rows / 4 + 15) / 16 * 16) }

    /// Runs body(rows) over W's rows in fixed slabs of `size` rows (the last one shorter), the slabs shared
    /// out over the worker pool. BLAS sees the same slabs whatever the thread count.
    static func forEachFixedSlab(_ rows: Int, size slabRows: Int, _ body: (Range<Int>) -> Void) {
        let n = (rows + slabRows - 1) / slabRows
        let parts = min(Parallel.threads, n)
        Parallel.forRanges(parts) { pr in
            for part in pr {
                for s in (n * part / parts)..<(n * (part + 1) / parts) { body((s * slabRows)..<min(rows, (s + 1) * slabRows)) }
            }
        }
    }

    public mutating func apply(_ x: UnsafePointer<Float>, rows t: Int, _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        if t <= Self.matvecMaxRows || w.type.kernel != nil {
            applyPerRow(x, rows: t, w, out)
            return
        }
        apply(x, groups: [0..<t], w, out)
    }

    /// out[rows of g] = x[rows of g] · Wᵀ for each group g of activation rows (several prompts prefilled in
    /// one pass). fp32: one sgemm per group and slab, exactly the calls the group would get alone.
    public mutating func apply(_ x: UnsafePointer<Float>, groups: [Range<Int>], _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
        if let k = w.type.kernel {
            for g in groups { kernel(k, x, rows: g, w, out) }
            return
        }
        precondition(w.type == .f32, "no kernel for \(w.type)")
        let wp = w.data.assumingMemoryBound(to: Float.self)
        Self.forEachFixedSlab(w.rows, size: Self.fp32SlabRows(w.rows)) { r in
            for g in groups {
                BLAS.gemmNT(g.count, r.count, w.cols, x + g.lowerBound * w.cols, lda: w.cols, wp + r.lowerBound * w.cols, ldb: w.cols,
                            out + g.lowerBound * w.rows + r.lowerBound, ldc: w.rows)
            }
        }
    }
}
