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

extension TrainingTests {
    /// Central finite differences of the batch loss for entries of every kind of parameter (embedding,
    /// norms, q/k/v/o with biases, FFN, LM head) agree with the backward pass.
    @Test func gradientsMatchFiniteDifferencesForEveryLayerKind() throws {
        let m = try ModelLoader.load(Support.fixture("engine/tiny-qwen2"), dtype: .f32)
        let exs = Array(try examples(m.tokenizer).prefix(2))
        let pass = TrainingPass(config: m.config, params: m.weights.flat!, maxLen: exs.map(\.ids.count).max()!)
        let count = exs.reduce(0) { $0 + $1.lossTokens }
        func loss() -> Double { exs.reduce(0.0) { $0 + pass.accumulate(ids: $1.ids, lossStart: $1.lossStart, scale: 1 / Float(count)) } / Double(count) }
        pass.zeroGrads()
        _ = loss()
        let grads = Array(UnsafeBufferPointer(start: pass.grads.base, count: pass.grads.count))
        let names = ["model.embed_tokens.weight", "model.layers.0.input_layernorm.weight", "model.layers.1.self_attn.q_proj.weight",
                     "model.layers.1.self_attn.q_proj.bias", "model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.v_proj.bias",
                     "model.layers.1.self_attn.o_proj.weight", "model.layers.0.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight",
                     "model.layers.0.mlp.down_proj.weight", "model.layers.1.post_attention_layernorm.weight", "model.norm.weight", "lm_head.weight"]
        let p = m.weights.flat!
        var rng = SplitMix64(seed: 11)
        for name in names {
            let e = try #require(p.entry(name))
            // The entry with the largest gradient of a few random ones, so the difference is well above noise.
            let i = (0..<8).map { _ in e.offset + Int(rng.next() % UInt64(e.count)) }.max { abs(grads[$0]) < abs(grads[$1]) }!
            let eps: Float = 2e-2, orig = p.base[i]
            p.base[i] = orig + eps; let up = loss()
            p.base[i] = orig - eps; let down = loss()
            p.base[i] = orig
            let fd = (up - down) / Double(2 * eps)
            #expect(abs(fd - Double(grads[i])) <= 0.03 * abs(fd) + 2e-5, "\(name)[\(i - e.offset)]: finite difference \(fd), backward \(grads[i])")
        }
    }
}

extension TrainingTests {
    /// Recomputing layers in the backward pass changes no gradient.
    @Test func checkpointedActivationsGiveTheSameGradients() throws {
        let m = try ModelLoader.load(Support.fixture("engine/tiny-qwen2"), dtype: .f32)
        let exs = try examples(m.tokenizer)
        let maxLen = exs.map(\.ids.count).max()!
        #expect(maxLen > TiledAttention.tile)   // more than one attention tile
        let plain = TrainingPass(config: m.config, params: m.weights.flat!, maxLen: maxLen)
        let ckpt = TrainingPass(config: m.config, params: m.weights.flat!, maxLen: maxLen, checkpointActivations: true)
        var l1 = 0.0, l2 = 0.0
        for e in exs {
            l1 += plain.accumulate(ids: e.ids, lossStart: e.lossStart, scale: 0.01)
            l2 += ckpt.accumulate(ids: e.ids, lossStart: e.lossStart, scale: 0.01)
        }
        #expect(l1 == l2)
        #expect(memcmp(plain.grads.base, ckpt.grads.base, plain.grads.count * 4) == 0)
    }
}

/// s1-sft's training loop against a plain PyTorch run of the same recipe, and resuming a stopped run.
@Suite struct SFTToolTests {
    let recipe = ["--lr", "1e-3", "--batch-size", "2", "--epochs", "4", "--warmup-ratio", "0.1", "--no-shuffle"]

    func train(_ extra: [String], out: String) throws -> [[String: Any]] {
        let r = try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--out", out] + recipe + extra
                                          + [Support.fixture("engine/sft-train.jsonl")])
        try #require(r.status == 0, "\(r.stderr)")
        return Support.objects(r.stdout)
    }

    @Test func everyStepMatchesPyTorch() throws {
        let fx = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Support.fixture("engine/train-tinyqwen.json")))) as! [String: Any]
        let want = fx["steps"] as! [[String: Any]]
        let got = try train([], out: Support.tempDir() + "/ckpt")
        try #require(got.count == want.count)
        for (g, w) in zip(got, want) {
            let (gl, wl) = (g["loss"] as! Double, w["loss"] as! Double)
            #expect(abs(gl - wl) / wl <= 1e-4, "step \(w["step"]!): loss \(gl) vs \(wl)")
            #expect(abs((g["lr"] as! Double) - (w["lr"] as! Double)) <= 1e-12)
            let (gn, wn) = (g["grad_norm"] as! Double, w["grad_norm"] as! Double)
            #expect(abs(gn - wn) / wn <= 1e-4, "step \(w["step"]!): grad norm \(gn) vs \(wn)")
        }
    }

    @Test func aStoppedRunResumesOnTheSameCurve() throws {
        let d = Support.tempDir()
        let whole = try train([], out: d + "/whole")
        let first = try train(["--stop-after", "5"], out: d + "/part")
        #expect(first.count == 5)
        let rest = try train(["--resume"], out: d + "/part")
        #expect(rest.map { $0["step"] as! Int } == Array(6...12))
        for (a, b) in zip(whole.suffix(7), rest) {
            #expect(abs((a["loss"] as! Double) - (b["loss"] as! Double)) <= 1e-9 * (a["loss"] as! Double), "step \(a["step"]!)")
        }
        // The checkpoint is a loadable model directory whose eval loss s1-sft reads back.
        let m = try ModelLoader.load(d + "/part", dtype: .f32)
        #expect(m.config.arch == .qwen2)
        let e = try Support.run("s1-sft", ["--eval-only", "--model", d + "/part", Support.fixture("engine/sft-records.jsonl")])
        #expect(e.status == 0 && e.stdout.contains("\"loss\""))
    }
}
