import Foundation
import Testing
import Shared

/// The forward pass against transformers in fp32 (fixtures from scripts/make-engine-fixtures.py):
/// last-position logits within 1e-4 and identical greedy continuations.
@Suite struct LogitsParityTests {
    func check(_ model: LoadedModel, _ fixture: String) throws {
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Support.fixture("engine/" + fixture)))) as! [[String: Any]]
        let tf = Transformer(model, capacity: 256)
        for c in cases {
            let prompt = c["prompt"] as! String
            let ids = (c["ids"] as! [Int]).map(Int32.init)
            #expect(model.tokenizer.encode(prompt) == ids, "tokenization of \(prompt.debugDescription)")
            let logits = tf.forward(ids, start: 0)
            let idx = c["logit_ids"] as! [Int], want = c["logits"] as! [Double]
            var worst = 0.0
            for (i, w) in zip(idx, want) { worst = max(worst, abs(Double(logits[i]) - w)) }
            #expect(worst <= 1e-4, "\(fixture) \(prompt.debugDescription.prefix(40)): max |Δlogit| = \(worst)")
            #expect(Int(Sampler.argmax(logits)) == c["argmax"] as! Int)
            var gen: [Int32] = []
            var next = Sampler.argmax(logits)
            for step in 0..<(c["greedy"] as! [Int]).count {
                gen.append(next)
                next = Sampler.argmax(tf.forward([next], start: ids.count + step))
            }
            #expect(gen.map(Int.init) == c["greedy"] as! [Int], "greedy continuation of \(prompt.debugDescription.prefix(40))")
        }
    }

    @Test func tinyQwen2WithBiasesMatchesTransformers() throws {
        let m = try ModelLoader.load(Support.fixture("engine/tiny-qwen2"), dtype: .f32)
        #expect(m.config.arch == .qwen2 && m.config.qkvBias && !m.config.tiedEmbeddings && m.config.kvHeads == 2)
        try check(m, "logits-tinyqwen.json")
    }

    @Test func tinyQwen3WithQKNormsMatchesTransformers() throws {
        let m = try ModelLoader.load(Support.fixture("engine/tiny-qwen3"), dtype: .f32)
        #expect(m.config.arch == .qwen3 && m.config.qkNorm && !m.config.qkvBias && m.config.headDim == 12 && m.config.dim == 32)
        #expect(m.config.ropeTheta == 1_000_000, "rope_theta from rope_parameters")
        try check(m, "logits-tinyqwen3.json")
        // The same weights through --dtype native (fp32 safetensors: the fp32 decode kernels).
        try check(try ModelLoader.load(Support.fixture("engine/tiny-qwen3"), dtype: .native), "logits-tinyqwen3.json")
    }

    @Test func smolLM2InF32MatchesTransformers() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let m = try ModelLoader.load(Support.smolModel, dtype: .f32)
        #expect(m.config.layers == 30 && m.config.dim == 576 && m.config.heads == 9 && m.config.kvHeads == 3 && m.config.tiedEmbeddings)
        try check(m, "logits-smollm2.json")
    }
}
