import CKernels

/// A weight type's matmul kernel (C target `CKernels`, one file per type): the activation format it pairs
/// with, and the function. Every stored type but f32 has one; `GGMLType.traits` names it, as ggml's
/// type_traits table names its vec_dot and vec_dot_type.
public struct BlockKernel: @unchecked Sendable {
    public let activation: s1_act_format
    public let run: s1_kernel

    /// Kernels on Q8_0-style 32-value activation blocks, on Q8_K-style 256-value ones.
    static func q32(_ run: s1_kernel) -> BlockKernel { BlockKernel(activation: S1_ACT_Q32, run: run) }
    static func qk(_ run: s1_kernel) -> BlockKernel { BlockKernel(activation: S1_ACT_QK, run: run) }
    /// True when the integer kernels were built for AVX-512 VNNI, false on the portable C path.
    public static var vnni: Bool { s1_kernels_vnni() != 0 }
}

/// Activation rows in a kernel's format, in memory this owns: y = W·x first quantizes x here (llama.cpp's
/// Q8_0/Q8_1/Q8_K block quantization, or rounding to fp16/bf16), then every weight row is dotted with it.
public final class ActivationRows {
    public let format: s1_act_format
    public let rows: Int, cols: Int
    let memory: UnsafeMutableRawPointer
    public private(set) var act: s1_act

    public init(format: s1_act_format, rows: Int, cols: Int) {
        self.format = format
        self.rows = rows
        self.cols = cols
        memory = .allocate(byteCount: s1_act_bytes(format, Int32(rows), Int32(cols)), alignment: 64)
        act = s1_act_init(format, memory, Int32(rows), Int32(cols))
    }

    deinit { memory.deallocate() }

    /// Quantizes rows first..<first+n of x (`cols` floats per row) into the same rows here.
    public func quantize(_ x: UnsafePointer<Float>, first: Int, n: Int) {
        withUnsafePointer(to: act) { s1_act_quantize(format, $0, x, Int32(first), Int32(n)) }
    }

    /// The view of rows from `first` on, for a kernel call over a chunk of rows.
    public func from(_ first: Int) -> s1_act {
        var a = act
        let c = cols
        switch format {
        case S1_ACT_Q32:
            a.q += first * c; a.dx += first * c / 32; a.sv += first * c / 32; a.sx += first * c / 32
        case S1_ACT_QK:
            a.q += first * c; a.dk += first * c / 256; a.bs += first * c / 16
        default:
            a.f += first * c
        }
        return a
    }
}
