import CKernels

/// Tensor element types of GGUF files this project reads, with ggml's numbering. Each type's block layout
/// and dequantizer live in one entry of `traits` (as ggml's type_traits table): a block of `blockSize`
/// values takes `blockBytes` bytes, and adding a type is one file under `Blocks/` plus one table entry.
public enum GGMLType: UInt32, CustomStringConvertible, CaseIterable, Sendable {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case iq4_nl = 20
    case iq4_xs = 23
    case bf16 = 30

    /// What the engine needs to know of a block type.
    public struct Traits: Sendable {
        public let name: String
        public let blockSize: Int
        public let blockBytes: Int
        /// `n` values (a multiple of blockSize) at src into dst.
        public let dequantize: @Sendable (UnsafeRawPointer, UnsafeMutablePointer<Float>, Int) -> Void
        /// The other way, for the types this project writes (GGUF export); nil for the others.
        public var quantize: (@Sendable (UnsafePointer<Float>, UnsafeMutableRawPointer, Int) -> Void)? = nil
        /// The matmul kernel and its activation format (nil for f32, which has its own fp32 paths).
        public var kernel: BlockKernel? = nil
    }

    public var traits: Traits {
        switch self {
        case .f32: return Traits(name: "F32", blockSize: 1, blockBytes: 4, dequantize: { s, d, n in d.update(from: s.assumingMemoryBound(to: Float.self), count: n) },
                                 quantize: { s, d, n in d.copyMemory(from: s, byteCount: 4 * n) })
        case .f16: return Traits(name: "F16", blockSize: 1, blockBytes: 2, dequantize: Dequantize.f16, quantize: Quantize.f16,
                                   kernel: BlockKernel(activation: S1_ACT_F16, run: s1_kernel_f16))
        case .bf16: return Traits(name: "BF16", blockSize: 1, blockBytes: 2, dequantize: Dequantize.bf16, quantize: Quantize.bf16,
                                   kernel: BlockKernel(activation: S1_ACT_BF16, run: s1_kernel_bf16))
        case .q4_0: return Traits(name: "Q4_0", blockSize: 32, blockBytes: 18, dequantize: Dequantize.q4_0, quantize: Quantize.q4_0,
                                   kernel: .q32(s1_kernel_q4_0))
        case .q4_1: return Traits(name: "Q4_1", blockSize: 32, blockBytes: 20, dequantize: Dequantize.q4_1, quantize: Quantize.q4_1,
                                   kernel: .q32(s1_kernel_q4_1))
        case .q8_0: return Traits(name: "Q8_0", blockSize: 32, blockBytes: 34, dequantize: Dequantize.q8_0, quantize: Quantize.q8_0,
                                   kernel: .q32(s1_kernel_q8_0))
        case .q5_0: return Traits(name: "Q5_0", blockSize: 32, blockBytes: 22, dequantize: Q5Blocks.q5_0,
                                   kernel: .q32(s1_kernel_q5_0))
        case .q5_1: return Traits(name: "Q5_1", blockSize: 32, blockBytes: 24, dequantize: Q5Blocks.q5_1,
                                   kernel: .q32(s1_kernel_q5_1))
        case .q2_K: return Traits(name: "Q2_K", blockSize: 256, blockBytes: 84, dequantize: Q2KBlock.dequantize,
                                   kernel: .qk(s1_kernel_q2_k))
        case .q3_K: return Traits(name: "Q3_K", blockSize: 256, blockBytes: 110, dequantize: Q3KBlock.dequantize,
                                   kernel: .qk(s1_kernel_q3_k))
        case .q4_K: return Traits(name: "Q4_K", blockSize: 256, blockBytes: 144, dequantize: Q4KBlock.dequantize,
                                   kernel: .qk(s1_kernel_q4_k))
        case .q5_K: return Traits(name: "Q5_K", blockSize: 256, blockBytes: 176, dequantize: Q5KBlock.dequantize,
                                   kernel: .qk(s1_kernel_q5_k))
        case .q6_K: return Traits(name: "Q6_K", blockSize: 256, blockBytes: 210, dequantize: Q6KBlock.dequantize,
                                   kernel: .qk(s1_kernel_q6_k))
        case .iq4_nl: return Traits(name: "IQ4_NL", blockSize: 32, blockBytes: 18, dequantize: IQ4Blocks.nl,
                                   kernel: .q32(s1_kernel_iq4_nl))
        case .iq4_xs: return Traits(name: "IQ4_XS", blockSize: 256, blockBytes: 136, dequantize: IQ4Blocks.xs,
                                   kernel: .qk(s1_kernel_iq4_xs))
        }
    }

    /// Values per block.
    public var blockSize: Int { traits.blockSize }
    public var blockBytes: Int { traits.blockBytes }
    public var isQuantized: Bool { blockSize > 1 }
    public var quantize: ((UnsafePointer<Float>, UnsafeMutableRawPointer, Int) -> Void)? { traits.quantize }
    public var kernel: BlockKernel? { traits.kernel }

    /// Bytes of a row of `n` values (n must be a multiple of the block size).
    public func rowBytes(_ n: Int) -> Int { n / blockSize * blockBytes }

    public var description: String { traits.name }

    /// The names of the types read, for error messages.
    public static var supportedNames: String { allCases.map(\.description).joined(separator: ", ") }

    /// ggml's names for types this reader does not support, for error messages.
    static func name(of raw: UInt32) -> String {
        let names: [UInt32: String] = [9: "Q8_1", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S",
                                       21: "IQ3_S", 22: "IQ2_S", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64",
                                       29: "IQ1_M", 34: "TQ1_0", 35: "TQ2_0"]
        return names[raw] ?? "type \(raw)"
    }
}

/// Turns stored rows into Float32, exactly as ggml defines each block (`dequantize_row_*`).
public enum Dequantize {
    @inline(__always) static func half(_ p: UnsafeRawPointer, _ off: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: off, as: UInt16.self)))
    }

    /// Calls body(block, out) for each block of a row: `values` per block, `bytes` per block.
    @inline(__always)
    static func blocks(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int, values: Int, bytes: Int,
                       _ body: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void) {
        for b in 0..<(n / values) { body(src + b * bytes, dst + b * values) }
    }

    /// `n` values of type `type` at `src` into `dst`.
    public static func row(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        type.traits.dequantize(src, dst, n)
    }

    static func f16(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = half(src, 2 * i) }
    }

    static func bf16(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { dst[i] = Float(bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
    }

    /// x = (q - 8) * d; byte j holds value j (low nibble) and value j + 16 (high nibble).
    static func q4_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for b in 0..<(n / 32) {
            let blk = src + b * 18, out = dst + b * 32
            let d = half(blk, 0)
            for j in 0..<16 {
                let q = blk.load(fromByteOffset: 2 + j, as: UInt8.self)
                out[j] = Float(Int(q & 0x0F) - 8) * d
                out[j + 16] = Float(Int(q >> 4) - 8) * d
            }
        }
    }

    /// x = q * d + m, same nibble order as Q4_0.
    static func q4_1(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for b in 0..<(n / 32) {
            let blk = src + b * 20, out = dst + b * 32
            let d = half(blk, 0), m = half(blk, 2)
            for j in 0..<16 {
                let q = blk.load(fromByteOffset: 4 + j, as: UInt8.self)
                out[j] = Float(q & 0x0F) * d + m
                out[j + 16] = Float(q >> 4) * d + m
            }
        }
    }

    static func q8_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        for b in 0..<(n / 32) {
            let blk = src + b * 34, out = dst + b * 32
            let d = half(blk, 0)
            for j in 0..<32 { out[j] = Float(blk.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
        }
    }
}

/// Float32 rows into stored types, exactly as ggml does (`quantize_row_*_ref`, its fp16/bf16 conversions).
public enum Quantize {
    static func f16(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, _ n: Int) {
        for i in 0..<n { dst.storeBytes(of: Float16(src[i]).bitPattern, toByteOffset: 2 * i, as: UInt16.self) }
    }

    /// ggml_compute_fp32_to_bf16: round to nearest even; NaN kept quiet.
    static func bf16(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, _ n: Int) {
        for i in 0..<n {
            let u = src[i].bitPattern
            let h: UInt16 = (u & 0x7FFF_FFFF) > 0x7F80_0000 ? UInt16(truncatingIfNeeded: (u >> 16) | 64)
                : UInt16(truncatingIfNeeded: (u &+ (0x7FFF &+ ((u >> 16) & 1))) >> 16)
            dst.storeBytes(of: h, toByteOffset: 2 * i, as: UInt16.self)
        }
    }

    /// A quantized code: v truncated (q4) or already rounded (q8) into lo…hi. A NaN (a non-finite weight, or
    /// ∞ · 0 when a block holds ±∞) gives `nan`, the code of 0 where there is one, instead of trapping.
    @inline(__always) static func code(_ v: Float, _ lo: Float, _ hi: Float, nan: Int) -> Int {
        v.isNaN ? nan : Int(Swift.max(lo, Swift.min(hi, v)))
    }

    /// Q4_0: d = (the value of largest magnitude) / −8, q = min(15, trunc(x/d + 8.5)); nibbles as the
    /// dequantizer reads them.
    static func q4_0(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, _ n: Int) {
        for b in 0..<(n / 32) {
            let x = src + 32 * b, blk = dst + 18 * b
            var amax: Float = 0, mx: Float = 0
            for j in 0..<32 where abs(x[j]) > amax { amax = abs(x[j]); mx = x[j] }
            let d = mx / -8
            let id: Float = d != 0 ? 1 / d : 0
            blk.storeBytes(of: Float16(d).bitPattern, toByteOffset: 0, as: UInt16.self)
            for j in 0..<16 {
                let q0 = UInt8(code(x[j] * id + 8.5, 0, 15, nan: 8)), q1 = UInt8(code(x[j + 16] * id + 8.5, 0, 15, nan: 8))
                blk.storeBytes(of: q0 | q1 << 4, toByteOffset: 2 + j, as: UInt8.self)
            }
        }
    }

    /// Q4_1: d = (max − min) / 15, m = min, q = min(15, trunc((x − m)/d + 0.5)).
    static func q4_1(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, _ n: Int) {
        for b in 0..<(n / 32) {
            let x = src + 32 * b, blk = dst + 20 * b
            var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
            for j in 0..<32 { lo = min(lo, x[j]); hi = max(hi, x[j]) }
            let d = (hi - lo) / 15
            let id: Float = d != 0 ? 1 / d : 0
            blk.storeBytes(of: Float16(d).bitPattern, toByteOffset: 0, as: UInt16.self)
            blk.storeBytes(of: Float16(lo).bitPattern, toByteOffset: 2, as: UInt16.self)
            for j in 0..<16 {
                let q0 = UInt8(code((x[j] - lo) * id + 0.5, 0, 15, nan: 0)), q1 = UInt8(code((x[j + 16] - lo) * id + 0.5, 0, 15, nan: 0))
                blk.storeBytes(of: q0 | q1 << 4, toByteOffset: 4 + j, as: UInt8.self)
            }
        }
    }

    /// Q8_0: d = max|x| / 127, q = round(x / d) (half away from zero), d stored as fp16.
    static func q8_0(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, _ n: Int) {
        for b in 0..<(n / 32) {
            let x = src + 32 * b, blk = dst + 34 * b
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            blk.storeBytes(of: Float16(d).bitPattern, toByteOffset: 0, as: UInt16.self)
            for j in 0..<32 { blk.storeBytes(of: Int8(code((x[j] * id).rounded(.toNearestOrAwayFromZero), -127, 127, nan: 0)), toByteOffset: 2 + j, as: Int8.self) }
        }
    }
}
