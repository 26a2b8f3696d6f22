import Foundation
import Testing
import Shared

/// GGUF export (`s1-sft --out model.gguf`): a written file loads back with the same config, tokenizer and
/// logits (bit for bit in f32, including Llama's interleaved Q/K rows), in every output type.
@Suite struct GGUFWriterTests {
    func lastLogits(_ m: LoadedModel, _ text: String) -> [Float] { LogitsParityTests.logits(m, m.tokenizer.encode(text)) }

    func roundTrip(_ source: String, _ outtype: GGMLType) throws -> (LoadedModel, LoadedModel) {
        let src = try ModelLoader.load(source, dtype: .f32)
        let path = Support.tempDir() + "/m.gguf"
        try GGUFWriter.write(config: src.config, parameters: src.weights.flat!, tokenizer: src.tokenizer, outtype: outtype, to: path)
        return (src, try ModelLoader.load(path, dtype: .f32))
    }

    @Test func anF32ExportLoadsBackBitForBit() throws {
        for fixture in ["engine/tiny-qwen2", "engine/tiny-qwen3"] {
            let (a, b) = try roundTrip(Support.fixture(fixture), .f32)
            #expect(a.config == b.config, "\(fixture)")
            for text in ["What is 2+2?", "<|im_start|>user\nSolve x^2 = 4.<|im_end|>\n<|im_start|>assistant\n", "naïve café 12345"] {
                #expect(a.tokenizer.encode(text) == b.tokenizer.encode(text))
                #expect(lastLogits(a, text) == lastLogits(b, text), "\(fixture): \(text)")
            }
        }
    }

    @Test func llamaQKRowsAreInterleavedAsLlamaCppStoresThem() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let (a, b) = try roundTrip(Support.smolModel, .f32)
        #expect(a.config == b.config && a.config.arch == .llama)
        #expect(lastLogits(a, "The capital of France is") == lastLogits(b, "The capital of France is"))
    }

    @Test func everyOutputTypeLoadsAndStaysClose() throws {
        for t in [GGMLType.f16, .bf16, .q8_0] {
            let (a, b) = try roundTrip(Support.fixture("engine/tiny-qwen3"), t)
            let x = lastLogits(a, "What is 2+2?"), y = lastLogits(b, "What is 2+2?")
            let worst = zip(x, y).map { abs($0 - $1) }.max()!
            #expect(worst > 0 && worst < 0.05, "\(t): max |Δlogit| \(worst) of max |logit| \(x.map(abs).max()!)")
        }
        #expect(throws: (any Error).self) {
            _ = try roundTrip(Support.fixture("engine/tiny-qwen3"), .q4_K)
        }
    }

    @Test func sftWritesGGUFWithoutTraining() throws {
        let out = Support.tempDir() + "/conv.gguf"
        let r = try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--epochs", "0", "--out", out, "--outtype", "q8_0"])
        try #require(r.status == 0, "\(r.stderr)")
        let m = try ModelLoader.load(out)
        #expect(m.weights.layers[0].q.type == .q8_0 && m.config.arch == .qwen2)
    }
}
