/// The forward pass of a Llama/Qwen2 decoder over one sequence slot of a preallocated KV cache
/// (llama2.c's split: config and weights are read-only, the run state and cache are this object's).
public final class Transformer {
    public let config: ModelConfig
    public let weights: ModelWeights
    public let cache: KVCache
    let rope: RoPE
    var mm = MatMul()
    /// Rows processed per pass; longer prompts go through in chunks.
    public let maxChunk: Int
    // Run state, sized for maxChunk rows: x, xb [T×D]; q, att [T×qDim]; k, v [T×kvDim]; g, u [T×F].
    let x, xb, q, k, v, att, g, u, logits: UnsafeMutablePointer<Float>
    /// One attention score scratch [maxChunk × capacity] per thread.
    let scores: [UnsafeMutablePointer<Float>]

    public init(_ m: LoadedModel, capacity: Int? = nil, slots: Int = 1, maxChunk: Int = 256) {
        BLAS.setThreads(1)   // parallelism comes from the worker pool (MatMul)
        config = m.config
        weights = m.weights
        let cap = min(capacity ?? m.config.contextLength, m.config.contextLength)
        cache = KVCache(config: config, capacity: cap, slots: slots)
        rope = RoPE(headDim: config.headDim, theta: config.ropeTheta, maxPositions: cap)
        self.maxChunk = maxChunk
        let c = config, n = maxChunk
        func buf(_ k: Int) -> UnsafeMutablePointer<Float> { let p = UnsafeMutablePointer<Float>.allocate(capacity: k); p.initialize(repeating: 0, count: k); return p }
        x = buf(n * c.dim); xb = buf(n * c.dim); q = buf(n * c.qDim); att = buf(n * c.qDim)
        k = buf(n * c.kvDim); v = buf(n * c.kvDim); g = buf(n * c.hiddenDim); u = buf(n * c.hiddenDim)
        scores = (0..<Parallel.threads).map { _ in buf(n * cap) }; logits = buf(c.vocabSize)
    }

    deinit {
        for p in [x, xb, q, k, v, att, g, u, logits] + scores { p.deallocate() }
        mm.free()
    }

    public var capacity: Int { cache.capacity }

    /// Runs `tokens` at positions start..<start+count of `slot` and returns the logits [V] of the last one.
    /// The buffer belongs to this transformer and is overwritten by the next call.
    public func forward(_ tokens: [Int32], start: Int, slot: Int = 0) -> UnsafeBufferPointer<Float> {
        precondition(start + tokens.count <= cache.capacity, "sequence longer than the KV cache")
        var s = 0
        while s < tokens.count {
            let n = min(maxChunk, tokens.count - s)
            tokens[s..<(s + n)].withUnsafeBufferPointer { chunk(Array($0), start: start + s, slot: slot) }
            s += n
        }
        // Only the last row needs logits: final norm and LM head on one row.
        let c = config
        let last = xb + (((tokens.count - 1) % maxChunk)) * c.dim
        RMSNorm.forward(x + ((tokens.count - 1) % maxChunk) * c.dim, weights.finalNorm, last, rows: 1, dim: c.dim, eps: c.normEps)
        mm.apply(last, rows: 1, weights.lmHead, logits)
        return UnsafeBufferPointer(start: logits, count: c.vocabSize)
    }

    /// Runs `tokens` and hands over the logits of every position, a chunk at a time:
    /// body(first position of the chunk − start, rows, logits [rows × V]).
    public func forwardAll(_ tokens: [Int32], start: Int, slot: Int = 0,
                           _ body: (Int, Int, UnsafePointer<Float>) -> Void) {
        precondition(start + tokens.count <= cache.capacity, "sequence longer than the KV cache")
        let c = config
        let all = UnsafeMutablePointer<Float>.allocate(capacity: maxChunk * c.vocabSize)
        defer { all.deallocate() }
        var s = 0
        while s < tokens.count {
            let n = min(maxChunk, tokens.count - s)
            chunk(Array(tokens[s..<(s + n)]), start: start + s, slot: slot)
            RMSNorm.forward(x, weights.finalNorm, xb, rows: n, dim: c.dim, eps: c.normEps)
            mm.apply(xb, rows: n, weights.lmHead, all)
            body(s, n, all)
            s += n
        }
    }

    func chunk(_ tokens: [Int32], start: Int, slot: Int) {
        let c = config, t = tokens.count
        for (i, tok) in tokens.enumerated() {
            let id = Int(tok)
            precondition(id >= 0 && id < weights.embed.rows, "token id \(id) outside the vocabulary")
            Dequantize.row(weights.embed.type, weights.embed.row(id), x + i * c.dim, c.dim)
        }
        for (l, w) in weights.layers.enumerated() {
            // Attention block: x += Wo · attn(rope(Wq·n(x)), rope(Wk·n(x)), Wv·n(x)).
            RMSNorm.forward(x, w.attnNorm, xb, rows: t, dim: c.dim, eps: c.normEps)
            mm.apply(xb, rows: t, w.q, q)
            mm.apply(xb, rows: t, w.k, k)
            mm.apply(xb, rows: t, w.v, v)
            if let b = w.qBias { addBias(q, b, rows: t, dim: c.qDim) }
            if let b = w.kBias { addBias(k, b, rows: t, dim: c.kvDim) }
            if let b = w.vBias { addBias(v, b, rows: t, dim: c.kvDim) }
            rope.apply(q, rows: t, stride: c.qDim, heads: c.heads) { start + $0 }
            rope.apply(k, rows: t, stride: c.kvDim, heads: c.kvHeads) { start + $0 }
            cache.store(layer: l, slot: slot, start: start, rows: t, k: k, v: v)
            Attention.forward(q: q, out: att, rows: t, start: start, cache: cache, layer: l, slot: slot,
                              heads: c.heads, scores: scores)
            mm.apply(att, rows: t, w.o, xb)
            for i in 0..<(t * c.dim) { x[i] += xb[i] }
            // FFN block: x += Wdown · (silu(Wgate·n(x)) ⊙ Wup·n(x)).
            RMSNorm.forward(x, w.ffnNorm, xb, rows: t, dim: c.dim, eps: c.normEps)
            mm.apply(xb, rows: t, w.gate, g)
            mm.apply(xb, rows: t, w.up, u)
            SwiGLU.forward(g, u, g, count: t * c.hiddenDim)
            mm.apply(g, rows: t, w.down, xb)
            for i in 0..<(t * c.dim) { x[i] += xb[i] }
        }
    }

    func addBias(_ y: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, rows: Int, dim: Int) {
        for r in 0..<rows { for i in 0..<dim { y[r * dim + i] += b[i] } }
    }
}
