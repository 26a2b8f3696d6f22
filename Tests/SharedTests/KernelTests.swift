import Foundation
import Testing
import Shared

/// Block formats decoded as ggml defines them, the quantized kernels against the fp32 path, and the
/// worker pool's bookkeeping.
@Suite struct KernelTests {
    func f16(_ x: Float) -> [UInt8] { withUnsafeBytes(of: Float16(x).bitPattern.littleEndian) { Array($0) } }

    @Test func blocksDecodeAsGGMLDefinesThem() {
        // Q4_0: d = 0.5, codes 0…15 then 15…0 → (q − 8)·d; byte j holds value j (low) and j+16 (high).
        var q40 = f16(0.5)
        for j in 0..<16 { q40.append(UInt8(j) | UInt8(15 - j) << 4) }
        // Q4_1: d = 0.25, m = −1 → q·d + m.
        var q41 = f16(0.25) + f16(-1)
        for j in 0..<16 { q41.append(UInt8(j) | UInt8(15 - j) << 4) }
        // Q8_0: d = 2, codes −16…15.
        var q80 = f16(2)
        for j in 0..<32 { q80.append(UInt8(bitPattern: Int8(j - 16))) }
        var out = [Float](repeating: 0, count: 32)
        q40.withUnsafeBytes { Dequantize.row(.q4_0, $0.baseAddress!, &out, 32) }
        let want40: [Float] = (0..<32).map { j in Float((j < 16 ? j : 31 - j) - 8) * 0.5 }
        #expect(out == want40)
        q41.withUnsafeBytes { Dequantize.row(.q4_1, $0.baseAddress!, &out, 32) }
        let want41: [Float] = (0..<32).map { j in Float(j < 16 ? j : 31 - j) * 0.25 - 1 }
        #expect(out == want41)
        q80.withUnsafeBytes { Dequantize.row(.q8_0, $0.baseAddress!, &out, 32) }
        let want80: [Float] = (0..<32).map { j in Float(j - 16) * 2 }
        #expect(out == want80)
        let bf: [UInt16] = [0x3F80, 0xC000, 0x3EAB]   // 1, −2, 0.333984375
        bf.withUnsafeBytes { Dequantize.row(.bf16, $0.baseAddress!, &out, 3) }
        #expect(Array(out[0..<3]) == [1, -2, 0.333984375])
    }

    /// A random quantized matrix: rows × cols of `type`, with realistic scales.
    func randomMatrix(_ type: GGMLType, rows: Int, cols: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var b: [UInt8] = []
        for _ in 0..<(rows * cols / 32) {
            switch type {
            case .q4_1: b += f16(0.01 + Float(rng.next() % 100) / 5000) + f16(-Float(rng.next() % 100) / 1000)
            default: b += f16(0.01 + Float(rng.next() % 100) / 5000)
            }
            for _ in 0..<(type == .q8_0 ? 32 : 16) { b.append(UInt8(truncatingIfNeeded: rng.next())) }
        }
        return b
    }

    @Test func quantizedMatVecAndSlabGEMMMatchTheDequantizedProduct() {
        let rows = 96, cols = 256
        var rng = SplitMix64(seed: 7)
        let x = (0..<(4 * cols)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
        for type in [GGMLType.q4_0, .q4_1, .q8_0] {
            let bytes = randomMatrix(type, rows: rows, cols: cols, seed: 11)
            bytes.withUnsafeBytes { raw in
                let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                var dense = [Float](repeating: 0, count: rows * cols)
                for r in 0..<rows { dense.withUnsafeMutableBufferPointer { Dequantize.row(type, w.row(r), $0.baseAddress! + r * cols, cols) } }
                func reference(_ t: Int, _ r: Int) -> Double { (0..<cols).reduce(0.0) { $0 + Double(dense[r * cols + $1]) * Double(x[t * cols + $1]) } }
                var mm = MatMul()
                defer { mm.free() }
                // One row: the 8-bit-activation kernel, within the activation rounding (≈ 1/254 of |x|·|w|).
                var y = [Float](repeating: 0, count: rows)
                mm.apply(x, rows: 1, w, &y)
                var worst = 0.0, scale = 0.0
                for r in 0..<rows { worst = max(worst, abs(Double(y[r]) - reference(0, r))); scale = max(scale, abs(reference(0, r))) }
                #expect(worst <= 0.01 * scale, "\(type) matvec: max error \(worst) vs scale \(scale)")
                // Four rows: dequantized slabs through sgemm, exact up to fp32 summation order.
                var y4 = [Float](repeating: 0, count: 4 * rows)
                mm.apply(x, rows: 4, w, &y4)
                var worst4 = 0.0
                for t in 0..<4 { for r in 0..<rows { worst4 = max(worst4, abs(Double(y4[t * rows + r]) - reference(t, r))) } }
                #expect(worst4 <= 1e-4, "\(type) slab gemm: max error \(worst4)")
            }
        }
    }

    @Test func batchedDecodeRowsAreBitIdenticalToSingleRows() {
        // 83 rows: a short last row tile on either thread; 19 rows: 16 lanes and a remainder of 3.
        let rows = 83, cols = 160, t = 19
        var rng = SplitMix64(seed: 3)
        let x = (0..<(t * cols)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 997 }
        // The largest integer block sums the 16-bit lanes must hold: every code at its extreme (Q4: 15 or
        // 0 − 8; Q8_0: −127) against activation rows quantized to ±127 throughout.
        let extremes = (0..<(t * cols)).map { i in Float(i / cols % 2 == 0 ? 1 : -1) }
        for type in [GGMLType.q4_0, .q4_1, .q8_0] {
            var extreme = randomMatrix(type, rows: rows, cols: cols, seed: 9)
            let block = type == .q8_0 ? 34 : type == .q4_1 ? 20 : 18, codes = type == .q8_0 ? 2 : block - 16
            for b in 0..<(rows * cols / 32) {
                for j in codes..<block { extreme[b * block + j] = type == .q8_0 ? 0x81 : (b % 2 == 0 ? 0xFF : 0x00) }
            }
            for (bytes, x) in [(randomMatrix(type, rows: rows, cols: cols, seed: 5), x), (extreme, extremes)] {
                bytes.withUnsafeBytes { raw in
                    let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                    var mm = MatMul()
                    defer { mm.free() }
                    var batched = [Float](repeating: 0, count: t * rows)
                    mm.applyPerRow(x, rows: t, w, &batched)
                    for i in 0..<t {
                        var single = [Float](repeating: 0, count: rows)
                        x.withUnsafeBufferPointer { mm.applyPerRow($0.baseAddress! + i * cols, rows: 1, w, &single) }
                        #expect(Array(batched[(i * rows)..<((i + 1) * rows)]) == single, "\(type) row \(i)")
                    }
                }
            }
        }
    }

    @Test func fp32DecodeRowsMatchTheProductAndDoNotDependOnTheBatch() {
        // 150 columns: 9 full 16-lane chunks and a tail of 6; 83 rows: a short row tile. Batches of 5 and 7
        // end on the one-sequence path and on a padded four-sequence tile.
        let rows = 83, cols = 150
        var rng = SplitMix64(seed: 21)
        let w = (0..<(rows * cols)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 3000 }
        let x = (0..<(7 * cols)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
        w.withUnsafeBytes { raw in
            let m = WeightMatrix(type: .f32, data: raw.baseAddress!, rows: rows, cols: cols)
            var mm = MatMul()
            defer { mm.free() }
            var single = [[Float]]()
            for i in 0..<7 {
                var y = [Float](repeating: 0, count: rows)
                x.withUnsafeBufferPointer { mm.applyPerRow($0.baseAddress! + i * cols, rows: 1, m, &y) }
                single.append(y)
                var worst = 0.0
                for r in 0..<rows {
                    let ref = (0..<cols).reduce(0.0) { $0 + Double(w[r * cols + $1]) * Double(x[i * cols + $1]) }
                    worst = max(worst, abs(Double(y[r]) - ref))
                }
                #expect(worst < 1e-5, "row \(i): max error \(worst)")
            }
            for t in [5, 7] {
                var batched = [Float](repeating: 0, count: t * rows)
                mm.applyPerRow(x, rows: t, m, &batched)
                for i in 0..<t { #expect(Array(batched[(i * rows)..<((i + 1) * rows)]) == single[i], "batch \(t) row \(i)") }
            }
        }
    }

    @Test func workerPoolRunsEveryTaskOnceAcrossManyCalls() {
        var counts = [Int](repeating: 0, count: 1000)
        counts.withUnsafeMutableBufferPointer { c in
            for call in 0..<5000 {
                let n = 1 + call % 1000
                Parallel.forRanges(n) { r in for i in r { c[i] += 1 } }
            }
        }
        // Index i is covered by every call whose n exceeds i.
        let expected = (0..<1000).map { i in (0..<5000).filter { 1 + $0 % 1000 > i }.count }
        #expect(counts == expected)
    }
}
