import Foundation
import Testing
import Shared

/// The TCC and SCC training variants (`s1-filter traces --control`, issue 20): powers of two, the step
/// split and countdown, token counts from the reference tokenizer's ids, and the tool around them.
@Suite struct ControlVariantTests {
    func record(_ json: String) throws -> Record {
        try Array(json.utf8).withUnsafeBytes { try Record.parse($0, source: "test") }
    }

    @Test func limitsArePowersOfTwoAtLeastTheCount() {
        let cases = [(0, 1), (1, 1), (2, 2), (3, 4), (5, 8), (64, 64), (65, 128), (1000, 1024)]
        for (n, want) in cases { #expect(ControlVariant.powerOfTwo(atLeast: n) == want, "\(n)") }
    }

    @Test func sccSplitsOnBlankLinesAndCountsDownToZero() throws {
        let r = try record(#"{"question":"Q","thinking_trajectories":["First, note x.\nStill the first step.\n\nThen y.\n   \nSo z.\n\n\n"],"attempt":"A"}"#)
        #expect(ControlVariant.steps.apply(r, count: { _ in 0 }) == .set)
        let want = "<|im_start|>3 steps left\nFirst, note x.\nStill the first step.\n<|im_start|>2 steps left\nThen y.\n<|im_start|>1 steps left\nSo z.\n<|im_start|>0 steps left"
        #expect(r["thinking_trajectories"]?.strings == [want])
        #expect(r.string("question") == "Q\n\nThink for up to 4 steps.")
        #expect(r["control"]?["method"]?.string == "steps" && r["control"]?["limit"]?.int == 4 && r["control"]?["count"]?.int == 3)
        #expect(r.string("attempt") == "A")
        // Applied once: a record that has a variant is left alone.
        #expect(ControlVariant.steps.apply(r, count: { _ in 0 }) == .alreadyControlled)
        #expect(r["thinking_trajectories"]?.strings == [want])
        // The markers are real <|im_start|> tokens for the student's tokenizer: one per step and the final 0.
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let tok = try ModelLoader.loadTokenizer(Support.smolModel)
        let imStart = try #require(tok.id(of: "<|im_start|>"))
        #expect(tok.encode(want).filter { $0 == imStart }.count == 4)
    }

    @Test func tccCountsTheTraceWithTheReferenceTokenizer() throws {
        // Texts with the ids the reference tokenizer (transformers) gives them.
        let rows = Support.fixtureObjects("engine/tokenizer-tinyqwen.jsonl").filter { !($0["text"] as! String).trimmingCharacters(in: .whitespaces).isEmpty }.prefix(20)
        let tok = try ModelLoader.loadTokenizer(Support.fixture("engine/tiny-qwen2"))
        for row in rows {
            let text = row["text"] as! String, n = (row["ids"] as! [Int]).count
            let json = String(decoding: try JSONSerialization.data(withJSONObject: ["question": "Q", "thinking_trajectories": [text], "attempt": "A"]), as: UTF8.self)
            let r = try record(json)
            #expect(ControlVariant.tokens.apply(r, count: { tok.encode($0).count }) == .set)
            let limit = r["control"]?["limit"]?.int ?? 0
            #expect(r["control"]?["count"]?.int == n && limit >= n && limit < 2 * max(n, 1) && limit & (limit - 1) == 0)
            #expect(r.string("question") == "Q\n\nThink for up to \(limit) tokens.")
            #expect(r["thinking_trajectories"]?.strings == [text])
        }
    }

    @Test func tracesControlThroughTheTool() throws {
        let input = #"{"question": "q", "solution": "Step one.\n\nStep two. So $\boxed{7}$.", "answer": "7"}"# + "\n" + #"{"question": "q2"}"# + "\n"
        let s = try Support.run("s1-filter", ["traces", "--from", "solution", "--control", "steps"], stdin: input)
        try #require(s.status == 0, "\(s.stderr)")
        let out = Support.objects(s.stdout)
        #expect(out.count == 1 && out[0]["question"] as? String == "q\n\nThink for up to 2 steps.")
        #expect((out[0]["thinking_trajectories"] as? [String])?.first?.hasPrefix("<|im_start|>2 steps left\nStep one.\n<|im_start|>1 steps left\n") == true)
        // Run again on its own output: nothing changes.
        let again = try Support.run("s1-filter", ["traces", "--from", "solution", "--control", "steps"], stdin: s.stdout)
        #expect(again.status == 0 && again.stdout == s.stdout && again.stderr.contains("already had a `control` variant"), "\(again.stderr)")
        let t = try Support.run("s1-filter", ["traces", "--from", "solution", "--control", "tokens"], stdin: input)
        #expect(t.status != 0 && t.stderr.contains("--tokenizer"))
        let tok = try Support.run("s1-filter", ["traces", "--from", "solution", "--control", "tokens", "--tokenizer", Support.fixture("engine/tiny-qwen2")], stdin: input)
        try #require(tok.status == 0, "\(tok.stderr)")
        #expect((Support.objects(tok.stdout).first?["question"] as? String)?.hasPrefix("q\n\nThink for up to ") == true)
    }
}
