/// Tensor element types of GGUF files this project reads, with ggml's numbering and block layouts.
/// A quantized row of n values is n/32 blocks; each block has one or two fp16 scales and 32 codes.
public enum GGMLType: UInt32, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q8_0 = 8
    case bf16 = 30

    /// Values per block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: return 1
        case .q4_0, .q4_1, .q8_0: return 32
        }
    }

    /// Bytes per block: Q4_0 = fp16 d + 16 bytes of nibbles; Q4_1 = fp16 d, fp16 m + 16 bytes;
    /// Q8_0 = fp16 d + 32 int8.
    public var blockBytes: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .q4_0: return 18
        case .q4_1: return 20
        case .q8_0: return 34
        }
    }

    public var isQuantized: Bool { blockSize > 1 }

    /// Bytes of a row of `n` values (n must be a multiple of the block size).
    public func rowBytes(_ n: Int) -> Int { n / blockSize * blockBytes }

    public var description: String {
        switch self {
        case .f32: return "F32"
        case .f16: return "F16"
        case .bf16: return "BF16"
        case .q4_0: return "Q4_0"
        case .q4_1: return "Q4_1"
        case .q8_0: return "Q8_0"
        }
    }

    /// ggml's names for types this reader does not support, for error messages.
    static func name(of raw: UInt32) -> String {
        let names: [UInt32: String] = [6: "Q5_0", 7: "Q5_1", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K", 12: "Q4_K",
                                       13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS", 24: "I8", 25: "I16",
                                       26: "I32", 27: "I64", 28: "F64"]
        return names[raw] ?? "type \(raw)"
    }
}

/// Turns stored rows into Float32, exactly as ggml defines each block (`dequantize_row_*`).
public enum Dequantize {
    @inline(__always) static func half(_ p: UnsafeRawPointer, _ off: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: off, as: UInt16.self)))
    }

    /// `n` values of type `type` at `src` into `dst`.
    public static func row(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        switch type {
        case .f32:
            dst.update(from: src.assumingMemoryBound(to: Float.self), count: n)
        case .f16:
            for i in 0..<n { dst[i] = half(src, 2 * i) }
        case .bf16:
            for i in 0..<n { dst[i] = Float(bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
        case .q4_0:
            // x = (q - 8) * d; byte j holds value j (low nibble) and value j + 16 (high nibble).
            for b in 0..<(n / 32) {
                let blk = src + b * 18, out = dst + b * 32
                let d = half(blk, 0)
                for j in 0..<16 {
                    let q = blk.load(fromByteOffset: 2 + j, as: UInt8.self)
                    out[j] = Float(Int(q & 0x0F) - 8) * d
                    out[j + 16] = Float(Int(q >> 4) - 8) * d
                }
            }
        case .q4_1:
            // x = q * d + m, same nibble order as Q4_0.
            for b in 0..<(n / 32) {
                let blk = src + b * 20, out = dst + b * 32
                let d = half(blk, 0), m = half(blk, 2)
                for j in 0..<16 {
                    let q = blk.load(fromByteOffset: 4 + j, as: UInt8.self)
                    out[j] = Float(q & 0x0F) * d + m
                    out[j + 16] = Float(q >> 4) * d + m
                }
            }
        case .q8_0:
            for b in 0..<(n / 32) {
                let blk = src + b * 34, out = dst + b * 32
                let d = half(blk, 0)
                for j in 0..<32 { out[j] = Float(blk.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
            }
        }
    }
}
