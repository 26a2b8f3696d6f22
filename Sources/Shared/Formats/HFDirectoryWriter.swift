import Foundation

/// Writes a model as a Hugging Face directory that transformers loads as it is: config.json,
/// model.safetensors (fp32, HF names), tokenizer.json and tokenizer_config.json. Written into a
/// temporary sibling directory and renamed into place, so a reader never sees half a checkpoint.
public enum HFDirectoryWriter {
    /// `extra` writes more files (optimizer state) into the temporary directory before it is renamed.
    public static func write(config c: ModelConfig, parameters p: FlatParameters, tokenizer: Tokenizer,
                             sourceTokenizerJSON: String? = nil, to dir: String, extra: ((String) throws -> Void)? = nil) throws {
        let fm = FileManager.default
        let tmp = dir + ".tmp-\(getpid())"
        try? fm.removeItem(atPath: tmp)
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        try hfConfig(c, tokenizer).write(tmp + "/config.json")
        try SafetensorsWriter.write(p.entries.map { ($0.name, $0.shape, UnsafePointer(p.base + $0.offset)) },
                                    to: tmp + "/model.safetensors")
        if let src = sourceTokenizerJSON {
            try fm.copyItem(atPath: src, toPath: tmp + "/tokenizer.json")
        } else {
            try Data(tokenizerJSON(tokenizer).bytes).write(to: URL(fileURLWithPath: tmp + "/tokenizer.json"))
        }
        try Data(tokenizerConfig(tokenizer, c).bytes).write(to: URL(fileURLWithPath: tmp + "/tokenizer_config.json"))
        try extra?(tmp)
        if fm.fileExists(atPath: dir) {
            let old = dir + ".old-\(getpid())"
            try fm.moveItem(atPath: dir, toPath: old)
            try fm.moveItem(atPath: tmp, toPath: dir)
            try fm.removeItem(atPath: old)
        } else {
            try fm.moveItem(atPath: tmp, toPath: dir)
        }
    }

    static func hfConfig(_ c: ModelConfig, _ t: Tokenizer) -> HFConfig {
        HFConfig(architectures: [c.arch == .llama ? "LlamaForCausalLM" : "Qwen2ForCausalLM"],
                 modelType: c.arch.rawValue, hiddenSize: c.dim, intermediateSize: c.hiddenDim,
                 numHiddenLayers: c.layers, numAttentionHeads: c.heads, numKeyValueHeads: c.kvHeads,
                 headDim: c.headDim, vocabSize: c.vocabSize, maxPositionEmbeddings: c.contextLength,
                 ropeTheta: c.ropeTheta, rmsNormEps: Double(c.normEps), tieWordEmbeddings: c.tiedEmbeddings,
                 attentionBias: c.arch == .llama ? c.qkvBias : nil,
                 bosTokenId: t.bos.map(Int.init), eosTokenId: t.eos.map { .one(Int($0)) },
                 torchDtype: "float32", hiddenAct: "silu")
    }

    /// tokenizer.json for a byte-level BPE: the vocabulary, merges, added tokens and the pre-tokenizer
    /// in the form `TokenizerLoader` recognizes (and Hugging Face `tokenizers` runs).
    static func tokenizerJSON(_ t: Tokenizer) -> JSONValue {
        let byteLevel = { (regex: Bool) -> JSONValue in
            .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)), ("trim_offsets", .bool(true)), ("use_regex", .bool(regex))])
        }
        let pre: JSONValue
        switch t.preTokenizer {
        case .gpt2: pre = byteLevel(true)
        case .digitsThenGPT2:
            pre = .object([("type", .string("Sequence")), ("pretokenizers", .array([
                .object([("type", .string("Digits")), ("individual_digits", .bool(true))]), byteLevel(true)]))])
        case .qwen2:
            pre = .object([("type", .string("Sequence")), ("pretokenizers", .array([
                .object([("type", .string("Split")), ("pattern", .object([("Regex", .string(TokenizerLoader.qwen2Pattern))])),
                         ("behavior", .string("Isolated")), ("invert", .bool(false))]), byteLevel(false)]))])
        }
        let added: [JSONValue] = t.addedTokens.map { a in
            .object([("id", .int(Int(a.id))), ("content", .string(a.text)), ("single_word", .bool(false)), ("lstrip", .bool(false)),
                     ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(a.special))])
        }
        let vocab: [(String, JSONValue)] = t.tokens.enumerated().map { ($1, .int($0)) }
        return .object([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null),
            ("added_tokens", .array(added)), ("normalizer", .null), ("pre_tokenizer", pre), ("post_processor", .null),
            ("decoder", .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)), ("trim_offsets", .bool(true)), ("use_regex", .bool(true))])),
            ("model", .object([("type", .string("BPE")), ("dropout", .null), ("unk_token", .null), ("continuing_subword_prefix", .null),
                               ("end_of_word_suffix", .null), ("fuse_unk", .bool(false)), ("byte_fallback", .bool(false)),
                               ("ignore_merges", .bool(false)), ("vocab", .object(vocab)),
                               ("merges", .array(t.merges.map { .array([.string($0.0), .string($0.1)]) }))])),
        ])
    }

    static func tokenizerConfig(_ t: Tokenizer, _ c: ModelConfig) -> JSONValue {
        var m: [(String, JSONValue)] = [("tokenizer_class", .string("PreTrainedTokenizerFast")), ("add_bos_token", .bool(false)),
                                        ("model_max_length", .int(c.contextLength)), ("clean_up_tokenization_spaces", .bool(false))]
        if let b = t.bos { m.append(("bos_token", .string(t.tokens[Int(b)]))) }
        if let e = t.eos { m.append(("eos_token", .string(t.tokens[Int(e)]))) }
        return .object(m)
    }
}
