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

    /// Last-position logits, copied while the transformer that owns them is alive.
    static func logits(_ m: LoadedModel, _ ids: [Int32]) -> [Float] {
        let tf = Transformer(m, capacity: 64)
        return withExtendedLifetime(tf) { Array(tf.forward(ids, start: 0)) }
    }

    @Test func matricesQuantizedAtLoadUseTheInt8KernelsAndStayClose() throws {
        let dir = Support.fixture("engine/tiny-qwen2")
        let exact = try ModelLoader.load(dir, dtype: .f32)
        let ids = exact.tokenizer.encode("What is 2+2?")
        let want = Self.logits(exact, ids)
        // Bounds relative to the range of the exact logits: 8-bit blocks keep ~2 significant digits per
        // weight, 4-bit ones ~1, and every product also rounds its activations to 8 bits as llama.cpp does
        // (measured on this 32-wide random model: Q8_0 1.0 %, Q4_0 13 % of the range).
        let range = want.max()! - want.min()!
        for (dtype, share) in [(WeightDType.q8_0, Float(0.02)), (.q4_0, 0.2), (.q4_1, 0.2)] {
            let bound = share * range
            let m = try ModelLoader.load(dir, dtype: dtype)
            #expect(m.weights.layers[0].q.type.description.lowercased() == dtype.rawValue)
            let got = Self.logits(m, ids)
            let worst = zip(got, want).map { abs($0 - $1) }.max()!
            #expect(worst > 0 && worst < bound, "\(dtype): max |Δlogit| \(worst), logit range \(range)")
        }
    }

    @Test func smolLM2InF32MatchesTransformers() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let m = try ModelLoader.load(Support.smolModel, dtype: .f32)
        #expect(m.config.layers == 30 && m.config.dim == 576 && m.config.heads == 9 && m.config.kvHeads == 3 && m.config.tiedEmbeddings)
        try check(m, "logits-smollm2.json")
    }

    @Test func compactKVCachesDecodeCloseToTheFp32Cache() throws {
        // SmolLM2 in fp32 weights: a 40-token prompt, then 48 decode steps fed the fp32 cache's greedy tokens,
        // through caches of each type. fp16 rounds keys, values, queries and probabilities to 11 bits, Q8_0
        // rounds keys and values to 8 bits per 32-block: their logits stay within a small share of the range.
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let m = try ModelLoader.load(Support.smolModel, dtype: .f32)
        let prompt = m.tokenizer.encode("Think step by step: a train leaves at 3 pm and travels 120 km at 80 km/h. When does it arrive, and why?")
        func run(_ kv: KVCache.DType, _ feed: [Int32]?) -> (tokens: [Int32], logits: [[Float]]) {
            let tf = Transformer(m, capacity: 256, kvDType: kv)
            var logits = [Array(tf.forward(prompt, start: 0))], tokens: [Int32] = []
            for step in 0..<48 {
                let next = feed?[step] ?? argmax(logits.last!)
                tokens.append(next)
                logits.append(Array(tf.forward([next], start: prompt.count + step)))
            }
            return (tokens, logits)
        }
        func argmax(_ x: [Float]) -> Int32 { x.withUnsafeBufferPointer { Sampler.argmax($0) } }
        let exact = run(.f32, nil)
        for (kv, share) in [(KVCache.DType.f16, Float(0.01)), (.q8_0, 0.05)] {
            let got = run(kv, exact.tokens)
            var worst: Float = 0, range: Float = 0, agree = 0
            for (a, b) in zip(got.logits, exact.logits) {
                worst = max(worst, zip(a, b).map { abs($0 - $1) }.max()!)
                range = max(range, b.max()! - b.min()!)
                agree += argmax(a) == argmax(b) ? 1 : 0
            }
            #expect(worst > 0 && worst < share * range, "\(kv): max |Δlogit| \(worst), logit range \(range)")
            #expect(agree >= 45, "\(kv): \(agree) of 49 greedy choices agree with the fp32 cache")
        }
    }
}
