/// The decode kernel for a batch of 2…16 activation rows (one per sequence). Activation codes are laid out
/// transposed, [block][position in block][row], so each weight code is broadcast once and multiplied with
/// all rows' codes in one vector operation; there is no per-block horizontal sum. The integer block sums
/// are exact, and each row's floating-point steps are those of `QuantizedMatVec.apply` in the same
/// order, so a row gets bit-identical results alone or in any batch.
public enum BatchedQuantizedMatVec {
    public static let lanes = 16

    /// Activation rows quantized as in `QuantizedRow`, transposed for the batched kernel.
    public struct Transposed {
        public var codes16: UnsafeMutablePointer<Int16>   // [nb][32][16]
        public var codes32: UnsafeMutablePointer<Int32>   // [nb][32][16] (Q8_0 products need 32 bits)
        public var scales: UnsafeMutablePointer<Float>    // [nb][16]
        public var sums: UnsafeMutablePointer<Float>      // [nb][16]
        public let capacity: Int                          // cols

        public init(capacity cols: Int) {
            capacity = cols
            codes16 = .allocate(capacity: cols * 16)
            codes32 = .allocate(capacity: cols * 16)
            scales = .allocate(capacity: cols / 32 * 16 + 16)
            sums = .allocate(capacity: cols / 32 * 16 + 16)
        }

        public func free() {
            codes16.deallocate(); codes32.deallocate(); scales.deallocate(); sums.deallocate()
        }

        /// Fills lanes 0..<n from rows of a `QuantizedRow` (row-major codes), zeroing the unused lanes.
        public func load(_ q: QuantizedMatVec.QuantizedRow, first: Int, n: Int, cols: Int) {
            let nb = cols / 32
            for b in 0..<nb {
                for t in 0..<BatchedQuantizedMatVec.lanes {
                    let live = t < n
                    let src = q.codes + (first + t) * cols + b * 32
                    for j in 0..<32 {
                        let c = live ? src[j] : 0
                        codes16[(b * 32 + j) * 16 + t] = Int16(c)
                        codes32[(b * 32 + j) * 16 + t] = Int32(c)
                    }
                    scales[b * 16 + t] = live ? q.scales[(first + t) * nb + b] : 0
                    sums[b * 16 + t] = live ? q.sums[(first + t) * nb + b] : 0
                }
            }
        }
    }

    /// Exact Int32 → Float for |v| < 2^22 (every block sum here): add to the bits of 1.5·2^23, subtract it.
    @inline(__always) static func float(_ v: SIMD16<Int32>) -> SIMD16<Float> {
        let magic = SIMD16<Int32>(repeating: 0x4B40_0000)
        return unsafeBitCast(v &+ magic, to: SIMD16<Float>.self) - SIMD16<Float>(repeating: 12_582_912)
    }

    @inline(__always) static func half(_ p: UnsafeRawPointer, _ off: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: off, as: UInt16.self)))
    }

    /// y[t·ldy + r] for t < n, r in rows.
    public static func apply(_ w: WeightMatrix, _ x: Transposed, n: Int, _ y: UnsafeMutablePointer<Float>, ldy: Int, rows: Range<Int>) {
        switch w.type {
        case .q4_1: nibbles(w, x, n, y, ldy, rows, blockBytes: 20, codeOffset: 4, zero: 0, hasMin: true)
        case .q4_0: nibbles(w, x, n, y, ldy, rows, blockBytes: 18, codeOffset: 2, zero: 8, hasMin: false)
        case .q8_0: bytes(w, x, n, y, ldy, rows)
        case .f32, .f16, .bf16: preconditionFailure("block-quantized weights only")
        }
    }

    /// Q4_0 / Q4_1: 16 products of |code| ≤ 15 and |x| ≤ 127 per half block stay within Int16: exact.
    @inline(__always)
    static func nibbles(_ w: WeightMatrix, _ x: Transposed, _ n: Int, _ y: UnsafeMutablePointer<Float>, _ ldy: Int,
                        _ rows: Range<Int>, blockBytes: Int, codeOffset: Int, zero: Int16, hasMin: Bool) {
        let nb = w.cols / 32
        let c16 = UnsafeRawPointer(x.codes16), sc = UnsafeRawPointer(x.scales), sm = UnsafeRawPointer(x.sums)
        for r in rows {
            let row = w.row(r)
            var tot = SIMD16<Float>()
            for b in 0..<nb {
                let blk = row + b * blockBytes
                let q = blk.assumingMemoryBound(to: UInt8.self) + codeOffset
                let xb = c16 + b * 1024
                var lo = SIMD16<Int16>(), hi = SIMD16<Int16>()
                for j in 0..<16 {
                    let c = Int16(q[j])
                    lo &+= SIMD16<Int16>(repeating: (c & 0x0F) &- zero) &* xb.loadUnaligned(fromByteOffset: j * 32, as: SIMD16<Int16>.self)
                    hi &+= SIMD16<Int16>(repeating: (c &>> 4) &- zero) &* xb.loadUnaligned(fromByteOffset: (j + 16) * 32, as: SIMD16<Int16>.self)
                }
                let isum = SIMD16<Int32>(truncatingIfNeeded: lo) &+ SIMD16<Int32>(truncatingIfNeeded: hi)
                let dx = sc.loadUnaligned(fromByteOffset: b * 64, as: SIMD16<Float>.self)
                let d = SIMD16<Float>(repeating: half(blk, 0))
                if hasMin {
                    tot += d * dx * float(isum) + SIMD16<Float>(repeating: half(blk, 2)) * sm.loadUnaligned(fromByteOffset: b * 64, as: SIMD16<Float>.self)
                } else {
                    tot += d * dx * float(isum)
                }
            }
            for t in 0..<n { y[t * ldy + r] = tot[t] }
        }
    }

    /// Q8_0: products need 32 bits.
    static func bytes(_ w: WeightMatrix, _ x: Transposed, _ n: Int, _ y: UnsafeMutablePointer<Float>, _ ldy: Int, _ rows: Range<Int>) {
        let nb = w.cols / 32
        let c32 = UnsafeRawPointer(x.codes32), sc = UnsafeRawPointer(x.scales)
        for r in rows {
            let row = w.row(r)
            var tot = SIMD16<Float>()
            for b in 0..<nb {
                let blk = row + b * 34
                let q = (blk + 2).assumingMemoryBound(to: Int8.self)
                let xb = c32 + b * 2048
                var isum = SIMD16<Int32>()
                for j in 0..<32 {
                    isum &+= SIMD16<Int32>(repeating: Int32(q[j])) &* xb.loadUnaligned(fromByteOffset: j * 64, as: SIMD16<Int32>.self)
                }
                tot += SIMD16<Float>(repeating: half(blk, 0)) * sc.loadUnaligned(fromByteOffset: b * 64, as: SIMD16<Float>.self) * float(isum)
            }
            for t in 0..<n { y[t * ldy + r] = tot[t] }
        }
    }
}
