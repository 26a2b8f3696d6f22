import Foundation
import Testing
import Shared

/// The engine through the tools: s1-sft --eval-only against transformers' NLL, s1-think --tokenize and
/// --raw against the reference tokenizer and greedy continuations.
@Suite struct EngineToolTests {
    func nllFixture(_ name: String) throws -> (Double, Int) {
        let o = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Support.fixture("engine/" + name)))) as! [String: Any]
        return (o["loss"] as! Double, o["tokens"] as! Int)
    }

    func evalOnly(_ model: String, _ extra: [String] = []) throws -> (Double, Int) {
        let r = try Support.run("s1-sft", ["--eval-only", "--model", model, Support.fixture("engine/sft-records.jsonl")] + extra)
        try #require(r.status == 0, "\(r.stderr)")
        let o = Support.objects(r.stdout)[0]
        return (o["loss"] as! Double, o["tokens"] as! Int)
    }

    @Test func evalOnlyNLLMatchesTransformers() throws {
        var cases = [(Support.fixture("engine/tiny-qwen2"), "nll-tinyqwen.json", [String]())]
        if FileManager.default.fileExists(atPath: Support.smolModel) {
            cases += [(Support.smolModel, "nll-smollm2.json", []), (Support.smolModel, "nll-smollm2-maxlen60.json", ["--max-len", "60"])]
        } else {
            Issue.record("SmolLM2 missing (make model): only the tiny model was checked")
        }
        for (model, fixture, extra) in cases {
            let (want, wantTokens) = try nllFixture(fixture)
            let (got, tokens) = try evalOnly(model, extra)
            #expect(tokens == wantTokens, "\(fixture): loss tokens")
            #expect(abs(got - want) / want <= 1e-4, "\(fixture): NLL \(got) vs transformers \(want)")
        }
    }

    @Test func badTrainingDataIsReportedNotTrainedOn() throws {
        let tiny = Support.fixture("engine/tiny-qwen2")
        let good = Support.read(Support.fixture("engine/sft-records.jsonl"))
        let bad = good + #"{"question":"q","thinking_trajectories":["  "],"attempt":"a"}"# + "\n" + #"{"attempt":"a"}"# + "\n"
        let r = try Support.run("s1-sft", ["--eval-only", "--model", tiny], stdin: bad)
        #expect(r.status == 65 && r.stderr.contains("stdin:4:") && r.stderr.contains("empty thinking_trajectories"))
        let s = try Support.run("s1-sft", ["--eval-only", "--model", tiny, "--skip-bad"], stdin: bad)
        try #require(s.status == 0, "\(s.stderr)")
        #expect(s.stderr.contains("read 5, written 3, dropped 2 (bad line: 2)"), "\(s.stderr)")
        let (want, _) = try nllFixture("nll-tinyqwen.json")
        let loss = try #require(Support.objects(s.stdout).first?["loss"] as? Double)
        #expect(abs(loss - want) / want <= 1e-4)
    }

    @Test func tokenizeGivesTheReferenceIds() throws {
        let rows = Support.fixtureObjects("engine/tokenizer-tinyqwen.jsonl").filter { !($0["text"] as! String).contains("\n") && !($0["text"] as! String).isEmpty }.prefix(30)
        let input = rows.map { String(decoding: try! JSONSerialization.data(withJSONObject: ["question": $0["text"]!]), as: UTF8.self) }.joined(separator: "\n") + "\nplain text line, not JSON\n"
        let r = try Support.run("s1-think", ["--tokenize", "--model", Support.fixture("engine/tiny-qwen2")], stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        let out = Support.objects(r.stdout)
        #expect(out.count == rows.count + 1)
        for (o, want) in zip(out, rows) { #expect(o["tokens"] as? [Int] == want["ids"] as? [Int], "\(want["text"]!)") }
        #expect(out.last?["question"] as? String == "plain text line, not JSON")
    }

    @Test func rawGreedyContinuationMatchesTransformers() throws {
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Support.fixture("engine/logits-tinyqwen.json")))) as! [[String: Any]]
        let tok = try TokenizerLoader.load(tokenizerJSON: Support.fixture("engine/tiny-qwen2/tokenizer.json"))
        let c = cases[2]
        let greedy = (c["greedy"] as! [Int]).map(Int32.init)
        let r = try Support.run("s1-think", ["--raw", "--dtype", "f32", "--ignore-eos", "--max-tokens", "\(greedy.count)",
                                             "--model", Support.fixture("engine/tiny-qwen2"), "--tag", "tiny"],
                                stdin: c["prompt"] as! String + "\n")
        try #require(r.status == 0, "\(r.stderr)")
        let out = try #require((Support.objects(r.stdout).first?["outputs"] as? [[String: Any]])?.first)
        #expect(out["text"] as? String == tok.decode(greedy))
        #expect(out["tokens"] as? Int == greedy.count && out["finish"] as? String == "length" && out["model"] as? String == "tiny")
    }

    @Test func rawTakesPromptIDsAndGivesIDsBack() throws {
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Support.fixture("engine/logits-tinyqwen.json")))) as! [[String: Any]]
        let c = cases[2]
        let greedy = c["greedy"] as! [Int]
        let tok = try TokenizerLoader.load(tokenizerJSON: Support.fixture("engine/tiny-qwen2/tokenizer.json"))
        let ids = tok.encode(c["prompt"] as! String).map { Int($0) }
        let model = Support.fixture("engine/tiny-qwen2")
        let line = String(decoding: try JSONSerialization.data(withJSONObject: ["prompt_ids": ids]), as: UTF8.self)
        let r = try Support.run("s1-think", ["--raw", "--dtype", "f32", "--ignore-eos", "--max-tokens", "\(greedy.count)", "--model", model],
                                stdin: line + "\n")
        try #require(r.status == 0, "\(r.stderr)")
        let out = try #require((Support.objects(r.stdout).first?["outputs"] as? [[String: Any]])?.first)
        #expect(out["ids"] as? [Int] == greedy)
        // An id outside the vocabulary is bad input naming the line, not a crash.
        let bad = try Support.run("s1-think", ["--raw", "--model", model], stdin: "{\"prompt_ids\": [1]}\n{\"prompt_ids\": [1, 99999999]}\n")
        #expect(bad.status == 65 && bad.stderr.contains("stdin:2:") && bad.stderr.contains("prompt_ids"), "\(bad.stderr)")
    }
}
