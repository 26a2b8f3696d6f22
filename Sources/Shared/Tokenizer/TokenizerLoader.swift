import Foundation

/// Builds a `Tokenizer` from GGUF metadata (`tokenizer.ggml.*`) or from a Hugging Face tokenizer.json.
public enum TokenizerLoader {
    public static func load(gguf: GGUFFile) throws -> Tokenizer {
        let md = gguf.metadata, src = gguf.path
        guard let model = md["tokenizer.ggml.model"]?.string else { throw ModelFileError(src, "no tokenizer in the GGUF metadata") }
        guard model == "gpt2" else { throw ModelFileError(src, "tokenizer model \"\(model)\" is not byte-level BPE (gpt2); not supported") }
        guard let tokItems = md["tokenizer.ggml.tokens"]?.array, !tokItems.isEmpty else {
            throw ModelFileError(src, "tokenizer.ggml.tokens missing")
        }
        let toks = tokItems.compactMap(\.string)
        guard toks.count == tokItems.count else { throw ModelFileError(src, "tokenizer.ggml.tokens holds values that are not strings") }
        guard toks.count <= maxTokenID else { throw ModelFileError(src, "tokenizer.ggml.tokens has \(toks.count) tokens, over \(maxTokenID)") }
        let merges = try (md["tokenizer.ggml.merges"]?.array ?? []).map { v -> (String, String) in
            guard let s = v.string, let sp = s.firstIndex(of: " ") else { throw ModelFileError(src, "malformed merge \(v)") }
            return (String(s[..<sp]), String(s[s.index(after: sp)...]))
        }
        let typeItems = md["tokenizer.ggml.token_type"]?.array ?? []
        let types = typeItems.compactMap(\.int)
        guard types.count == typeItems.count else { throw ModelFileError(src, "tokenizer.ggml.token_type holds values that are not integers") }
        guard types.isEmpty || types.count == toks.count else {
            throw ModelFileError(src, "tokenizer.ggml.token_type has \(types.count) entries for \(toks.count) tokens")
        }
        // llama.cpp token types: 3 = control (special), 4 = user-defined; both are matched whole in text.
        var added: [(String, Int32, special: Bool)] = []
        for (i, t) in types.enumerated() where t == 3 || t == 4 { added.append((toks[i], Int32(i), t == 3)) }
        let pre: PreTokenizer
        switch md["tokenizer.ggml.pre"]?.string ?? "default" {
        case "smollm": pre = .digitsThenGPT2
        case "qwen2": pre = .qwen2
        case "gpt-2", "gpt2", "default": pre = .gpt2
        case let other: throw ModelFileError(src, "pre-tokenizer \"\(other)\" is not supported (smollm, qwen2, gpt-2)")
        }
        func special(_ key: String) throws -> Int32? {
            guard let v = md[key] else { return nil }
            guard let id = v.int, (0..<toks.count).contains(id) else { throw ModelFileError(src, "\(key) is not a token id below \(toks.count)") }
            return Int32(id)
        }
        return try Tokenizer(tokens: toks, merges: merges, added: added, preTokenizer: pre,
                             bos: special("tokenizer.ggml.bos_token_id"), eos: special("tokenizer.ggml.eos_token_id"), source: src)
    }

    /// Token ids are below this (the vocabulary bound of `ModelConfig`), so no id can make the loader allocate more.
    static let maxTokenID = 1 << 24

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    public static func load(tokenizerJSON path: String) throws -> Tokenizer {
        let bytes = try MappedFile.document(path)
        let root = try bytes.withUnsafeBytes { try parseJSONDocument($0, path: path, what: "tokenizer.json") }
        guard let model = root["model"], model["type"]?.string == "BPE" else {
            throw ModelFileError(path, "model.type is not BPE; only byte-level BPE tokenizers are supported")
        }
        guard let vocabObj = model["vocab"], vocabObj.isObject else { throw ModelFileError(path, "model.vocab missing") }
        let members = vocabObj.members
        var toks = [String](repeating: "", count: members.count)
        var maxID = -1
        for (k, v) in members {
            guard let id = v.int, (0..<Self.maxTokenID).contains(id) else { throw ModelFileError(path, "vocab entry \"\(k)\" has no id in 0…\(Self.maxTokenID - 1)") }
            if id >= toks.count { toks += [String](repeating: "", count: id - toks.count + 1) }
            toks[id] = k
            maxID = max(maxID, id)
        }
        let merges: [(String, String)] = try (model["merges"]?.elements ?? []).map { m in
            if let s = m.string, let sp = s.firstIndex(of: " ") { return (String(s[..<sp]), String(s[s.index(after: sp)...])) }
            let pair = m.strings
            guard pair.count == 2 else { throw ModelFileError(path, "malformed merge \(String(decoding: m.raw, as: UTF8.self))") }
            return (pair[0], pair[1])
        }
        var added: [(String, Int32, special: Bool)] = []
        for a in root["added_tokens"]?.elements ?? [] {
            guard let id = a["id"]?.int, (0..<Self.maxTokenID).contains(id), let content = a["content"]?.string else {
                throw ModelFileError(path, "added token \(String(decoding: a.raw.prefix(120), as: UTF8.self)) has no content or no id in 0…\(Self.maxTokenID - 1)")
            }
            if id >= toks.count { toks += [String](repeating: "", count: id - toks.count + 1) }
            if toks[id].isEmpty { toks[id] = content }
            added.append((content, Int32(id), a["special"]?.bool ?? false))
        }
        let nfc: Bool
        switch root["normalizer"].flatMap({ $0.isNull ? nil : $0["type"]?.string }) {
        case nil: nfc = false
        case "NFC": nfc = true
        case let other?: throw ModelFileError(path, "normalizer \(other) is not supported (none or NFC)")
        }
        let pre = try preTokenizer(root["pre_tokenizer"], path)
        let eos = ["<|im_end|>", "<|endoftext|>", "</s>"].lazy.compactMap { n in added.first { $0.0 == n }?.1 }.first
        return try Tokenizer(tokens: toks, merges: merges, added: added, preTokenizer: pre,
                             ignoreMerges: model["ignore_merges"]?.bool ?? false, nfc: nfc,
                             unk: model["unk_token"]?.string.flatMap { u in added.first { $0.0 == u }?.1 ?? members.first { $0.key == u }?.value.int.map(Int32.init) },
                             eos: eos, source: path)
    }

    /// Recognizes the pre-tokenizer configurations of the supported families.
    static func preTokenizer(_ p: JSONRef?, _ path: String) throws -> PreTokenizer {
        func describe() -> String { p.map { String(decoding: $0.raw.prefix(300), as: UTF8.self) } ?? "null" }
        guard let p, !p.isNull else { throw ModelFileError(path, "no pre_tokenizer (a byte-level BPE needs one)") }
        let steps = p["type"]?.string == "Sequence" ? (p["pretokenizers"]?.elements ?? []) : [p]
        let kinds = steps.map { $0["type"]?.string ?? "?" }
        func isByteLevel(_ s: JSONRef, regex: Bool) -> Bool {
            s["type"]?.string == "ByteLevel" && (s["use_regex"]?.bool ?? true) == regex && !(s["add_prefix_space"]?.bool ?? false)
        }
        if kinds == ["ByteLevel"], isByteLevel(steps[0], regex: true) { return .gpt2 }
        if kinds == ["Digits", "ByteLevel"], steps[0]["individual_digits"]?.bool == true, isByteLevel(steps[1], regex: true) {
            return .digitsThenGPT2
        }
        if kinds == ["Split", "ByteLevel"], isByteLevel(steps[1], regex: false),
           let pat = steps[0]["pattern"]?["Regex"]?.string {
            if pat == qwen2Pattern { return .qwen2 }
            if pat == gpt2Pattern { return .gpt2 }
        }
        throw ModelFileError(path, "unsupported pre_tokenizer \(describe())")
    }
}
