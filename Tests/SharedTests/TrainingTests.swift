import Foundation
import Testing
import Shared

/// Training math against PyTorch (fixtures from scripts/make-engine-fixtures.py).
@Suite struct TrainingTests {
    func examples(_ tok: Tokenizer) throws -> [TrainingExample] {
        let reader = RecordReader(paths: [Support.fixture("engine/sft-records.jsonl")],
                                  policy: BadLinePolicy(skipBad: false, rejects: nil, tally: Tally(tool: "test")))
        var out: [TrainingExample] = []
        while let r = try reader.next() { out.append(try TrainingExample(r, tokenizer: tok, maxLen: 4096)) }
        return out
    }

    @Test func batchGradientsMatchPyTorch() throws {
        let m = try ModelLoader.load(Support.fixture("engine/tiny-qwen2"), dtype: .f32)
        let exs = try examples(m.tokenizer)
        let pass = TrainingPass(config: m.config, params: m.weights.flat!, maxLen: exs.map(\.ids.count).max()!)
        let count = exs.reduce(0) { $0 + $1.lossTokens }
        var nll = 0.0
        for e in exs { nll += pass.accumulate(ids: e.ids, lossStart: e.lossStart, scale: 1 / Float(count)) }
        let fx = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Support.fixture("engine/grads-tinyqwen.json")))) as! [String: Any]
        #expect(abs(nll / Double(count) - (fx["loss"] as! Double)) < 1e-5)
        let params = fx["params"] as! [String: [String: Any]]
        #expect(params.count == pass.grads.entries.count)
        for (name, p) in params {
            let e = try #require(pass.grads.entry(name), "\(name) has no gradient")
            let g = pass.grads.base + e.offset
            var norm = 0.0
            for i in 0..<e.count { norm += Double(g[i]) * Double(g[i]) }
            let want = p["norm"] as! Double
            #expect(abs(norm.squareRoot() - want) <= 1e-4 * max(want, 1e-3), "\(name): |grad| \(norm.squareRoot()) vs \(want)")
            for (i, v) in zip(p["idx"] as! [Int], p["values"] as! [Double]) {
                #expect(abs(Double(g[i]) - v) <= 1e-4 * max(want, 1e-3) + 1e-7, "\(name)[\(i)]: \(g[i]) vs \(v)")
            }
        }
    }
}
