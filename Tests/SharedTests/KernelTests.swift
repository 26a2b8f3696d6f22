import Foundation
import Testing
import Shared
import CKernels

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

    /// A weight matrix of `type` from the fixture blocks gguf-py made (random and extreme ones), `rows`
    /// rows of `cols` values, row r starting r blocks further on (cyclically), with its dequantized values.
    /// Blocks whose values are not all finite are left out.
    static func fixtureMatrix(_ type: GGMLType, rows: Int, cols: Int) throws -> (bytes: [UInt8], dense: [Float]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: Support.fixture("formats/quants.json")))
        let f = (try JSONSerialization.jsonObject(with: data) as! [String: Any])[type.description] as! [String: Any]
        let raw = BlockTypeTests.bytes(f["hex"] as! String)
        let values = BlockTypeTests.bytes(f["values"] as! String).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let bs = type.blockSize, bb = type.blockBytes
        let good = (0..<(raw.count / bb)).filter { b in values[(b * bs)..<((b + 1) * bs)].allSatisfy(\.isFinite) }
        var bytes: [UInt8] = [], dense: [Float] = []
        for r in 0..<rows {
            for c in 0..<(cols / bs) {
                let b = good[(r + c) % good.count]
                bytes += raw[(b * bb)..<((b + 1) * bb)]
                dense += values[(b * bs)..<((b + 1) * bs)]
            }
        }
        return (bytes, dense)
    }

    /// Random 16-bit weights (F16/BF16 have no fixture blocks of their own): fp32 values stored by the
    /// type's quantizer, and what they read back as.
    static func sixteenBitMatrix(_ type: GGMLType, rows: Int, cols: Int) -> (bytes: [UInt8], dense: [Float]) {
        var rng = SplitMix64(seed: 17)
        let x = (0..<(rows * cols)).map { _ in Float(Int(rng.next() % 20001) - 10000) / 7000 }
        var bytes = [UInt8](repeating: 0, count: type.rowBytes(rows * cols))
        var dense = [Float](repeating: 0, count: rows * cols)
        x.withUnsafeBufferPointer { src in bytes.withUnsafeMutableBytes { type.quantize!(src.baseAddress!, $0.baseAddress!, rows * cols) } }
        bytes.withUnsafeBytes { b in dense.withUnsafeMutableBufferPointer { Dequantize.row(type, b.baseAddress!, $0.baseAddress!, rows * cols) } }
        return (bytes, dense)
    }

    static let kernelTypes: [GGMLType] = GGMLType.allCases.filter { $0.kernel != nil }

    @Test func everyTypeKernelIsItsDequantizedProductUpToTheActivationRounding() throws {
        // 512 columns: whole 256-blocks, 16 of 32, and an even number of 32-blocks; 768 adds an odd count.
        let rows = 37
        var rng = SplitMix64(seed: 7)
        for type in Self.kernelTypes {
            for cols in [512, 768] {
                let (bytes, dense) = type.isQuantized ? try Self.fixtureMatrix(type, rows: rows, cols: cols) : Self.sixteenBitMatrix(type, rows: rows, cols: cols)
                // Activations spanning magnitudes, so that block scales differ.
                let t = 5
                let x = (0..<(t * cols)).map { i in Float(Int(rng.next() % 2001) - 1000) / 1000 * (i % 97 == 0 ? 30 : 1) }
                // Each activation value moves by at most half its block step (Q8_0-style: max|x|/127 per 32,
                // Q8_K-style: per 256), or by its 16-bit rounding.
                let act = type.kernel!.activation
                func step(_ t: Int, _ j: Int) -> Double {
                    if act == S1_ACT_F16 { return Double(abs(x[t * cols + j])) * 0x1p-11 }
                    if act == S1_ACT_BF16 { return Double(abs(x[t * cols + j])) * 0x1p-8 }
                    let n = act == S1_ACT_QK ? 256 : 32, b = j / n * n
                    return Double(x[(t * cols + b)..<(t * cols + b + n)].map { abs($0) }.max()!) / 127 / 2 * 1.001
                }
                bytes.withUnsafeBytes { raw in
                    let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                    var mm = MatMul()
                    var y = [Float](repeating: .nan, count: t * rows)
                    mm.apply(x, rows: t, w, &y)
                    for i in 0..<t {
                        for r in 0..<rows {
                            var ref = 0.0, bound = 0.0, mag = 0.0
                            for j in 0..<cols {
                                let wv = Double(dense[r * cols + j])
                                ref += wv * Double(x[i * cols + j]); bound += abs(wv) * step(i, j); mag += abs(wv * Double(x[i * cols + j]))
                            }
                            let err = abs(Double(y[i * rows + r]) - ref)
                            #expect(err <= bound + 1e-5 * mag + 1e-6, "\(type) cols \(cols) row \(r) x \(i): \(y[i * rows + r]) vs \(ref), bound \(bound)")
                        }
                    }
                }
            }
        }
    }

    @Test func everyTypeGivesARowTheSameBitsAloneOrInAnyBatch() throws {
        // 83 rows: short last row tiles; 19 sequences: more than one 16-lane batch, and chunks of 32 rows
        // are crossed by the 40-row prefill below. The 32-value types also get 544 columns: an odd count of
        // blocks, whose last one the single-row path (blocks in registers, two at a time) takes alone.
        let rows = 83
        var rng = SplitMix64(seed: 3)
        let x = (0..<(40 * 544)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 997 }
        for type in Self.kernelTypes {
            for cols in type.kernel!.activation == S1_ACT_Q32 ? [512, 544] : [512] {
                let (bytes, _) = type.isQuantized ? try Self.fixtureMatrix(type, rows: rows, cols: cols) : Self.sixteenBitMatrix(type, rows: rows, cols: cols)
                bytes.withUnsafeBytes { raw in
                    let w = WeightMatrix(type: type, data: raw.baseAddress!, rows: rows, cols: cols)
                    var mm = MatMul()
                    var batched = [Float](repeating: 0, count: 40 * rows)
                    mm.applyPerRow(x, rows: 19, w, &batched)
                    var prefill = [Float](repeating: 0, count: 40 * rows)
                    mm.apply(x, groups: [0..<40], w, &prefill)
                    for i in 0..<19 {
                        var single = [Float](repeating: 0, count: rows)
                        x.withUnsafeBufferPointer { mm.applyPerRow($0.baseAddress! + i * cols, rows: 1, w, &single) }
                        #expect(Array(batched[(i * rows)..<((i + 1) * rows)]) == single, "\(type) cols \(cols) row \(i) in a batch of 19")
                        #expect(Array(prefill[(i * rows)..<((i + 1) * rows)]) == single, "\(type) cols \(cols) row \(i) in a prefill of 40")
                    }
                }
            }
        }
    }

    @Test func fp32DecodeRowsMatchTheProductAndDoNotDependOnTheBatch() {
        // 150 columns: 9 full 16-lane chunks and a tail of 6; 83 rows: a short row tile. Batches of 5 and 7
        // end on the one-sequence path and on padded tiles (four sequences with 512-bit registers, three without).
        let rows = 83, cols = 150
        var rng = SplitMix64(seed: 21)
        let w = (0..<(rows * cols)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 3000 }
        let x = (0..<(7 * cols)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
        w.withUnsafeBytes { raw in
            let m = WeightMatrix(type: .f32, data: raw.baseAddress!, rows: rows, cols: cols)
            var mm = MatMul()
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
            for t in [2, 3, 4, 5, 7] {
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
