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
            guard let v = md["\(a).\(k)"]?.int, v > 0 else { throw ModelFileError(g.path, "metadata \(a).\(k) missing") }
            return v
        }
        self.arch = arch
        dim = try int("embedding_length")
        hiddenDim = try int("feed_forward_length")
        layers = try int("block_count")
        heads = try int("attention.head_count")
        kvHeads = md["\(a).attention.head_count_kv"]?.int ?? heads
        headDim = md["\(a).attention.key_length"]?.int ?? dim / heads
        vocabSize = md["\(a).vocab_size"]?.int ?? md["tokenizer.ggml.tokens"]?.array?.count ?? 0
        contextLength = try int("context_length")
        ropeTheta = md["\(a).rope.freq_base"]?.double ?? 10000
        normEps = Float(md["\(a).attention.layer_norm_rms_epsilon"]?.double ?? 1e-5)
        tiedEmbeddings = g.tensor("output.weight") == nil
        qkvBias = g.tensor("blk.0.attn_q.bias") != nil
        qkNorm = g.tensor("blk.0.attn_q_norm.weight") != nil
        try validate(g.path)
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
        headDim = c.headDim ?? c.hiddenSize / c.numAttentionHeads
        vocabSize = c.vocabSize
        contextLength = c.maxPositionEmbeddings ?? 2048
        ropeTheta = c.theta ?? 10000
        normEps = Float(c.rmsNormEps ?? 1e-6)
        tiedEmbeddings = c.tieWordEmbeddings ?? !hasLMHead
        qkvBias = hasQKVBias
        qkNorm = hasQKNorm
        try validate(path)
    }

    func validate(_ path: String) throws {
        guard heads % kvHeads == 0 else { throw ModelFileError(path, "\(heads) query heads are not a multiple of \(kvHeads) KV heads") }
        guard headDim % 2 == 0 else { throw ModelFileError(path, "head size \(headDim) is odd (RoPE needs pairs)") }
        guard vocabSize > 0 else { throw ModelFileError(path, "vocabulary size unknown") }
    }
}
