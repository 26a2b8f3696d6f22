/// y = W·x for one activation row and a quantized W, without dequantizing W to memory. As in llama.cpp,
/// x is first quantized to 8 bits per 32-value block (scale dx, codes qx, and the exact block sum Σx);
/// each weight block then costs one integer dot product, which the compiler vectorizes:
///   Q4_1: Σ(q·d + m)·x ≈ d·dx·Σq·qx + m·Σx      Q4_0: d·dx·Σ(q−8)·qx      Q8_0: d·dx·Σq·qx
/// (`--dtype f32` is the exact path; this one carries the activation rounding llama.cpp also has.)
public enum QuantizedMatVec {
    /// Activation rows quantized per 32-block: codes [n × cols], scales and sums [n × cols/32].
    public struct QuantizedRow {
        public var codes: UnsafeMutablePointer<Int8>
        public var scales: UnsafeMutablePointer<Float>
        public var sums: UnsafeMutablePointer<Float>
        public let capacity: Int

        public init(capacity cols: Int) {
            capacity = cols
            codes = .allocate(capacity: cols)
            scales = .allocate(capacity: cols / 32 + 1)
            sums = .allocate(capacity: cols / 32 + 1)
        }

        public func free() {
            codes.deallocate()
            scales.deallocate()
            sums.deallocate()
        }

        /// Quantizes row(s) of x into row slot `at` (x holds `cols` floats per row).
        public func quantize(_ x: UnsafePointer<Float>, cols: Int, at row: Int = 0) {
            let codes = self.codes + row * cols, scales = self.scales + row * (cols / 32), sums = self.sums + row * (cols / 32)
            for b in 0..<(cols / 32) {
                (scales[b], sums[b]) = QuantizedMatVec.quantizeBlock(x + b * 32, codes + b * 32)
            }
        }
    }

    /// One block of 32 activations → codes round(x/d) with d = max|x| / 127; returns d and the exact
    /// block sum Σx. Every kernel quantizes through this, so their codes agree bit for bit.
    @inline(__always)
    public static func quantizeBlock(_ xb: UnsafePointer<Float>, _ codes: UnsafeMutablePointer<Int8>) -> (scale: Float, sum: Float) {
        var amax: Float = 0, sum: Float = 0
        for j in 0..<32 { amax = max(amax, abs(xb[j])); sum += xb[j] }
        let d = amax / 127
        let inv: Float = d > 0 ? 1 / d : 0
        for j in 0..<32 { codes[j] = Int8((xb[j] * inv).rounded(.toNearestOrEven)) }
        return (d, sum)
    }

    @inline(__always) static func half(_ p: UnsafeRawPointer, _ off: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: off, as: UInt16.self)))
    }

    /// y[r] = W[r]·x for r in `rows`, x given as its 8-bit codes, block scales and block sums. The batched
    /// kernel (`BatchedQuantizedMatVec`) repeats these float steps in this order, lane by lane.
    public static func apply(_ w: WeightMatrix, codes: UnsafePointer<Int8>, scales: UnsafePointer<Float>,
                         sums: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        switch w.type {
        case .q4_1: nibbles(w, codes, scales, sums, y, rows, blockBytes: 20, codeOffset: 4, zero: 0, hasMin: true)
        case .q4_0: nibbles(w, codes, scales, sums, y, rows, blockBytes: 18, codeOffset: 2, zero: 8, hasMin: false)
        case .q8_0:
            let nb = w.cols / 32
            for r in rows {
                let row = w.row(r)
                var total: Float = 0
                for b in 0..<nb {
                    let blk = row + b * 34
                    let q = (blk + 2).assumingMemoryBound(to: Int8.self), xq = codes + b * 32
                    var isum: Int32 = 0
                    for j in 0..<32 { isum &+= Int32(q[j]) &* Int32(xq[j]) }
                    total += half(blk, 0) * scales[b] * Float(isum)
                }
                y[r] = total
            }
        default:
            preconditionFailure("QuantizedMatVec is for block-quantized weights")
        }
    }

    /// Q4_0 / Q4_1 rows: x = (q − zero)·d (+ m); byte j holds codes j (low nibble) and j + 16 (high).
    @inline(__always)
    static func nibbles(_ w: WeightMatrix, _ codes: UnsafePointer<Int8>, _ scales: UnsafePointer<Float>, _ sums: UnsafePointer<Float>,
                        _ y: UnsafeMutablePointer<Float>, _ rows: Range<Int>, blockBytes: Int, codeOffset: Int, zero: Int32, hasMin: Bool) {
        let nb = w.cols / 32
        for r in rows {
            let row = w.row(r)
            var total: Float = 0
            for b in 0..<nb {
                let blk = row + b * blockBytes
                let q = blk.assumingMemoryBound(to: UInt8.self) + codeOffset, xq = codes + b * 32
                var isum: Int32 = 0
                for j in 0..<16 {
                    isum &+= (Int32(q[j] & 0x0F) &- zero) &* Int32(xq[j]) &+ (Int32(q[j] >> 4) &- zero) &* Int32(xq[j + 16])
                }
                total += hasMin ? half(blk, 0) * scales[b] * Float(isum) + half(blk, 2) * sums[b] : half(blk, 0) * scales[b] * Float(isum)
            }
            y[r] = total
        }
    }
}
