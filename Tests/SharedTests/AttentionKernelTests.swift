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

    @Test func decodeAttentionMatchesADoublePrecisionReferenceForEveryGroupShape() {
        var rng = SplitMix64(seed: 7)
        func values(_ n: Int, _ spread: Float) -> [Float] { (0..<n).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 * spread } }
        // (hd, group): 4 and 8 lanes-chunks with groups the dispatch specializes; 9 and 2 chunks fall back.
        for (hd, group) in [(64, 1), (64, 3), (64, 8), (128, 2), (64, 9), (32, 4)] {
            for p in [1, 15, 16, 17, 333] {
                for half in [false, true] {
                    let q = values(group * hd, 2), kf = values(p * hd, 2), vf = values(p * hd, 1)
                    // fp16 storage holds the fp16 values; the reference reads the same values.
                    let k = half ? kf.map { Float(Float16($0)) } : kf, v = half ? vf.map { Float(Float16($0)) } : vf
                    let k16 = k.map { Float16($0) }, v16 = v.map { Float16($0) }
                    var scores = [Float](repeating: .nan, count: group * Int(s1_attn_scratch_stride(Int32(p))))
                    var out = [Float](repeating: .nan, count: group * hd)
                    let scale = 1 / Float(hd).squareRoot()
                    func run(_ kp: UnsafeRawPointer, _ vp: UnsafeRawPointer) {
                        s1_attn_decode(q, kp, vp, half ? 1 : 0, Int32(p), Int32(hd), Int32(group), scale, half ? 1 : 0, &scores, &out)
                    }
                    if half { k16.withUnsafeBytes { kb in v16.withUnsafeBytes { vb in run(kb.baseAddress!, vb.baseAddress!) } } }
                    else { k.withUnsafeBytes { kb in v.withUnsafeBytes { vb in run(kb.baseAddress!, vb.baseAddress!) } } }
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
                    let shape = "hd \(hd) group \(group) P \(p) half \(half)"
                    if half { #expect(worstP <= 1 && ties * 50 <= group * p + 50, "\(shape): \(ties) probabilities off, by \(worstP) fp16 ulp") }
                    else { #expect(worstP < 2e-6, "\(shape): worst relative error of a probability \(worstP)") }
                    #expect(worstOut < 1e-5, "\(shape): output off its probabilities' weighted sum by \(worstOut)")
                    // The group's heads give the bits each head gives alone.
                    var single = [Float](repeating: 0, count: hd)
                    for g in 0..<group {
                        let qg = Array(q[(g * hd)..<((g + 1) * hd)])
                        func one(_ kp: UnsafeRawPointer, _ vp: UnsafeRawPointer) {
                            s1_attn_decode(qg, kp, vp, half ? 1 : 0, Int32(p), Int32(hd), 1, scale, half ? 1 : 0, &scores, &single)
                        }
                        if half { k16.withUnsafeBytes { kb in v16.withUnsafeBytes { vb in one(kb.baseAddress!, vb.baseAddress!) } } }
                        else { k.withUnsafeBytes { kb in v.withUnsafeBytes { vb in one(kb.baseAddress!, vb.baseAddress!) } } }
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
