/// Q3_K (ggml `block_q3_K`, 110 bytes per 256 values): 32 bytes of high-bit masks, 64 bytes of 2-bit low
/// codes, 12 bytes packing sixteen 6-bit signed scales (biased by 32), fp16 d. x = d·(sc − 32)·(q − 4·(1 −
/// hbit)): the code is 3 bits, 4 subtracted when its mask bit is clear. Code order as Q2_K; mask bit k
/// (k = 0..<8) of byte l covers the k-th 32-value group.
enum Q3KBlock {
    /// The sixteen scales, unpacked as ggml does from the 12 bytes at `p`.
    @inline(__always)
    static func scales(_ p: UnsafeRawPointer) -> [Int8] {
        var aux = (0..<3).map { p.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self) } + [0]
        let k1: UInt32 = 0x0303_0303, k2: UInt32 = 0x0F0F_0F0F
        let tmp = aux[2]
        aux[2] = ((aux[0] >> 4) & k2) | (((tmp >> 4) & k1) << 4)
        aux[3] = ((aux[1] >> 4) & k2) | (((tmp >> 6) & k1) << 4)
        aux[0] = (aux[0] & k2) | (((tmp >> 0) & k1) << 4)
        aux[1] = (aux[1] & k2) | (((tmp >> 2) & k1) << 4)
        return aux.flatMap { w in (0..<4).map { Int8(bitPattern: UInt8(truncatingIfNeeded: w >> (8 * UInt32($0)))) } }
    }

    static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        Dequantize.blocks(src, dst, n, values: 256, bytes: 110) { blk, out in
            var y = out
            let d = Dequantize.half(blk, 108)
            let sc = scales(blk + 96)
            var qOff = 32, s = 0
            var m: UInt8 = 1
            for _ in 0..<2 {
                var shift: UInt8 = 0
                for _ in 0..<4 {
                    for half in 0..<2 {
                        let dl = d * Float(Int32(sc[s]) - 32)
                        s += 1
                        for l in 0..<16 {
                            let q = Int32((blk.load(fromByteOffset: qOff + half * 16 + l, as: UInt8.self) >> shift) & 3)
                            let h = blk.load(fromByteOffset: half * 16 + l, as: UInt8.self) & m
                            y[l] = dl * Float(q - (h != 0 ? 0 : 4))
                        }
                        y += 16
                    }
                    shift += 2
                    m <<= 1
                }
                qOff += 32
            }
        }
    }
}
