/// Q5_0 and Q5_1 (ggml `block_q5_0` / `block_q5_1`): 32 values per block, 5-bit codes split into 16 bytes of
/// nibbles (byte j: value j low, value j + 16 high) and a 32-bit mask of fifth bits (bit j for value j,
/// bit j + 16 for value j + 16).
///   Q5_0: fp16 d, u32 qh, 16 bytes; x = (q − 16)·d                     (22 bytes)
///   Q5_1: fp16 d, fp16 m, u32 qh, 16 bytes; x = q·d + m                 (24 bytes)
enum Q5Blocks {
    @inline(__always)
    static func block(_ blk: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>, codes: Int, d: Float, m: Float?) {
        let qh = blk.loadUnaligned(fromByteOffset: codes - 4, as: UInt32.self)
        for j in 0..<16 {
            let q = blk.load(fromByteOffset: codes + j, as: UInt8.self)
            let h0 = UInt8(truncatingIfNeeded: (qh >> UInt32(j)) << 4) & 0x10
            let h1 = UInt8(truncatingIfNeeded: qh >> UInt32(j + 12)) & 0x10
            let x0 = Int32((q & 0x0F) | h0), x1 = Int32((q >> 4) | h1)
            if let m {
                out[j] = Float(x0) * d + m
                out[j + 16] = Float(x1) * d + m
            } else {
                out[j] = Float(x0 - 16) * d
                out[j + 16] = Float(x1 - 16) * d
            }
        }
    }

    static func q5_0(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 32, bytes: 22) { blk, out in block(blk, out, codes: 6, d: Dequantize.half(blk, 0), m: nil) }
    }

    static func q5_1(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 32, bytes: 24) { blk, out in
            block(blk, out, codes: 8, d: Dequantize.half(blk, 0), m: Dequantize.half(blk, 2))
        }
    }
}
