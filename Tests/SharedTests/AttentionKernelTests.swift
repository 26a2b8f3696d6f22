import Foundation
import Testing
import Shared
import CKernels

/// The fused decode attention (CKernels/attention.c) and its vectorized softmax against double-precision
/// references, over group sizes and head sizes the dispatch specializes and those it does not.
@Suite struct AttentionKernelTests {
    /// softmax(q·kᵀ / √hd) in double, with the fp16 cache's query rounding when `half`.
    func probabilities(q: [Float], k: [Float], positions p: Int, hd: Int, half: Bool) -> [Double] {
        let r: (Float) -> Float = { half ? Float(Float16($0)) : $0 }
        let scale = 1 / Double(Float(hd).squareRoot())
        let s = (0..<p).map { j in (0..<hd).reduce(0.0) { $0 + Double(r(q[$1])) * Double(k[j * hd + $1]) } * scale }
        let m = s.max()!, e = s.map { Foundation.exp($0 - m) }, sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Rows as the cache stores them, and the values they hold: fp32, fp16, or Q8_0 as ggml defines it
    /// (per 32 values d = max|x| / 127 kept as fp16, codes round(x / d), half away from zero).
    func stored(_ x: [Float], hd: Int, as type: s1_kv_type) -> (bytes: [UInt8], values: [Float]) {
        switch type {
        case S1_KV_F16:
            let h = x.map { Float16($0) }
            return (h.withUnsafeBytes { Array($0) }, h.map { Float($0) })
        case S1_KV_Q8_0:
            var bytes = [UInt8](), values = [Float]()
            for b in 0..<(x.count / 32) {
                let blk = x[(32 * b)..<(32 * b + 32)], d = blk.map { abs($0) }.max()! / 127, id: Float = d != 0 ? 1 / d : 0
                withUnsafeBytes(of: Float16(d).bitPattern.littleEndian) { bytes += $0 }
                for v in blk {
                    let c = Int8((v * id).rounded(.toNearestOrAwayFromZero))
                    bytes.append(UInt8(bitPattern: c)); values.append(Float(c) * Float(Float16(d)))
                }
            }
            return (bytes, values)
        default:
            return (x.withUnsafeBytes { Array($0) }, x)
        }
    }

    @Test func decodeAttentionMatchesADoublePrecisionReferenceForEveryGroupShape() {
        var rng = SplitMix64(seed: 7)
        func values(_ n: Int, _ spread: Float) -> [Float] { (0..<n).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 * spread } }
        // (hd, group): 4 and 8 lanes-chunks with groups the dispatch specializes; 9 and 2 chunks fall back.
        for (hd, group) in [(64, 1), (64, 3), (64, 8), (128, 2), (64, 9), (32, 4)] {
            for p in [1, 15, 16, 17, 333] {
                for type in [S1_KV_F32, S1_KV_F16, S1_KV_Q8_0] {
                    // An fp16 cache rounds queries and probabilities to fp16 (llama.cpp's F16 products).
                    let half = type == S1_KV_F16
                    let q = values(group * hd, 2)
                    let (kb, k) = stored(values(p * hd, 2), hd: hd, as: type), (vb, v) = stored(values(p * hd, 1), hd: hd, as: type)
                    var scores = [Float](repeating: .nan, count: group * Int(s1_attn_scratch_stride(Int32(p))))
                    var out = [Float](repeating: .nan, count: group * hd)
                    let scale = 1 / Float(hd).squareRoot()
                    kb.withUnsafeBytes { kp in vb.withUnsafeBytes { vp in
                        s1_attn_decode(q, kp.baseAddress!, vp.baseAddress!, type, Int32(p), Int32(hd), Int32(group), scale, half ? 1 : 0, &scores, &out)
                    } }
                    // The kernel leaves each head's probabilities in its scratch row: against the double
                    // softmax (fp32: a few ulp; fp16: the same fp16 value but where the two sit on either side
                    // of a rounding tie, then one fp16 ulp apart), and the output is exactly their weighted sum.
                    let stride = Int(s1_attn_scratch_stride(Int32(p)))
                    var worstP = 0.0, worstOut = 0.0, ties = 0
                    for g in 0..<group {
                        let want = probabilities(q: Array(q[(g * hd)..<((g + 1) * hd)]), k: k, positions: p, hd: hd, half: half)
                        let got = (0..<p).map { Double(scores[g * stride + $0]) }
                        for j in 0..<p {
                            if half {
                                let w = Double(Float16(Float(want[j])))
                                if got[j] != w {
                                    ties += 1
                                    worstP = max(worstP, abs(got[j] - w) / Double(Float16(Float(w)).ulp))
                                }
                            } else {
                                worstP = max(worstP, abs(got[j] - want[j]) / max(want[j], 1e-30))
                            }
                        }
                        for i in 0..<hd {
                            let ref = (0..<p).reduce(0.0) { $0 + got[$1] * Double(v[$1 * hd + i]) }
                            worstOut = max(worstOut, abs(Double(out[g * hd + i]) - ref))
                        }
                    }
                    let shape = "hd \(hd) group \(group) P \(p) storage \(type.rawValue)"
                    if half { #expect(worstP <= 1 && ties * 50 <= group * p + 50, "\(shape): \(ties) probabilities off, by \(worstP) fp16 ulp") }
                    else { #expect(worstP < 2e-6, "\(shape): worst relative error of a probability \(worstP)") }
                    #expect(worstOut < 1e-5, "\(shape): output off its probabilities' weighted sum by \(worstOut)")
                    // The group's heads give the bits each head gives alone.
                    var single = [Float](repeating: 0, count: hd)
                    for g in 0..<group {
                        let qg = Array(q[(g * hd)..<((g + 1) * hd)])
                        kb.withUnsafeBytes { kp in vb.withUnsafeBytes { vp in
                            s1_attn_decode(qg, kp.baseAddress!, vp.baseAddress!, type, Int32(p), Int32(hd), 1, scale, half ? 1 : 0, &scores, &single)
                        } }
                        #expect(single == Array(out[(g * hd)..<((g + 1) * hd)]), "hd \(hd) group \(group) P \(p) head \(g)")
                    }
                }
            }
        }
    }

    @Test func softmaxIsExactToAFewUlpAndWritesNothingPastItsRow() {
        var rng = SplitMix64(seed: 3)
        for n in [1, 5, 16, 17, 37, 300] {
            // Scores over a wide range: some far below the max (their exp underflows towards 0).
            let x = (0..<n).map { _ in Float(Int(rng.next() % 20001) - 18000) / 200 }
            var row = x + [Float](repeating: 42, count: 20)
            s1_softmax(&row, Int32(n), 0)
            // The reference takes x − max in fp32, as any fp32 softmax does (that rounding is not the exp's).
            let m = x.max()!, e = x.map { Foundation.exp(Double($0 - m)) }, sum = e.reduce(0, +)
            var worst = 0.0
            for j in 0..<n { worst = max(worst, abs(Double(row[j]) - e[j] / sum) / max(e[j] / sum, 1e-30)) }
            #expect(worst < 4e-7 || n == 1, "n \(n): worst relative error \(worst)")
            #expect(row[n...].allSatisfy { $0 == 42 }, "n \(n): a value past the row changed")
            var half = x
            s1_softmax(&half, Int32(n), 1)
            #expect(half.allSatisfy { Float(Float16($0)) == $0 }, "n \(n): half probabilities are fp16 values")
        }
    }
}
