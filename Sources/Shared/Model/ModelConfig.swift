/// The hyper-parameters a Llama, Qwen2 or Qwen3 forward pass needs, read from the model's own metadata
/// (GGUF keys `<arch>.*` or config.json), never assumed. Qwen3 differs from Qwen2 by per-head RMSNorms of
/// q and k before RoPE (`qkNorm`), no q/k/v biases and a head size that need not be dim/heads.
public struct ModelConfig: Equatable {
    public enum Arch: String { case llama, qwen2, qwen3 }
    public var arch: Arch
    public var dim: Int            // hidden size D
    public var hiddenDim: Int      // FFN width F
    public var layers: Int
    public var heads: Int          // query heads H
    public var kvHeads: Int        // key/value heads (GQA: H is a multiple)
    public var headDim: Int        // hd; H·hd need not equal D
    public var vocabSize: Int
    public var contextLength: Int
    public var ropeTheta: Double
    public var normEps: Float
    public var tiedEmbeddings: Bool
    public var qkvBias: Bool
    /// Qwen3: RMSNorm over each head of q and of k (weights [headDim]) after the projections.
    public var qkNorm: Bool

    public var qDim: Int { heads * headDim }
    public var kvDim: Int { kvHeads * headDim }

    public init(gguf g: GGUFFile) throws {
        let md = g.metadata
        guard let a = md["general.architecture"]?.string else { throw ModelFileError(g.path, "no general.architecture") }
        guard let arch = Arch(rawValue: a) else { throw ModelFileError(g.path, "architecture \(a) is not supported (llama, qwen2, qwen3)") }
        func int(_ k: String) throws -> Int {
            guard let raw = md["\(a).\(k)"] else { throw ModelFileError(g.path, "metadata \(a).\(k) missing") }
            guard let v = raw.int else { throw ModelFileError(g.path, "metadata \(a).\(k) is not an integer") }
            return v   // range checked by validate()
        }
        self.arch = arch
        dim = try int("embedding_length")
        hiddenDim = try int("feed_forward_length")
        layers = try int("block_count")
        heads = try int("attention.head_count")
        kvHeads = md["\(a).attention.head_count_kv"]?.int ?? heads
        headDim = md["\(a).attention.key_length"]?.int ?? (heads > 0 ? dim / heads : 0)   // 0 heads: refused by validate()
        vocabSize = md["\(a).vocab_size"]?.int ?? md["tokenizer.ggml.tokens"]?.array?.count ?? 0
        contextLength = try int("context_length")
        ropeTheta = md["\(a).rope.freq_base"]?.double ?? 10000
        normEps = Float(md["\(a).attention.layer_norm_rms_epsilon"]?.double ?? 1e-5)
        tiedEmbeddings = g.tensor("output.weight") == nil
        qkvBias = g.tensor("blk.0.attn_q.bias") != nil
        qkNorm = g.tensor("blk.0.attn_q_norm.weight") != nil
        try validate(g.path)
        // The block count must be what the file holds: no more (tensors missing) and no fewer (ignored).
        guard g.tensor("blk.\(layers - 1).attn_norm.weight") != nil, g.tensor("blk.\(layers).attn_norm.weight") == nil else {
            let held = (0..<(1 << 16)).first { g.tensor("blk.\($0).attn_norm.weight") == nil } ?? (1 << 16)
            throw ModelFileError(g.path, "\(a).block_count is \(layers) but the file holds \(held) layers")
        }
    }

    public init(hf c: HFConfig, path: String, hasLMHead: Bool, hasQKVBias: Bool, hasQKNorm: Bool = false) throws {
        switch c.modelType {
        case "llama": arch = .llama
        case "qwen2": arch = .qwen2
        case "qwen3": arch = .qwen3
        default: throw ModelFileError(path, "model_type \(c.modelType) is not supported (llama, qwen2, qwen3)")
        }
        dim = c.hiddenSize
        hiddenDim = c.intermediateSize
        layers = c.numHiddenLayers
        heads = c.numAttentionHeads
        kvHeads = c.numKeyValueHeads ?? c.numAttentionHeads
        headDim = c.headDim ?? (c.numAttentionHeads > 0 ? c.hiddenSize / c.numAttentionHeads : 0)   // 0 heads: refused by validate()
        vocabSize = c.vocabSize
        contextLength = c.maxPositionEmbeddings ?? 2048
        ropeTheta = c.theta ?? 10000
        normEps = Float(c.rmsNormEps ?? 1e-6)
        tiedEmbeddings = c.tieWordEmbeddings ?? !hasLMHead
        qkvBias = hasQKVBias
        qkNorm = hasQKNorm
        try validate(path)
    }

    /// Every size has a bound, checked before anything is allocated, divided or indexed.
    static let bounds: [(String, KeyPath<ModelConfig, Int>, Int)] = [
        ("vocabulary size", \.vocabSize, 1 << 24), ("context length", \.contextLength, 1 << 22), ("layer count", \.layers, 1 << 16),
        ("hidden size", \.dim, 1 << 16), ("FFN size", \.hiddenDim, 1 << 18), ("attention heads", \.heads, 1 << 12),
        ("KV heads", \.kvHeads, 1 << 12), ("head size", \.headDim, 1 << 12),
    ]

    func validate(_ path: String) throws {
        for (name, key, limit) in Self.bounds where !(1...limit).contains(self[keyPath: key]) {
            throw ModelFileError(path, "\(name) \(self[keyPath: key]) is outside 1…\(limit)")
        }
        guard kvHeads <= heads else { throw ModelFileError(path, "\(kvHeads) KV heads for \(heads) query heads") }
        guard heads % kvHeads == 0 else { throw ModelFileError(path, "\(heads) query heads are not a multiple of \(kvHeads) KV heads") }
        guard headDim % 2 == 0 else { throw ModelFileError(path, "head size \(headDim) is odd (RoPE needs pairs)") }
        guard vocabSize > 0 else { throw ModelFileError(path, "vocabulary size unknown") }
    }
}
