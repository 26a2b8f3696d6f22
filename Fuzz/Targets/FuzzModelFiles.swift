import Glibc

/// Model files: a GGUF file (header, metadata, tensor directory, then the whole load with its tokenizer and
/// weights), its tokenizer metadata alone, safetensors headers and shard indexes, config.json and
/// tokenizer.json. Every input must load or throw; nothing may trap, read out of bounds or allocate
/// without bound.
enum FuzzGGUF {
    static func run(_ b: UnsafeRawBufferPointer) {
        let path = FuzzTargets.file(b, "m.gguf")
        guard let g = try? GGUFFile(path: path) else { return }
        for t in g.tensors.prefix(64) { _ = g.data(t) }
        _ = try? ModelConfig(gguf: g)
        if let m = try? ModelLoader.load(path, dtype: .native) {
            let t = Transformer(m, capacity: 8)
            _ = t.forward([0, Int32(m.config.vocabSize - 1)], start: 0)
        }
    }
}

enum FuzzGGUFTokenizer {
    static func run(_ b: UnsafeRawBufferPointer) {
        let path = FuzzTargets.file(b, "t.gguf")
        guard let g = try? GGUFFile(path: path), let tok = try? TokenizerLoader.load(gguf: g) else { return }
        let ids = tok.encode("Hello <|im_start|>wörld 123\n\t!")
        _ = tok.decode(ids)
    }
}

enum FuzzSafetensors {
    static func run(_ b: UnsafeRawBufferPointer) {
        let path = FuzzTargets.file(b, "m.safetensors")
        guard let st = try? SafetensorsReader(path: path) else { return }
        for n in st.names.prefix(16) where st.tensors[n]!.elementCount <= 1 << 16 { _ = st.tensors[n]!.floats() }
    }
}

/// An index naming shards of a directory that holds one real shard (copied from the seed corpus's model).
enum FuzzSafetensorsIndex {
    static let shard = "model-00001-of-00001.safetensors"
    static func run(_ b: UnsafeRawBufferPointer) {
        let dir = FuzzTargets.dir + "/idx"
        mkdir(dir, 0o700)
        if let seed = getenv("S1_FUZZ_SHARD") { FuzzTargets.copy(String(cString: seed), "idx/" + shard) }
        FuzzTargets.file(b, "idx/model.safetensors.index.json")
        _ = try? SafetensorsReader(path: dir)
    }
}

enum FuzzHFConfig {
    static func run(_ b: UnsafeRawBufferPointer) {
        let path = FuzzTargets.file(b, "config.json")
        guard let c = try? HFConfig.load(path) else { return }
        _ = try? ModelConfig(hf: c, path: path, hasLMHead: b.count % 2 == 0, hasQKVBias: b.count % 3 == 0)
    }
}

enum FuzzTokenizerJSON {
    static func run(_ b: UnsafeRawBufferPointer) {
        let path = FuzzTargets.file(b, "tokenizer.json")
        guard let tok = try? TokenizerLoader.load(tokenizerJSON: path) else { return }
        let ids = tok.encode("Hello <|im_start|>wörld 123\n\t!")
        _ = tok.decode(ids + [0, Int32(tok.vocabSize - 1)])
    }
}

enum FuzzTrainerState {
    static func run(_ b: UnsafeRawBufferPointer) {
        _ = try? TrainerState.parse(Array(b), path: "trainer_state.json")
    }
}
