import Foundation
import Testing
import Shared

/// Model and checkpoint files that used to crash, hang or allocate without bound (the reliability issue):
/// each is now one error naming the file and what is wrong, before anything is allocated for it.
@Suite struct HostileModelTests {
    /// The tiny Qwen2 as GGUF (written by our own writer), with one u32 metadata value replaced.
    static func patched(_ key: String, _ value: UInt32) throws -> String {
        let m = try ModelLoader.load(Support.fixture("engine/tiny-qwen2"), dtype: .f32)
        let path = Support.tempDir() + "/m.gguf"
        try GGUFWriter.write(config: m.config, parameters: m.weights.flat!, tokenizer: m.tokenizer, outtype: .f32, to: path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let k = Array(key.utf8)
        let at = try #require(ByteSearch.find(k, in: bytes, from: 0), "\(key) in the file")
        #expect(bytes[at + k.count] == 4, "\(key) is a u32")   // the value's type tag
        withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { bytes[at + k.count + 4 + i] = b } }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func expectError(_ path: String, _ fragment: String) {
        do {
            _ = try ModelLoader.load(path, dtype: .f32)
            Issue.record("\(path) loaded, expected an error containing \(fragment)")
        } catch let e as ModelFileError {
            #expect(e.path.hasPrefix(path) && e.description.contains(fragment), "got: \(e)")
        } catch {
            Issue.record("unexpected error: \(error)")
        }
    }

    @Test func impossibleSizesAreErrorsBeforeAnyAllocation() throws {
        expectError(try Self.patched("qwen2.attention.head_count_kv", 0), "KV heads 0 is outside")
        expectError(try Self.patched("qwen2.attention.head_count", 0), "attention heads 0 is outside")
        expectError(try Self.patched("qwen2.context_length", 1 << 31), "context length 2147483648 is outside")
        expectError(try Self.patched("qwen2.embedding_length", 1 << 30), "hidden size")
        expectError(try Self.patched("qwen2.block_count", 1), "block_count is 1 but the file holds 2 layers")
        expectError(try Self.patched("qwen2.block_count", 1_000_000_000), "layer count 1000000000 is outside")
        expectError(try Self.patched("qwen2.feed_forward_length", 100_000), "the config needs")
        expectError(try Self.patched("qwen2.vocab_size", 100), "the config needs")
    }

    @Test func aFIFOIsRefusedNotWaitedOn() throws {
        let fifo = Support.tempDir() + "/model.gguf"
        try #require(mkfifo(fifo, 0o600) == 0)
        expectError(fifo, "not a regular file")
    }

    @Test func shardNamesStayInsideTheModelDirectory() throws {
        let dir = Support.tempDir() + "/m"
        try FileManager.default.copyItem(atPath: Support.fixture("engine/tiny-qwen2"), toPath: dir)
        let index = dir + "/model.safetensors.index.json"
        var text = try String(contentsOfFile: index, encoding: .utf8)
        let first = try #require(text.range(of: "model-00001-of-"))
        text.replaceSubrange(first.lowerBound..<first.lowerBound, with: "../../../../etc/")
        try text.write(toFile: index, atomically: true, encoding: .utf8)
        expectError(dir, "outside the model directory")
    }

    @Test func aResumeFromANegativeStepIsAnErrorNamingTheState() throws {
        let out = Support.tempDir() + "/ckpt"
        let conv = try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--epochs", "0", "--out", out])
        try #require(conv.status == 0, "\(conv.stderr)")
        try #"{"step": -5, "total_steps": 1}"#.write(toFile: out + "/trainer_state.json", atomically: true, encoding: .utf8)
        let r = try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--out", out, "--resume", "--epochs", "1",
                                           Support.fixture("engine/sft-records.jsonl")])
        #expect(r.status == 65 && r.stderr.contains("trainer_state.json") && r.stderr.contains("outside"), "\(r.status): \(r.stderr)")
    }
}

/// Runs that must stop or skip with a clear error rather than write something that looks like a result.
@Suite struct HostileRunTests {
    @Test func aPromptLongerThanTheContextIsAnErrorForItsRecord() throws {
        let long = String(repeating: "seven eight nine ", count: 200)
        let input = #"{"id":"long","question":"\#(long)"}"# + "\n" + #"{"id":"ok","question":"2+2?"}"# + "\n"
        let args = ["--model", Support.fixture("engine/tiny-qwen2"), "--max-thinking-tokens", "4", "--max-answer-tokens", "2"]
        let strict = try Support.run("s1-think", args, stdin: input)
        #expect(strict.status == 65 && strict.stderr.contains("stdin:1") && strict.stderr.contains("context holds 256"), "\(strict.stderr)")
        let skipping = try Support.run("s1-think", args + ["--skip-bad"], stdin: input)
        #expect(skipping.status == 0, "\(skipping.stderr)")
        let ids = Support.objects(skipping.stdout).map { $0["id"] as? String }
        #expect(ids == ["ok"] && skipping.stderr.contains("bad line"), "\(ids) \(skipping.stderr)")
    }

    @Test func aLossThatIsNotFiniteStopsTraining() throws {
        let out = Support.tempDir() + "/nan"
        let r = try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--out", out, "--epochs", "4", "--batch-size", "2",
                                           "--lr", "1e38", "--warmup-ratio", "0", Support.fixture("engine/sft-records.jsonl")])
        #expect(r.status == 70 && r.stderr.contains("not finite"), "\(r.status): \(r.stderr.suffix(300))")
    }
}
