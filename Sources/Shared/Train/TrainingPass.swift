import Foundation

/// One example's forward pass with saved activations and its backward pass into a gradient buffer laid out
/// like the parameters (llm.c's scheme: one flat buffer of weights, one of gradients, named views).
/// fp32 throughout. Attention is tiled (no T×T matrix), the LM head and loss run 256 rows at a time, and
/// with `checkpointActivations` only each layer's input is kept: the backward pass recomputes the rest
/// of a layer from it, so memory grows with T·D per layer instead of T·(4D + 2·qDim + 2·kvDim + 3F).
public final class TrainingPass {
    public let config: ModelConfig
    public let params: FlatParameters
    public let grads: FlatParameters
    let rope: RoPE
    public let maxLen: Int

    // Saved activations per layer: xIn, a, xMid, b [T×D]; q, o [T×qDim]; k, v [T×kvDim]; g, u, h [T×F];
    // lse [H×T]. With checkpointing all layers share one set except xIn.
    struct LayerActs { var xIn, a, q, k, v, o, xMid, b, g, u, h, lse: UnsafeMutablePointer<Float> }
    var acts: [LayerActs] = []
    let xFinal, f, logits, dx, dtmp, dq, dk, dv, dgBuf, duBuf, dhBuf, xRecompute: UnsafeMutablePointer<Float>
    var owned: [UnsafeMutablePointer<Float>] = []
    public let checkpointActivations: Bool
    let attention: TiledAttention
    static let headRows = 256

    public init(config c: ModelConfig, params: FlatParameters, maxLen: Int, checkpointActivations: Bool = false) {
        config = c
        self.params = params
        grads = FlatParameters(ModelLoader.parameterSpecs(c))
        rope = RoPE(headDim: c.headDim, theta: c.ropeTheta)
        self.maxLen = maxLen
        self.checkpointActivations = checkpointActivations
        attention = TiledAttention(heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim)
        var owned: [UnsafeMutablePointer<Float>] = []
        func buf(_ n: Int) -> UnsafeMutablePointer<Float> { let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1)); owned.append(p); return p }
        let T = maxLen
        func layerSet(xIn: UnsafeMutablePointer<Float>) -> LayerActs {
            LayerActs(xIn: xIn, a: buf(T * c.dim), q: buf(T * c.qDim), k: buf(T * c.kvDim), v: buf(T * c.kvDim),
                      o: buf(T * c.qDim), xMid: buf(T * c.dim), b: buf(T * c.dim), g: buf(T * c.hiddenDim),
                      u: buf(T * c.hiddenDim), h: buf(T * c.hiddenDim), lse: buf(c.heads * T))
        }
        if checkpointActivations {
            var shared = layerSet(xIn: buf(T * c.dim))
            for _ in 0..<c.layers { shared.xIn = buf(T * c.dim); acts.append(shared) }
        } else {
            for _ in 0..<c.layers { acts.append(layerSet(xIn: buf(T * c.dim))) }
        }
        xFinal = buf(T * c.dim); f = buf(T * c.dim); logits = buf(Self.headRows * c.vocabSize); dx = buf(T * c.dim)
        dtmp = buf(T * max(c.dim, c.qDim)); dq = buf(T * c.qDim); dk = buf(T * c.kvDim); dv = buf(T * c.kvDim)
        dgBuf = buf(T * c.hiddenDim); duBuf = buf(T * c.hiddenDim); dhBuf = buf(T * c.hiddenDim); xRecompute = buf(T * c.dim)
        self.owned = owned
    }

    deinit { for p in owned { p.deallocate() } }

    func w(_ name: String) -> UnsafeMutablePointer<Float> { params.view(name)! }
    func gw(_ name: String) -> UnsafeMutablePointer<Float> { grads.view(name)! }
    func wOpt(_ name: String) -> UnsafeMutablePointer<Float>? { params.view(name) }
    var lmHeadName: String { config.tiedEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight" }

    /// Forward and backward of one example. Loss positions: tokens lossStart..<T (each predicted from the
    /// one before). Gradients are added into `grads`, scaled by `scale` (1 / loss tokens of the batch).
    /// Returns the example's summed NLL.
    @discardableResult
    public func accumulate(ids: [Int32], lossStart: Int, scale: Float) -> Double {
        let c = config, T = ids.count, D = c.dim, F = c.hiddenDim, V = c.vocabSize, H = c.heads
        precondition(T <= maxLen && T >= 2)
        let qDim = c.qDim, kvDim = c.kvDim
        let emb = w("model.embed_tokens.weight")
        // ---- forward ----
        let x = dx   // the residual stream during the forward pass (dx is reused for gradients after)
        for t in 0..<T { (x + t * D).update(from: emb + Int(ids[t]) * D, count: D) }
        for l in 0..<c.layers {
            acts[l].xIn.update(from: x, count: T * D)
            layerForward(l, x, T)
        }
        xFinal.update(from: x, count: T * D)
        RMSNorm.forward(xFinal, w("model.norm.weight"), f, rows: T, dim: D, eps: c.normEps)
        // ---- loss and LM-head backward, 256 rows at a time: softmax cross-entropy at rows t−1 predicting
        // ids[t]; each block's logits become dlogits in place. Only rows that predict a loss token go through
        // the head (the prompt's rows and the last row have no target: their gradient is zero) ----
        let head = w(lmHeadName), gHead = gw(lmHeadName)
        var nll = 0.0
        let lo = max(lossStart, 1) - 1, hi = T - 1
        for i in 0..<(lo * D) { dtmp[i] = 0 }
        for i in (max(lo, hi) * D)..<(T * D) { dtmp[i] = 0 }
        for r0 in stride(from: lo, to: hi, by: Self.headRows) {
            let n = min(Self.headRows, hi - r0)
            BLAS.gemmNT(n, V, D, f + r0 * D, lda: D, head, ldb: D, logits, ldc: V)
            for rr in 0..<n {
                let r = r0 + rr, row = logits + rr * V
                var mx = -Float.infinity
                for i in 0..<V { mx = max(mx, row[i]) }
                var z = 0.0
                for i in 0..<V { z += Foundation.exp(Double(row[i] - mx)) }
                let target = Int(ids[r + 1])
                nll += Foundation.log(z) + Double(mx) - Double(row[target])
                for i in 0..<V { row[i] = Float(Foundation.exp(Double(row[i] - mx)) / z) * scale }
                row[target] -= scale
            }
            BLAS.gemmTN(V, D, n, logits, lda: V, f + r0 * D, ldb: D, gHead, ldc: D, beta: 1)
            BLAS.gemmNN(n, D, V, logits, lda: V, head, ldb: D, dtmp + r0 * D, ldc: D)
        }
        // ---- backward ----
        for i in 0..<(T * D) { dx[i] = 0 }
        RMSNorm.backward(dtmp, xFinal, w("model.norm.weight"), dx, gw("model.norm.weight"), rows: T, dim: D, eps: c.normEps)
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let A = acts[l], p = "model.layers.\(l)."
            if checkpointActivations {
                xRecompute.update(from: A.xIn, count: T * D)
                layerForward(l, xRecompute, T)
            }
            // FFN: x_out = x_mid + Wd·(silu(Wg·b) ⊙ Wu·b), b = norm(x_mid).
            BLAS.gemmTN(D, F, T, dx, lda: D, A.h, ldb: F, gw(p + "mlp.down_proj.weight"), ldc: F, beta: 1)
            BLAS.gemmNN(T, F, D, dx, lda: D, w(p + "mlp.down_proj.weight"), ldb: F, dhBuf, ldc: F)
            SwiGLU.backward(dhBuf, A.g, A.u, dgBuf, duBuf, count: T * F)
            BLAS.gemmTN(F, D, T, dgBuf, lda: F, A.b, ldb: D, gw(p + "mlp.gate_proj.weight"), ldc: D, beta: 1)
            BLAS.gemmTN(F, D, T, duBuf, lda: F, A.b, ldb: D, gw(p + "mlp.up_proj.weight"), ldc: D, beta: 1)
            BLAS.gemmNN(T, D, F, dgBuf, lda: F, w(p + "mlp.gate_proj.weight"), ldb: D, dtmp, ldc: D)
            BLAS.gemmNN(T, D, F, duBuf, lda: F, w(p + "mlp.up_proj.weight"), ldb: D, dtmp, ldc: D, beta: 1)
            RMSNorm.backward(dtmp, A.xMid, w(p + "post_attention_layernorm.weight"), dx, gw(p + "post_attention_layernorm.weight"), rows: T, dim: D, eps: c.normEps)
            // Attention: x_mid = x_in + Wo·attn(…).
            BLAS.gemmTN(D, qDim, T, dx, lda: D, A.o, ldb: qDim, gw(p + "self_attn.o_proj.weight"), ldc: qDim, beta: 1)
            BLAS.gemmNN(T, qDim, D, dx, lda: D, w(p + "self_attn.o_proj.weight"), ldb: qDim, dtmp, ldc: qDim)   // dO
            for i in 0..<(T * kvDim) { dk[i] = 0; dv[i] = 0 }
            attention.backward(q: A.q, k: A.k, v: A.v, o: A.o, lse: A.lse, dO: dtmp, rows: T, dq: dq, dk: dk, dv: dv)
            rope.apply(dq, rows: T, stride: qDim, heads: H, inverse: true) { $0 }
            rope.apply(dk, rows: T, stride: kvDim, heads: c.kvHeads, inverse: true) { $0 }
            if let gb = grads.view(p + "self_attn.q_proj.bias") { sumRows(dq, gb, T, qDim) }
            if let gb = grads.view(p + "self_attn.k_proj.bias") { sumRows(dk, gb, T, kvDim) }
            if let gb = grads.view(p + "self_attn.v_proj.bias") { sumRows(dv, gb, T, kvDim) }
            BLAS.gemmTN(qDim, D, T, dq, lda: qDim, A.a, ldb: D, gw(p + "self_attn.q_proj.weight"), ldc: D, beta: 1)
            BLAS.gemmTN(kvDim, D, T, dk, lda: kvDim, A.a, ldb: D, gw(p + "self_attn.k_proj.weight"), ldc: D, beta: 1)
            BLAS.gemmTN(kvDim, D, T, dv, lda: kvDim, A.a, ldb: D, gw(p + "self_attn.v_proj.weight"), ldc: D, beta: 1)
            BLAS.gemmNN(T, D, qDim, dq, lda: qDim, w(p + "self_attn.q_proj.weight"), ldb: D, dtmp, ldc: D)
            BLAS.gemmNN(T, D, kvDim, dk, lda: kvDim, w(p + "self_attn.k_proj.weight"), ldb: D, dtmp, ldc: D, beta: 1)
            BLAS.gemmNN(T, D, kvDim, dv, lda: kvDim, w(p + "self_attn.v_proj.weight"), ldb: D, dtmp, ldc: D, beta: 1)
            RMSNorm.backward(dtmp, A.xIn, w(p + "input_layernorm.weight"), dx, gw(p + "input_layernorm.weight"), rows: T, dim: D, eps: c.normEps)
        }
        let gEmb = gw("model.embed_tokens.weight")
        for t in 0..<T {
            let g = gEmb + Int(ids[t]) * D, d = dx + t * D
            for i in 0..<D { g[i] += d[i] }
        }
        return nll
    }

    /// One layer's forward pass over rows of the residual stream x [T×D] (updated in place), saving its
    /// activations in acts[l] (xIn is saved by the caller).
    func layerForward(_ l: Int, _ x: UnsafeMutablePointer<Float>, _ T: Int) {
        let c = config, D = c.dim, F = c.hiddenDim, qDim = c.qDim, kvDim = c.kvDim
        let A = acts[l], p = "model.layers.\(l)."
        RMSNorm.forward(x, w(p + "input_layernorm.weight"), A.a, rows: T, dim: D, eps: c.normEps)
        BLAS.gemmNT(T, qDim, D, A.a, lda: D, w(p + "self_attn.q_proj.weight"), ldb: D, A.q, ldc: qDim)
        BLAS.gemmNT(T, kvDim, D, A.a, lda: D, w(p + "self_attn.k_proj.weight"), ldb: D, A.k, ldc: kvDim)
        BLAS.gemmNT(T, kvDim, D, A.a, lda: D, w(p + "self_attn.v_proj.weight"), ldb: D, A.v, ldc: kvDim)
        if let b = wOpt(p + "self_attn.q_proj.bias") { addRows(A.q, b, T, qDim) }
        if let b = wOpt(p + "self_attn.k_proj.bias") { addRows(A.k, b, T, kvDim) }
        if let b = wOpt(p + "self_attn.v_proj.bias") { addRows(A.v, b, T, kvDim) }
        rope.apply(A.q, rows: T, stride: qDim, heads: c.heads) { $0 }
        rope.apply(A.k, rows: T, stride: kvDim, heads: c.kvHeads) { $0 }
        attention.forward(q: A.q, k: A.k, v: A.v, rows: T, o: A.o, lse: A.lse)
        BLAS.gemmNT(T, D, qDim, A.o, lda: qDim, w(p + "self_attn.o_proj.weight"), ldb: qDim, x, ldc: D, beta: 1)
        A.xMid.update(from: x, count: T * D)
        RMSNorm.forward(x, w(p + "post_attention_layernorm.weight"), A.b, rows: T, dim: D, eps: c.normEps)
        BLAS.gemmNT(T, F, D, A.b, lda: D, w(p + "mlp.gate_proj.weight"), ldb: D, A.g, ldc: F)
        BLAS.gemmNT(T, F, D, A.b, lda: D, w(p + "mlp.up_proj.weight"), ldb: D, A.u, ldc: F)
        SwiGLU.forward(A.g, A.u, A.h, count: T * F)
        BLAS.gemmNT(T, D, F, A.h, lda: F, w(p + "mlp.down_proj.weight"), ldb: F, x, ldc: D, beta: 1)
    }

    func addRows(_ y: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ rows: Int, _ dim: Int) {
        for r in 0..<rows { for i in 0..<dim { y[r * dim + i] += b[i] } }
    }

    func sumRows(_ y: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ rows: Int, _ dim: Int) {
        for r in 0..<rows { for i in 0..<dim { g[i] += y[r * dim + i] } }
    }

    public func zeroGrads() { grads.base.update(repeating: 0, count: grads.count) }
}
