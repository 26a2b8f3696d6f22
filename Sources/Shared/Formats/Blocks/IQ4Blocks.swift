/// IQ4_NL and IQ4_XS (ggml `block_iq4_nl` / `block_iq4_xs`): 4-bit indices into a fixed non-linear table
/// of 16 levels, nibble order as Q4_0 (byte j: value j low, value j + 16 high).
///   IQ4_NL: fp16 d, 16 bytes per 32 values; x = d·table[q]                       (18 bytes)
///   IQ4_XS: fp16 d, u16 high scale bits, 4 bytes of low scale nibbles, 128 bytes per 256 values;
///           each 32 values have a 6-bit scale ls (biased by 32); x = d·(ls − 32)·table[q] (136 bytes)
enum IQ4Blocks {
    static let table: [Float] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    @inline(__always)
    static func group(_ qs: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ dl: Float) {
        for j in 0..<16 {
            let q = qs.load(fromByteOffset: j, as: UInt8.self)
            y[j] = dl * table[Int(q & 0x0F)]
            y[j + 16] = dl * table[Int(q >> 4)]
        }
    }

    static func nl(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 32, bytes: 18) { blk, out in group(blk + 2, out, Dequantize.half(blk, 0)) }
    }

    static func xs(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 256, bytes: 136) { blk, out in
            let d = Dequantize.half(blk, 0)
            let high = blk.loadUnaligned(fromByteOffset: 2, as: UInt16.self)
            for ib in 0..<8 {
                let low = (blk.load(fromByteOffset: 4 + ib / 2, as: UInt8.self) >> (4 * UInt8(ib % 2))) & 0x0F
                let ls = Int32(low) | Int32((high >> (2 * UInt16(ib))) & 3) << 4
                group(blk + 8 + 16 * ib, out + 32 * ib, d * Float(ls - 32))
            }
        }
    }
}
