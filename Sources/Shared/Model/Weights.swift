/// A weight matrix [rows = out, cols = in], row-major as PyTorch stores it, in any supported element type.
/// Quantized rows are whole blocks along `cols`.
public struct WeightMatrix {
    public let type: GGMLType
    public let data: UnsafeRawPointer
    public let rows: Int
    public let cols: Int
    public init(type: GGMLType, data: UnsafeRawPointer, rows: Int, cols: Int) {
        self.type = type
        self.data = data
        self.rows = rows
        self.cols = cols
    }
    public var rowBytes: Int { type.rowBytes(cols) }
    public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }
}

/// One transformer block's weights (HF: model.layers.N.*).
public struct LayerWeights {
    public var attnNorm: UnsafePointer<Float>      // input_layernorm [D]
    public var q: WeightMatrix, k: WeightMatrix, v: WeightMatrix, o: WeightMatrix
    public var qBias: UnsafePointer<Float>?, kBias: UnsafePointer<Float>?, vBias: UnsafePointer<Float>?
    /// Qwen3's per-head RMSNorm weights of q and k ([headDim] each).
    public var qNorm: UnsafePointer<Float>?, kNorm: UnsafePointer<Float>?
    public var ffnNorm: UnsafePointer<Float>       // post_attention_layernorm [D]
    public var gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix
}

/// All fp32 parameters in one flat buffer with named views (HF names), llm.c-style: the layout s1-sft's
/// gradients and Adam moments share.
public final class FlatParameters {
    public struct Entry { public let name: String; public let shape: [Int]; public let offset: Int; public var count: Int { shape.reduce(1, *) } }
    public let entries: [Entry]
    public let base: UnsafeMutablePointer<Float>
    public let count: Int
    private let index: [String: Int]

    public init(_ specs: [(String, [Int])]) {
        var off = 0
        var e: [Entry] = []
        for (n, s) in specs {
            e.append(Entry(name: n, shape: s, offset: off))
            off += s.reduce(1, *)
            off = (off + 15) / 16 * 16   // 64-byte aligned views
        }
        entries = e
        count = off
        base = .allocate(capacity: max(off, 1))
        base.initialize(repeating: 0, count: max(off, 1))
        index = Dictionary(uniqueKeysWithValues: e.enumerated().map { ($1.name, $0) })
    }

    deinit { base.deallocate() }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }
    public func view(_ name: String) -> UnsafeMutablePointer<Float>? { entry(name).map { base + $0.offset } }
}

/// Every weight of a model, by role. Matrices point into the memory-mapped file (`--dtype native`) or
/// into `flat` (`--dtype f32`, everything dequantized at load).
public final class ModelWeights {
    public let config: ModelConfig
    public let embed: WeightMatrix        // model.embed_tokens.weight [V, D]
    public let lmHead: WeightMatrix       // lm_head.weight, or embed when tied
    public let finalNorm: UnsafePointer<Float>
    public let layers: [LayerWeights]
    public let flat: FlatParameters?
    /// Whatever owns the memory the views point into (maps, permuted copies).
    let owners: [AnyObject]

    init(config: ModelConfig, embed: WeightMatrix, lmHead: WeightMatrix, finalNorm: UnsafePointer<Float>,
         layers: [LayerWeights], flat: FlatParameters?, owners: [AnyObject]) {
        self.config = config
        self.embed = embed
        self.lmHead = lmHead
        self.finalNorm = finalNorm
        self.layers = layers
        self.flat = flat
        self.owners = owners
    }

    /// Bytes of weight data the model reads per token (for memory and bandwidth reports).
    public var weightBytes: Int {
        var n = embed.rows * embed.rowBytes
        if !config.tiedEmbeddings { n += lmHead.rows * lmHead.rowBytes }
        for l in layers { for m in [l.q, l.k, l.v, l.o, l.gate, l.up, l.down] { n += m.rows * m.rowBytes } }
        return n
    }
}
