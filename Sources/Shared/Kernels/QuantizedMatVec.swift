/// y = W·x for one activation row and a quantized W, without dequantizing W to memory: each block's codes
/// are widened in registers and multiplied with x. Q4_1 uses Σ(q·d + m)·x = d·Σq·x + m·Σx, with Σx per
/// block computed once per call.
public enum QuantizedMatVec {
    /// `blockSums`: scratch of cols/32 floats.
    public static func apply(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             rows: Range<Int>, blockSums: UnsafePointer<Float>) {
        let nb = w.cols / 32
        switch w.type {
        case .q4_1:
            for r in rows {
                let row = w.row(r)
                var acc = SIMD16<Float>()
                var macc: Float = 0
                for b in 0..<nb {
                    let blk = row + b * 20
                    let d = Float(Float16(bitPattern: blk.loadUnaligned(as: UInt16.self)))
                    let m = Float(Float16(bitPattern: blk.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
                    let q = blk.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self)
                    let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q & 0x0F))
                    let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q &>> 4))
                    let xs = UnsafeRawPointer(x + b * 32)
                    let x0 = xs.loadUnaligned(as: SIMD16<Float>.self)
                    let x1 = xs.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                    acc = acc.addingProduct(lo * x0 + hi * x1, SIMD16<Float>(repeating: d))
                    macc += m * blockSums[b]
                }
                y[r] = acc.sum() + macc
            }
        case .q4_0:
            for r in rows {
                let row = w.row(r)
                var acc = SIMD16<Float>()
                for b in 0..<nb {
                    let blk = row + b * 18
                    let d = Float(Float16(bitPattern: blk.loadUnaligned(as: UInt16.self)))
                    let q = blk.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self)
                    let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q & 0x0F) &- 8)
                    let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q &>> 4) &- 8)
                    let xs = UnsafeRawPointer(x + b * 32)
                    let x0 = xs.loadUnaligned(as: SIMD16<Float>.self)
                    let x1 = xs.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                    acc = acc.addingProduct(lo * x0 + hi * x1, SIMD16<Float>(repeating: d))
                }
                y[r] = acc.sum()
            }
        case .q8_0:
            for r in rows {
                let row = w.row(r)
                var acc = SIMD16<Float>()
                for b in 0..<nb {
                    let blk = row + b * 34
                    let d = Float(Float16(bitPattern: blk.loadUnaligned(as: UInt16.self)))
                    let q0 = blk.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)
                    let q1 = blk.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)
                    let xs = UnsafeRawPointer(x + b * 32)
                    let x0 = xs.loadUnaligned(as: SIMD16<Float>.self)
                    let x1 = xs.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                    let f0 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q0))
                    let f1 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q1))
                    acc = acc.addingProduct(f0 * x0 + f1 * x1, SIMD16<Float>(repeating: d))
                }
                y[r] = acc.sum()
            }
        case .f32, .f16, .bf16:
            let tmp = UnsafeMutablePointer<Float>.allocate(capacity: w.cols)
            defer { tmp.deallocate() }
            for r in rows {
                Dequantize.row(w.type, w.row(r), tmp, w.cols)
                var s: Float = 0
                for i in 0..<w.cols { s += tmp[i] * x[i] }
                y[r] = s
            }
        }
    }

    /// Σx over each 32-value block of x (cols/32 sums), for Q4_1's offset term.
    public static func blockSums(_ x: UnsafePointer<Float>, cols: Int, into s: UnsafeMutablePointer<Float>) {
        for b in 0..<(cols / 32) {
            let xs = UnsafeRawPointer(x + b * 32)
            s[b] = (xs.loadUnaligned(as: SIMD16<Float>.self) + xs.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)).sum()
        }
    }
}
