/// The forward pass of a Llama/Qwen2 decoder over a preallocated KV cache with one slot per sequence
/// (llama2.c's split: config and weights are read-only, the run state and cache are this object's).
///
/// One pass takes a batch of *groups*: each group is one sequence's next tokens (a prompt chunk, forced
/// tokens, or the single token of a decode step) at its own slot and positions. All rows share every
/// weight matrix pass; a group's arithmetic never depends on the other groups (groups of one or two
/// tokens use the per-row kernels, longer ones the block kernel on their own rows only), so a sequence
/// decodes to the same tokens alone or in any batch.
public final class Transformer {
    public struct Group {
        public var slot: Int
        public var start: Int
        public var tokens: [Int32]
        public init(slot: Int, start: Int, tokens: [Int32]) {
            self.slot = slot
            self.start = start
            self.tokens = tokens
        }
    }

    public let config: ModelConfig
    public let weights: ModelWeights
    public let cache: KVCache
    let rope: RoPE
    var mm = MatMul()
    /// Most tokens of one sequence per pass; longer prompts go through in chunks of this size.
    public let maxChunk: Int
    /// Most rows per pass (all groups together).
    public let maxRows: Int
    // Run state, sized for maxRows: x, xb [T×D]; q, att [T×qDim]; k, v [T×kvDim]; g, u [T×F]; logits [slots×V].
    let x, xb, q, k, v, att, g, u, logits, lastRows: UnsafeMutablePointer<Float>
    /// One attention score scratch per thread: [maxChunk × capacity] for prefill, [heads × capacity] for decode.
    let scores: [UnsafeMutablePointer<Float>]
    private let scoreMemory: [ReservedMemory]
    let widened: [UnsafeMutablePointer<Float>]
    private let widenedMemory: [ReservedMemory]

    /// `kvDType`: nil = fp16 with weights in their stored types, fp32 with `--dtype f32` (`KVCache`).
    public init(_ m: LoadedModel, capacity: Int? = nil, slots: Int = 1, maxChunk: Int = 256, kvDType: KVCache.DType? = nil) {
        BLAS.setThreads(1)   // parallelism comes from the worker pool (MatMul)
        config = m.config
        weights = m.weights
        let cap = min(capacity ?? m.config.contextLength, m.config.contextLength)
        let quantized = m.weights.layers.first.map { $0.q.type != .f32 } ?? false
        cache = KVCache(config: config, capacity: cap, slots: slots, dtype: kvDType ?? (quantized ? .f16 : .f32))
        rope = RoPE(headDim: config.headDim, theta: config.ropeTheta)
        self.maxChunk = maxChunk
        maxRows = maxChunk + slots
        let c = config, n = maxRows
        func buf(_ k: Int) -> UnsafeMutablePointer<Float> { let p = UnsafeMutablePointer<Float>.allocate(capacity: k); p.initialize(repeating: 0, count: k); return p }
        x = buf(n * c.dim); xb = buf(n * c.dim); q = buf(n * c.qDim); att = buf(n * c.qDim)
        k = buf(n * c.kvDim); v = buf(n * c.kvDim); g = buf(n * c.hiddenDim); u = buf(n * c.hiddenDim)
        logits = buf(slots * c.vocabSize); lastRows = buf(slots * c.dim)
        // Touched only as far as the longest sequence reaches.
        // Room for a prefill chunk's [maxChunk × P] scores and a decode group's heads × (P rounded up to 16).
        scoreMemory = (0..<Parallel.threads).map { _ in ReservedMemory(byteCount: 4 * max(maxChunk, c.heads) * (cap + 16))! }
        scores = scoreMemory.map { $0.floats() }
        // fp16 keys and values of one head widened for a prompt chunk's matrix products: [2 × P × hd].
        let widenBytes = cache.dtype != .f32 ? 8 * cap * c.headDim : 1
        widenedMemory = (0..<Parallel.threads).map { _ in ReservedMemory(byteCount: widenBytes)! }
        widened = widenedMemory.map { $0.floats() }
    }

    deinit {
        for p in [x, xb, q, k, v, att, g, u, logits, lastRows] { p.deallocate() }
    }

    public var capacity: Int { cache.capacity }
    public var slots: Int { cache.slots }

    /// Runs `tokens` at positions start..<start+count of `slot` and returns the logits [V] of the last one.
    /// The buffer belongs to this transformer and is overwritten by the next call.
    public func forward(_ tokens: [Int32], start: Int, slot: Int = 0) -> UnsafeBufferPointer<Float> {
        precondition(!tokens.isEmpty && start + tokens.count <= cache.capacity, "sequence longer than the KV cache")
        var s = 0
        while s + maxChunk < tokens.count {
            pass([Group(slot: slot, start: start + s, tokens: Array(tokens[s..<(s + maxChunk)]))])
            s += maxChunk
        }
        let out = forward([Group(slot: slot, start: start + s, tokens: Array(tokens[s...]))])
        return out[0]
    }

    /// One pass over several sequences' groups (each at most maxChunk tokens, together at most maxRows,
    /// distinct slots); returns each group's last-position logits [V], valid until the next call.
    public func forward(_ groups: [Group]) -> [UnsafeBufferPointer<Float>] {
        let rows = pass(groups)
        let c = config
        // Final norm and LM head on each group's last row, with the per-row kernel.
        for (i, r) in rows.enumerated() { RMSNorm.forward(x + r * c.dim, weights.finalNorm, lastRows + i * c.dim, rows: 1, dim: c.dim, eps: c.normEps) }
        mm.applyPerRow(lastRows, rows: groups.count, weights.lmHead, logits)
        return (0..<groups.count).map { UnsafeBufferPointer(start: logits + $0 * c.vocabSize, count: c.vocabSize) }
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
            pass([Group(slot: slot, start: start + s, tokens: Array(tokens[s..<(s + n)]))])
            RMSNorm.forward(x, weights.finalNorm, xb, rows: n, dim: c.dim, eps: c.normEps)
            mm.apply(xb, rows: n, weights.lmHead, all)
            body(s, n, all)
            s += n
        }
    }

    /// The layers over all groups' rows. Rows are laid out small groups (≤ 2 tokens) first, so their
    /// matmuls run together through the per-row kernel; each longer group gets its own sgemm calls, over
    /// weight slabs dequantized once for all of them.
    /// Returns the row index of each group's last token.
    @discardableResult
    func pass(_ groups: [Group]) -> [Int] {
        let c = config
        let small = groups.indices.filter { groups[$0].tokens.count <= MatMul.matvecMaxRows }
        let large = groups.indices.filter { groups[$0].tokens.count > MatMul.matvecMaxRows }
        var rowStart = [Int](repeating: 0, count: groups.count)
        var t = 0
        for i in small + large { rowStart[i] = t; t += groups[i].tokens.count }
        precondition(t <= maxRows && groups.allSatisfy { $0.tokens.count <= maxChunk }, "batch larger than the run state")
        let smallRows = small.reduce(0) { $0 + groups[$1].tokens.count }
        var slotOf = [Int](repeating: 0, count: t), posOf = [Int](repeating: 0, count: t)
        for (i, gr) in groups.enumerated() {
            precondition(gr.start + gr.tokens.count <= cache.capacity, "sequence longer than the KV cache")
            for (j, tok) in gr.tokens.enumerated() {
                let id = Int(tok)
                precondition(id >= 0 && id < weights.embed.rows, "token id \(id) outside the vocabulary")
                let r = rowStart[i] + j
                slotOf[r] = gr.slot
                posOf[r] = gr.start + j
                Dequantize.row(weights.embed.type, weights.embed.row(id), x + r * c.dim, c.dim)
            }
        }
        let largeRows = large.map { rowStart[$0]..<(rowStart[$0] + groups[$0].tokens.count) }
        func matmul(_ inp: UnsafeMutablePointer<Float>, _ w: WeightMatrix, _ out: UnsafeMutablePointer<Float>) {
            if smallRows > 0 { mm.applyPerRow(inp, rows: smallRows, w, out) }
            if !largeRows.isEmpty { mm.apply(inp, groups: largeRows, w, out) }
        }
        for (l, w) in weights.layers.enumerated() {
            // Attention block: x += Wo · attn(rope(Wq·n(x)), rope(Wk·n(x)), Wv·n(x)).
            RMSNorm.forward(x, w.attnNorm, xb, rows: t, dim: c.dim, eps: c.normEps)
            matmul(xb, w.q, q)
            matmul(xb, w.k, k)
            matmul(xb, w.v, v)
            if let b = w.qBias { addBias(q, b, rows: t, dim: c.qDim) }
            if let b = w.kBias { addBias(k, b, rows: t, dim: c.kvDim) }
            if let b = w.vBias { addBias(v, b, rows: t, dim: c.kvDim) }
            // Qwen3: each head of q and k RMS-normalized on its own, before RoPE.
            if let qn = w.qNorm { RMSNorm.forward(q, qn, q, rows: t * c.heads, dim: c.headDim, eps: c.normEps) }
            if let kn = w.kNorm { RMSNorm.forward(k, kn, k, rows: t * c.kvHeads, dim: c.headDim, eps: c.normEps) }
            rope.apply(q, rows: t, stride: c.qDim, heads: c.heads) { posOf[$0] }
            rope.apply(k, rows: t, stride: c.kvDim, heads: c.kvHeads) { posOf[$0] }
            for (i, gr) in groups.enumerated() {
                let r = rowStart[i]
                cache.store(layer: l, slot: gr.slot, start: gr.start, rows: gr.tokens.count, k: k + r * c.kvDim, v: v + r * c.kvDim)
            }
            Attention.forward(groups: groups.indices.map { (rowStart[$0], groups[$0].tokens.count, groups[$0].start, groups[$0].slot) },
                              q: q, out: att, cache: cache, layer: l, heads: c.heads, scores: scores, widened: widened)
            matmul(att, w.o, xb)
            for i in 0..<(t * c.dim) { x[i] += xb[i] }
            // FFN block: x += Wdown · (silu(Wgate·n(x)) ⊙ Wup·n(x)).
            RMSNorm.forward(x, w.ffnNorm, xb, rows: t, dim: c.dim, eps: c.normEps)
            matmul(xb, w.gate, g)
            matmul(xb, w.up, u)
            SwiGLU.forward(g, u, g, count: t * c.hiddenDim)
            matmul(g, w.down, xb)
            for i in 0..<(t * c.dim) { x[i] += xb[i] }
        }
        return groups.indices.map { rowStart[$0] + groups[$0].tokens.count - 1 }
    }

    func addBias(_ y: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, rows: Int, dim: Int) {
        for r in 0..<rows { for i in 0..<dim { y[r * dim + i] += b[i] } }
    }
}
