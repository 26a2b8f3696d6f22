import Synchronization

/// The decode kernel for a batch of 5…16 activation rows (one per sequence; fewer take the single-row
/// kernel once per row), as a small GEMM:
/// Y[t, r] = Σ_b scale(r, b, t) · Σ_j W[r, b·32 + j] · X[t, b·32 + j] with integer inner sums.
///
/// Lanes run over sequences, so no per-block horizontal sum is needed. Codes go two positions per 32-bit
/// lane as Int16 pairs (16 sequences × 2 positions = one 512-bit vector). For each weight block, four
/// weight rows are first unpacked to code pairs in a small scratch buffer; the inner loop then broadcasts
/// them from memory (a plain load) against one activation vector that serves all four rows. Q8_0 codes
/// are split as q = 16·h + l (l = low nibble, h = signed high nibble) so their products fit Int16 too.
/// The integer block sums are exact, and each output's floating-point steps are those of
/// `QuantizedMatVec.apply` in the same order, so a row gets bit-identical results alone or in any batch.
public enum BatchedQuantizedMatVec {
    public static let lanes = 16
    /// Weight rows sharing one pass over the activations.
    static let rowTile = 4

    /// Position of the first code of pair slot s (0..<16) in its block: the order in which the unpackers
    /// write pairs. Slot 4g + m holds positions p, p+1 with p = 16·(g/2) + 4m + 2·(g%2).
    @inline(__always) static func pairStart(_ s: Int) -> Int {
        let g = s / 4, m = s % 4
        return 16 * (g / 2) + 4 * m + 2 * (g % 2)
    }

    /// Activation rows quantized as in `QuantizedRow` (same codes, scales, sums), laid out for the batched kernel.
    public struct Transposed {
        public var pairs: UnsafeMutablePointer<UInt32>    // [nb][16 slots][16 sequences] (two Int16 codes)
        public var scales: UnsafeMutablePointer<Float>    // [nb][16]
        public var sums: UnsafeMutablePointer<Float>      // [nb][16]
        public let capacity: Int                          // cols

        public init(capacity cols: Int) {
            capacity = cols
            pairs = .allocate(capacity: cols / 2 * 16)
            scales = .allocate(capacity: cols / 32 * 16 + 16)
            sums = .allocate(capacity: cols / 32 * 16 + 16)
        }

        public func free() {
            pairs.deallocate(); scales.deallocate(); sums.deallocate()
        }

        /// Quantizes blocks `blocks` of activation rows first..<first+n of x (`cols` floats per row) into
        /// lanes 0..<n, zeroing the unused lanes. Blocks are independent, so workers can share them out.
        public func fill(_ x: UnsafePointer<Float>, first: Int, n: Int, cols: Int, blocks: Range<Int>) {
            let lanes = BatchedQuantizedMatVec.lanes
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 32) { buf in
                let codes = buf.baseAddress!
                for b in blocks {
                    let dst = pairs + b * 16 * lanes
                    for t in 0..<lanes {
                        guard t < n else {
                            for s in 0..<16 { dst[s * lanes + t] = 0 }
                            scales[b * lanes + t] = 0
                            sums[b * lanes + t] = 0
                            continue
                        }
                        (scales[b * lanes + t], sums[b * lanes + t]) = QuantizedMatVec.quantizeBlock(x + (first + t) * cols + b * 32, codes)
                        for s in 0..<16 {
                            let p = BatchedQuantizedMatVec.pairStart(s)
                            dst[s * lanes + t] = UInt32(UInt16(bitPattern: Int16(codes[p]))) | UInt32(UInt16(bitPattern: Int16(codes[p + 1]))) << 16
                        }
                    }
                }
            }
        }
    }

    /// Exact Int32 → Float for |v| < 2^22 (every block sum here): add to the bits of 1.5·2^23, subtract it.
    @inline(__always) static func float(_ v: SIMD16<Int32>) -> SIMD16<Float> {
        let magic = SIMD16<Int32>(repeating: 0x4B40_0000)
        return unsafeBitCast(v &+ magic, to: SIMD16<Float>.self) - SIMD16<Float>(repeating: 12_582_912)
    }

    /// One 32-bit scratch word broadcast to all 16 lanes, seen as 32 Int16 (a code pair per lane).
    @inline(__always) static func pairs(_ p: UnsafeMutablePointer<UInt32>, _ i: Int) -> SIMD32<Int16> {
        unsafeBitCast(SIMD16<UInt32>(repeating: p[i]), to: SIMD32<Int16>.self)
    }

    /// Sums each lane's two Int16 halves into one Int32 (the two positions of a pair slot).
    @inline(__always) static func pairSum(_ a: SIMD32<Int16>) -> SIMD16<Int32> {
        let v = unsafeBitCast(a, to: SIMD16<Int32>.self)
        return ((v &<< 16) &>> 16) &+ (v &>> 16)
    }

    /// The 16 code bytes of a Q4 block (byte i: code i low, code i + 16 high) → 16 pair words (codes minus
    /// `zero`) in the slot order of `pairStart`.
    @inline(__always) static func unpackNibblePairs(_ q: UnsafeRawPointer, _ zero: Int16, _ out: UnsafeMutablePointer<UInt32>) {
        let d = q.loadUnaligned(as: SIMD4<UInt32>.self), lo = SIMD4<UInt32>(repeating: 0xF), hi = SIMD4<UInt32>(repeating: 0xF_0000)
        let z = SIMD8<Int16>(repeating: zero), raw = UnsafeMutableRawPointer(out)
        @inline(__always) func put(_ g: Int, _ v: SIMD4<UInt32>) {
            raw.storeBytes(of: unsafeBitCast(v, to: SIMD8<Int16>.self) &- z, toByteOffset: g * 16, as: SIMD8<Int16>.self)
        }
        put(0, (d & lo) | ((d &<< 8) & hi))                   // positions 4m, 4m+1 (low nibbles)
        put(1, ((d &>> 16) & lo) | ((d &>> 8) & hi))          // 4m+2, 4m+3
        put(2, ((d &>> 4) & lo) | ((d &<< 4) & hi))           // 16+4m, 16+4m+1 (high nibbles)
        put(3, ((d &>> 20) & lo) | ((d &>> 12) & hi))         // 16+4m+2, 16+4m+3
    }

    /// The 32 signed code bytes of a Q8_0 block → 16 pair words of low nibbles l (0…15) at `low` and of
    /// signed high nibbles h (−8…7) at `high`, q = 16·h + l, in the slot order of `pairStart`.
    @inline(__always) static func unpackBytePairs(_ q: UnsafeRawPointer, _ low: UnsafeMutablePointer<UInt32>, _ high: UnsafeMutablePointer<UInt32>) {
        for half in 0..<2 {   // bytes 0…15, then 16…31
            let d = q.loadUnaligned(fromByteOffset: half * 16, as: SIMD4<UInt32>.self)
            let s = unsafeBitCast(d, to: SIMD4<Int32>.self), mask = SIMD4<Int32>(repeating: 0xFFFF)
            let lo = SIMD4<UInt32>(repeating: 0xF), hi = SIMD4<UInt32>(repeating: 0xF_0000)
            let l0 = (d & lo) | ((d &<< 8) & hi), l1 = ((d &>> 16) & lo) | ((d &>> 8) & hi)
            let h0 = (((s &<< 24) &>> 28) & mask) | (((s &<< 16) &>> 28) &<< 16)
            let h1 = (((s &<< 8) &>> 28) & mask) | ((s &>> 28) &<< 16)
            let lr = UnsafeMutableRawPointer(low + half * 8), hr = UnsafeMutableRawPointer(high + half * 8)
            lr.storeBytes(of: l0, toByteOffset: 0, as: SIMD4<UInt32>.self)
            lr.storeBytes(of: l1, toByteOffset: 16, as: SIMD4<UInt32>.self)
            hr.storeBytes(of: h0, toByteOffset: 0, as: SIMD4<Int32>.self)
            hr.storeBytes(of: h1, toByteOffset: 16, as: SIMD4<Int32>.self)
        }
    }

    /// y[t·ldy + r] for t < n, r in rows.
    public static func apply(_ w: WeightMatrix, _ x: Transposed, n: Int, _ y: UnsafeMutablePointer<Float>, ldy: Int, rows: Range<Int>) {
        switch w.type {
        case .q4_1: tiles(w, x, n, y, ldy, rows, Q4_1.self)
        case .q4_0: tiles(w, x, n, y, ldy, rows, Q4_0.self)
        case .q8_0: tiles(w, x, n, y, ldy, rows, Q8_0.self)
        default: preconditionFailure("block-quantized weights only")
        }
    }

    /// Block layouts as compile-time constants, so each format gets its own specialized loop.
    protocol PairFormat {
        static var blockBytes: Int { get }
        static var codeOffset: Int { get }   // after the f16 scale (and min)
        static var zero: Int16 { get }       // subtracted from Q4 codes
        static var hasMin: Bool { get }      // Q4_1: + m·Σx
        static var split: Bool { get }       // Q8_0: q = 16·h + l
    }
    enum Q4_0: PairFormat { static let blockBytes = 18, codeOffset = 2, zero: Int16 = 8, hasMin = false, split = false }
    enum Q4_1: PairFormat { static let blockBytes = 20, codeOffset = 4, zero: Int16 = 0, hasMin = true, split = false }
    enum Q8_0: PairFormat { static let blockBytes = 34, codeOffset = 2, zero: Int16 = 0, hasMin = false, split = true }

    /// Keeps the touch-ahead loads of `tiles` from being optimized away.
    static let sink = Atomic<UInt8>(0)

    @inline(__always) static func store(_ tot: SIMD16<Float>, tile: Tile4, k: Int, _ n: Int, _ y: UnsafeMutablePointer<Float>, _ ldy: Int) {
        guard !tile.isCopy(k) else { return }
        for t in 0..<n { y[t * ldy + tile[k]] = tot[t] }
    }

    /// Per block and sequence lane, each Int16 half adds 16 products: |code| ≤ 15 (Q4, Q8_0's l) or ≤ 8
    /// (Q8_0's h) times |x| ≤ 127, at most 16 · 1905 = 30480 < 2^15: exact.
    static func tiles<F: PairFormat>(_ w: WeightMatrix, _ x: Transposed, _ n: Int, _ y: UnsafeMutablePointer<Float>, _ ldy: Int,
                                     _ rows: Range<Int>, _ format: F.Type) {
        let nb = w.cols / 32
        let split = F.split, hasMin = F.hasMin, blockBytes = F.blockBytes, codeOffset = F.codeOffset
        let half = QuantizedMatVec.half   // the f16 scale and min of a block
        let xp = UnsafeRawPointer(x.pairs), sc = UnsafeRawPointer(x.scales), sm = UnsafeRawPointer(x.sums)
        // Unpacked weight pairs [row][slot]: the codes (Q8_0: low nibbles), then Q8_0's high nibbles.
        let wq = UnsafeMutablePointer<UInt32>.allocate(capacity: 2 * rowTile * 16), wh = wq + rowTile * 16
        defer { wq.deallocate() }
        var touched: UInt8 = 0
        defer { sink.store(touched, ordering: .relaxed) }
        var r = rows.lowerBound
        while r < rows.upperBound {
            let tile = Tile4(r, last: rows.upperBound - 1)
            r += rowTile
            let rp = (w.row(tile[0]), w.row(tile[1]), w.row(tile[2]), w.row(tile[3]))
            // Q8_0 rows stream from memory faster when a tile a few ahead is touched first (one load per
            // cache line); Q4 tiles take longer to compute and gain nothing from it.
            if F.split, r + 4 * rowTile < rows.upperBound {
                let ahead = w.row(r + 4 * rowTile).assumingMemoryBound(to: UInt8.self)
                let bytes = rowTile * nb * blockBytes
                for off in stride(from: 0, to: bytes, by: 64) { touched &+= ahead[off] }
            }
            var t0 = SIMD16<Float>(), t1 = SIMD16<Float>(), t2 = SIMD16<Float>(), t3 = SIMD16<Float>()
            for b in 0..<nb {
                let o = b * blockBytes
                if split {
                    unpackBytePairs(rp.0 + o + 2, wq, wh)
                    unpackBytePairs(rp.1 + o + 2, wq + 16, wh + 16)
                    unpackBytePairs(rp.2 + o + 2, wq + 32, wh + 32)
                    unpackBytePairs(rp.3 + o + 2, wq + 48, wh + 48)
                } else {
                    let zero = F.zero
                    unpackNibblePairs(rp.0 + o + codeOffset, zero, wq)
                    unpackNibblePairs(rp.1 + o + codeOffset, zero, wq + 16)
                    unpackNibblePairs(rp.2 + o + codeOffset, zero, wq + 32)
                    unpackNibblePairs(rp.3 + o + codeOffset, zero, wq + 48)
                }
                let xb = xp + b * 1024
                var a0 = SIMD32<Int16>(), a1 = SIMD32<Int16>(), a2 = SIMD32<Int16>(), a3 = SIMD32<Int16>()
                var h0 = SIMD32<Int16>(), h1 = SIMD32<Int16>(), h2 = SIMD32<Int16>(), h3 = SIMD32<Int16>()
                for s in 0..<16 {
                    let xv = xb.loadUnaligned(fromByteOffset: s * 64, as: SIMD32<Int16>.self)
                    a0 &+= pairs(wq, s) &* xv
                    a1 &+= pairs(wq, 16 + s) &* xv
                    a2 &+= pairs(wq, 32 + s) &* xv
                    a3 &+= pairs(wq, 48 + s) &* xv
                    if split {
                        h0 &+= pairs(wh, s) &* xv
                        h1 &+= pairs(wh, 16 + s) &* xv
                        h2 &+= pairs(wh, 32 + s) &* xv
                        h3 &+= pairs(wh, 48 + s) &* xv
                    }
                }
                // Exact Int32 block sums (Q8_0: 16·Σh·x + Σl·x).
                let sixteen = SIMD16<Int32>(repeating: 16)
                let i0 = split ? sixteen &* pairSum(h0) &+ pairSum(a0) : pairSum(a0)
                let i1 = split ? sixteen &* pairSum(h1) &+ pairSum(a1) : pairSum(a1)
                let i2 = split ? sixteen &* pairSum(h2) &+ pairSum(a2) : pairSum(a2)
                let i3 = split ? sixteen &* pairSum(h3) &+ pairSum(a3) : pairSum(a3)
                let dx = sc.loadUnaligned(fromByteOffset: b * 64, as: SIMD16<Float>.self)
                if hasMin {
                    let sx = sm.loadUnaligned(fromByteOffset: b * 64, as: SIMD16<Float>.self)
                    t0 += SIMD16(repeating: half(rp.0 + o, 0)) * dx * float(i0) + SIMD16(repeating: half(rp.0 + o, 2)) * sx
                    t1 += SIMD16(repeating: half(rp.1 + o, 0)) * dx * float(i1) + SIMD16(repeating: half(rp.1 + o, 2)) * sx
                    t2 += SIMD16(repeating: half(rp.2 + o, 0)) * dx * float(i2) + SIMD16(repeating: half(rp.2 + o, 2)) * sx
                    t3 += SIMD16(repeating: half(rp.3 + o, 0)) * dx * float(i3) + SIMD16(repeating: half(rp.3 + o, 2)) * sx
                } else {
                    t0 += SIMD16(repeating: half(rp.0 + o, 0)) * dx * float(i0)
                    t1 += SIMD16(repeating: half(rp.1 + o, 0)) * dx * float(i1)
                    t2 += SIMD16(repeating: half(rp.2 + o, 0)) * dx * float(i2)
                    t3 += SIMD16(repeating: half(rp.3 + o, 0)) * dx * float(i3)
                }
            }
            store(t0, tile: tile, k: 0, n, y, ldy)
            store(t1, tile: tile, k: 1, n, y, ldy)
            store(t2, tile: tile, k: 2, n, y, ldy)
            store(t3, tile: tile, k: 3, n, y, ldy)
        }
    }
}
