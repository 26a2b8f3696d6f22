/// Q2_K (ggml `block_q2_K`, 84 bytes per 256 values): 16 bytes of 4-bit scale/min pairs (low nibble scale,
/// high nibble min, one pair per 16 values), 64 bytes of 2-bit codes, fp16 d and fp16 dmin.
/// x = d·sc·q − dmin·m. Codes: for each half of 128 values, byte l of the 32 holds values l, l+32, l+64,
/// l+96 at bit shifts 0, 2, 4, 6 (each group of 32 in two scale groups of 16).
enum Q2KBlock {
    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 256, bytes: 84) { blk, out in
            var y = out
            let d = Dequantize.half(blk, 80), dmin = Dequantize.half(blk, 82)
            var qOff = 16, s = 0
            for _ in 0..<2 {
                var shift: UInt8 = 0
                for _ in 0..<4 {
                    for half in 0..<2 {
                        let sc = blk.load(fromByteOffset: s, as: UInt8.self)
                        s += 1
                        let dl = d * Float(sc & 0x0F), ml = dmin * Float(sc >> 4)
                        for l in 0..<16 {
                            let q = (blk.load(fromByteOffset: qOff + half * 16 + l, as: UInt8.self) >> shift) & 3
                            y[l] = dl * Float(q) - ml
                        }
                        y += 16
                    }
                    shift += 2
                }
                qOff += 32
            }
        }
    }
}
