/// Q6_K (ggml `block_q6_K`, 210 bytes per 256 values): 128 bytes of low nibbles, 64 bytes of 2-bit high
/// parts, 16 int8 scales (one per 16 values), fp16 d. x = d·sc·(q − 32) with q = low | high << 4. Per half
/// of 128 values: ql[l] holds values l (low) and l + 64 (high nibble), ql[l + 32] values l + 32 and l + 96;
/// qh[l] holds the high bits of l, l + 32, l + 64, l + 96 at shifts 0, 2, 4, 6.
enum Q6KBlock {
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 256, bytes: 210) { blk, out in
            let d = Dequantize.half(blk, 208)
            for h in 0..<2 {
                let ql = blk + 64 * h, qh = blk + 128 + 32 * h, sc = blk + 192 + 8 * h
                let y = out + 128 * h
                func scale(_ k: Int) -> Float { Float(sc.load(fromByteOffset: k, as: Int8.self)) }
                for l in 0..<32 {
                    let s = l / 16
                    let lo0 = ql.load(fromByteOffset: l, as: UInt8.self), lo1 = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                    let hi = qh.load(fromByteOffset: l, as: UInt8.self)
                    let q1 = Int32((lo0 & 0x0F) | ((hi >> 0) & 3) << 4) - 32
                    let q2 = Int32((lo1 & 0x0F) | ((hi >> 2) & 3) << 4) - 32
                    let q3 = Int32((lo0 >> 4) | ((hi >> 4) & 3) << 4) - 32
                    let q4 = Int32((lo1 >> 4) | ((hi >> 6) & 3) << 4) - 32
                    y[l] = d * scale(s) * Float(q1)
                    y[l + 32] = d * scale(s + 2) * Float(q2)
                    y[l + 64] = d * scale(s + 4) * Float(q3)
                    y[l + 96] = d * scale(s + 6) * Float(q4)
                }
            }
        }
    }
}
