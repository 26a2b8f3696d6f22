import Foundation
import Testing
import Shared

/// A written Hugging Face directory reads back to the same model: parameters, tokenizer and logits.
@Suite struct HFWriterTests {
    func roundTrip(_ source: String, tokenizerJSON: String?) throws {
        let m = try ModelLoader.load(source, dtype: .f32)
        let dir = Support.tempDir() + "/export"
        try HFDirectoryWriter.write(config: m.config, parameters: m.weights.flat!, tokenizer: m.tokenizer,
                                    sourceTokenizerJSON: tokenizerJSON, to: dir)
        for f in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f) missing")
        }
        let back = try ModelLoader.load(dir, dtype: .f32)
        #expect(back.config == m.config)
        let a = m.weights.flat!, b = back.weights.flat!
        #expect(a.entries.map(\.name) == b.entries.map(\.name))
        #expect(memcmp(a.base, b.base, a.count * 4) == 0, "parameters differ after the round trip")
        for text in ["The sum of 12345 and 678 is", "<|im_start|>user\nnaïve café 😀<|im_end|>\n", "  spaces\n\n\ttabs"] {
            #expect(back.tokenizer.encode(text) == m.tokenizer.encode(text), "tokenizer differs on \(text.debugDescription)")
        }
        let ids = m.tokenizer.encode("What is the capital of France?")
        let t1 = Transformer(m, capacity: 64), t2 = Transformer(back, capacity: 64)
        let l1 = Array(t1.forward(ids, start: 0)), l2 = Array(t2.forward(ids, start: 0))
        withExtendedLifetime((t1, t2)) {}
        #expect(l1 == l2)
    }

    @Test func tinyQwen2RoundTrips() throws {
        try roundTrip(Support.fixture("engine/tiny-qwen2"), tokenizerJSON: Support.fixture("engine/tiny-qwen2/tokenizer.json"))
    }

    @Test func smolLM2FromGGUFBecomesAnHFDirectory() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        try roundTrip(Support.smolModel, tokenizerJSON: nil)   // tokenizer.json synthesized from GGUF metadata
    }
}
