import COpenBLAS

/// The OpenBLAS calls the engine uses, row-major throughout.
public enum BLAS {
    /// OpenBLAS runs single-threaded inside the engine's own worker pool (see MatMul).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// C[M×N] = A[M×K] · B[N×K]ᵀ + beta·C, with leading dimensions (row strides) given.
    @inline(__always)
    public static func gemmNT(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int,
                              _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C[M×N] = A[M×K] · B[K×N] + beta·C.
    @inline(__always)
    public static func gemmNN(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int,
                              _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C[M×N] = A[K×M]ᵀ · B[K×N] + beta·C (weight gradients: dW += dYᵀ·X).
    @inline(__always)
    public static func gemmTN(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int,
                              _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y[rows] = W[rows×cols] · x[cols].
    @inline(__always)
    public static func gemv(_ rows: Int, _ cols: Int, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(cols), 1, w, Int32(cols), x, 1, 0, y, 1)
    }
}
