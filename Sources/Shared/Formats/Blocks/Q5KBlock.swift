/// Q5_K (ggml `block_q5_K`, 176 bytes per 256 values): fp16 d, fp16 dmin, 12 bytes of scale/min pairs
/// (`KQuantScales`), 32 bytes of fifth bits, 128 bytes of nibbles laid out as Q4_K. The fifth bit of value
/// l in 64-value group g is bit 2g (low-nibble half) or 2g + 1 (high half) of qh[l]. x = d·sc·q − dmin·m.
enum Q5KBlock {
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 256, bytes: 176) { blk, out in
            var y = out
            let d = Dequantize.half(blk, 0), dmin = Dequantize.half(blk, 2)
            var u1: UInt8 = 1, u2: UInt8 = 2
            for g in 0..<4 {
                let (s1, m1) = KQuantScales.scaleMin(blk + 4, 2 * g), (s2, m2) = KQuantScales.scaleMin(blk + 4, 2 * g + 1)
                let d1 = d * s1, n1 = dmin * m1, d2 = d * s2, n2 = dmin * m2
                let ql = blk + 48 + 32 * g, qh = blk + 16
                for l in 0..<32 {
                    let h = qh.load(fromByteOffset: l, as: UInt8.self)
                    y[l] = d1 * Float((ql.load(fromByteOffset: l, as: UInt8.self) & 0x0F) + (h & u1 != 0 ? 16 : 0)) - n1
                }
                for l in 0..<32 {
                    let h = qh.load(fromByteOffset: l, as: UInt8.self)
                    y[32 + l] = d2 * Float((ql.load(fromByteOffset: l, as: UInt8.self) >> 4) + (h & u2 != 0 ? 16 : 0)) - n2
                }
                y += 64
                u1 <<= 2
                u2 <<= 2
            }
        }
    }
}
