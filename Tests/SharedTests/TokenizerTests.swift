import Foundation
import Testing
import Shared

/// Token-for-token equality with Hugging Face `tokenizers` (fixtures from scripts/make-engine-fixtures.py)
/// on hundreds of real texts: MATH500, AIME, code, Unicode, whitespace runs, chat markup.
@Suite struct TokenizerTests {
    func check(_ tok: Tokenizer, _ fixture: String) throws {
        let rows = Support.fixtureObjects("engine/" + fixture)
        try #require(rows.count > 250)
        var mismatches = 0
        for row in rows {
            let text = row["text"] as! String
            let want = (row["ids"] as! [Int]).map(Int32.init)
            let got = tok.encode(text)
            if got != want {
                mismatches += 1
                if mismatches <= 3 { Issue.record("\(fixture): \(text.debugDescription.prefix(120))\n got \(got.prefix(40))\nwant \(want.prefix(40))") }
            }
            #expect(tok.decode(got) == text, "decode(encode(x)) != x for \(text.debugDescription.prefix(80))")
        }
        #expect(mismatches == 0, "\(mismatches) of \(rows.count) texts tokenized differently")
    }

    @Test func smolLM2FromGGUFMatchesTheReference() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let tok = try TokenizerLoader.load(gguf: GGUFFile(path: Support.smolModel))
        #expect(tok.vocabSize == 49152 && tok.preTokenizer == .digitsThenGPT2)
        #expect(tok.encode("12345").count == 5)
        #expect(tok.encode("<|im_start|>user") == [1] + tok.encode("user"))
        try check(tok, "tokenizer-smollm2.jsonl")
    }

    @Test func qwen2PatternFromTokenizerJSONMatchesTheReference() throws {
        let tok = try TokenizerLoader.load(tokenizerJSON: Support.fixture("engine/tiny-qwen2/tokenizer.json"))
        #expect(tok.preTokenizer == .qwen2)
        try check(tok, "tokenizer-tinyqwen.jsonl")
    }

    @Test func streamingDecodeHoldsBackSplitCharacters() throws {
        let tok = try TokenizerLoader.load(tokenizerJSON: Support.fixture("engine/tiny-qwen2/tokenizer.json"))
        let text = "naïve 😀 日本 ok"
        let ids = tok.encode(text)
        var d = StreamingDecoder(tok)
        var pieces: [String] = []
        for id in ids { pieces.append(d.push(id)) }
        pieces.append(d.finish())
        #expect(pieces.joined() == text)
        #expect(!pieces.contains { $0.contains("\u{FFFD}") }, "a piece held half a character: \(pieces)")
        #expect(ids.count > text.unicodeScalars.count / 2)   // the emoji really is split over byte tokens
    }
}
