/// Q4_K (ggml `block_q4_K`, 144 bytes per 256 values): fp16 d, fp16 dmin, 12 bytes of 6-bit scale/min
/// pairs (`KQuantScales`), 128 bytes of nibbles. Each 64 values share 32 bytes: low nibbles are the first
/// 32 (pair 2k), high nibbles the next 32 (pair 2k + 1). x = d·sc·q − dmin·m.
enum Q4KBlock {
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 256, bytes: 144) { blk, out in
            var y = out
            let d = Dequantize.half(blk, 0), dmin = Dequantize.half(blk, 2)
            for g in 0..<4 {
                let (s1, m1) = KQuantScales.scaleMin(blk + 4, 2 * g), (s2, m2) = KQuantScales.scaleMin(blk + 4, 2 * g + 1)
                let d1 = d * s1, n1 = dmin * m1, d2 = d * s2, n2 = dmin * m2
                let q = blk + 16 + 32 * g
                for l in 0..<32 { y[l] = d1 * Float(q.load(fromByteOffset: l, as: UInt8.self) & 0x0F) - n1 }
                for l in 0..<32 { y[32 + l] = d2 * Float(q.load(fromByteOffset: l, as: UInt8.self) >> 4) - n2 }
                y += 64
            }
        }
    }
}
