import Foundation

/// Element type the forward pass computes with: `f32` dequantizes every weight at load (the exact mode the
/// parity tests use); `native` keeps the file's types and uses the quantized kernels; `q8_0`, `q4_0` and
/// `q4_1` quantize every matrix at load (a fine-tuned fp32 checkpoint then decodes through the int8
/// kernels, with no conversion step), as ggml quantizes; matrices whose rows are not whole blocks stay.
public enum WeightDType: String, CaseIterable {
    case native, f32, q8_0, q4_0, q4_1
    var quantizeTo: GGMLType? { self == .q8_0 ? .q8_0 : self == .q4_0 ? .q4_0 : self == .q4_1 ? .q4_1 : nil }
}

/// A loaded model: config, weights and tokenizer, from a GGUF file or a Hugging Face directory.
public struct LoadedModel {
    public let config: ModelConfig
    public let weights: ModelWeights
    public let tokenizer: Tokenizer
    public let path: String
}

/// A tensor as stored: rows × cols (a vector is one row), in a GGML element type.
struct StoredTensor {
    let type: GGMLType
    let data: UnsafeRawPointer
    let rows: Int
    let cols: Int
}

final class OwnedBytes {
    let p: UnsafeMutableRawPointer
    init(_ n: Int) { p = .allocate(byteCount: max(n, 1), alignment: 64) }
    deinit { p.deallocate() }
}

public enum ModelLoader {
    /// `path`: a .gguf file or a directory with config.json, safetensors and tokenizer.json.
    public static func load(_ path: String, dtype: WeightDType = .native) throws -> LoadedModel {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ModelFileError(path, "no such file or directory") }
        if isDir.boolValue { return try loadHF(path, dtype: dtype) }
        let g = try GGUFFile(path: path)
        let config = try ModelConfig(gguf: g)
        let tok = try TokenizerLoader.load(gguf: g)
        try checkNoneUnused(g.tensors.map(\.name), config, path, gguf: true)
        let w = try build(config, dtype: dtype, path: path, owners: [g]) { name in
            guard let t = g.tensor(ggufName(name)) else { return nil }
            let rows = t.dims.count > 1 ? t.dims[1] : 1
            return StoredTensor(type: t.type, data: g.data(t), rows: rows, cols: t.dims[0])
        } unpermute: { interleavedHeads($0, config) }
        try checkVocabulary(tok, config, path)
        return LoadedModel(config: config, weights: w, tokenizer: tok, path: path)
    }

    /// Token ids the tokenizer can produce must be rows of the embedding.
    static func checkVocabulary(_ tok: Tokenizer, _ c: ModelConfig, _ path: String) throws {
        guard tok.vocabSize <= c.vocabSize else {
            throw ModelFileError(path, "the tokenizer has \(tok.vocabSize) tokens but the model's vocabulary is \(c.vocabSize)")
        }
    }

    /// Just the tokenizer of a model (no weights are touched): a GGUF, a Hugging Face directory, or its
    /// tokenizer.json itself.
    public static func loadTokenizer(_ path: String) throws -> Tokenizer {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ModelFileError(path, "no such file or directory") }
        if isDir.boolValue { return try TokenizerLoader.load(tokenizerJSON: path + "/tokenizer.json") }
        if path.hasSuffix(".json") { return try TokenizerLoader.load(tokenizerJSON: path) }
        return try TokenizerLoader.load(gguf: GGUFFile(path: path))
    }

    static func loadHF(_ dir: String, dtype: WeightDType) throws -> LoadedModel {
        let hf = try HFConfig.load(dir + "/config.json")
        let st = try SafetensorsReader(path: dir)
        let config = try ModelConfig(hf: hf, path: dir, hasLMHead: st.tensors["lm_head.weight"] != nil,
                                     hasQKVBias: st.tensors["model.layers.0.self_attn.q_proj.bias"] != nil,
                                     hasQKNorm: st.tensors["model.layers.0.self_attn.q_norm.weight"] != nil)
        let tok = try TokenizerLoader.load(tokenizerJSON: dir + "/tokenizer.json")
        try checkNoneUnused(st.names, config, dir, gguf: false)
        let w = try build(config, dtype: dtype, path: dir, owners: [st]) { name in
            guard let t = st.tensors[name] else { return nil }
            let type: GGMLType = t.dtype == .F32 ? .f32 : t.dtype == .F16 ? .f16 : .bf16
            return StoredTensor(type: type, data: t.data, rows: t.shape.count > 1 ? t.shape[0] : 1, cols: t.shape.last ?? 1)
        } unpermute: { _ in nil }
        try checkVocabulary(tok, config, dir)
        return LoadedModel(config: config, weights: w, tokenizer: tok, path: dir)
    }

    /// A tensor of a role the forward pass knows (a layer's projections, norms or biases) that the config does
    /// not use means the config and the file disagree: a layer more than `num_hidden_layers`, a bias in some
    /// layers but not the first. Names of roles not known here (rope_freqs, rotary_emb.inv_freq) are left alone.
    static func checkNoneUnused(_ names: [String], _ c: ModelConfig, _ path: String, gguf: Bool) throws {
        let used = Set(parameterSpecs(c).map { gguf ? ggufName($0.0) : $0.0 })
        let roles = Set(layerRoles.map { gguf ? $0.value : $0.key })
        for name in names where !used.contains(name) {
            let parts = name.split(separator: ".")
            let known: Bool
            if gguf { known = parts.count == 4 && parts[0] == "blk" && roles.contains(String(parts[2])) }
            else { known = parts.count >= 5 && parts[0] == "model" && parts[1] == "layers" && roles.contains(parts[3..<(parts.count - 1)].joined(separator: ".")) }
            if known && ["weight", "bias"].contains(parts.last!) {
                throw ModelFileError(path, "tensor \(name) is in the file but the config does not use it (\(c.layers) layers, biases \(c.qkvBias ? "on" : "off"), q/k norms \(c.qkNorm ? "on" : "off"))")
            }
        }
    }

    /// HF module path inside a layer → llama.cpp's tensor role.
    static let layerRoles = ["input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
                             "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
                             "self_attn.o_proj": "attn_output", "self_attn.q_norm": "attn_q_norm", "self_attn.k_norm": "attn_k_norm",
                             "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"]

    /// HF parameter name → GGUF tensor name.
    static func ggufName(_ hf: String) -> String {
        switch hf {
        case "model.embed_tokens.weight": return "token_embd.weight"
        case "model.norm.weight": return "output_norm.weight"
        case "lm_head.weight": return "output.weight"
        default: break
        }
        let parts = hf.split(separator: ".")   // model.layers.N.group.proj.kind
        guard parts.count >= 5, parts[1] == "layers" else { return hf }
        let n = parts[2]
        let role = parts[3...].dropLast().joined(separator: ".")
        let kind = parts.last!
        guard let g = layerRoles[String(role)] else { return hf }
        return "blk.\(n).\(g).\(kind)"
    }

    /// Parameter names and shapes in HF order ([out, in] for matrices).
    public static func parameterSpecs(_ c: ModelConfig) -> [(String, [Int])] {
        var s: [(String, [Int])] = [("model.embed_tokens.weight", [c.vocabSize, c.dim])]
        for l in 0..<c.layers {
            let p = "model.layers.\(l)."
            s.append((p + "input_layernorm.weight", [c.dim]))
            s.append((p + "self_attn.q_proj.weight", [c.qDim, c.dim]))
            if c.qkvBias { s.append((p + "self_attn.q_proj.bias", [c.qDim])) }
            s.append((p + "self_attn.k_proj.weight", [c.kvDim, c.dim]))
            if c.qkvBias { s.append((p + "self_attn.k_proj.bias", [c.kvDim])) }
            s.append((p + "self_attn.v_proj.weight", [c.kvDim, c.dim]))
            if c.qkvBias { s.append((p + "self_attn.v_proj.bias", [c.kvDim])) }
            if c.qkNorm {
                s.append((p + "self_attn.q_norm.weight", [c.headDim]))
                s.append((p + "self_attn.k_norm.weight", [c.headDim]))
            }
            s.append((p + "self_attn.o_proj.weight", [c.dim, c.qDim]))
            s.append((p + "post_attention_layernorm.weight", [c.dim]))
            s.append((p + "mlp.gate_proj.weight", [c.hiddenDim, c.dim]))
            s.append((p + "mlp.up_proj.weight", [c.hiddenDim, c.dim]))
            s.append((p + "mlp.down_proj.weight", [c.dim, c.hiddenDim]))
        }
        s.append(("model.norm.weight", [c.dim]))
        if !c.tiedEmbeddings { s.append(("lm_head.weight", [c.vocabSize, c.dim])) }
        return s
    }

    /// Source row of HF row `r` for a tensor whose rows llama.cpp interleaved per head: HF row
    /// (head, half, j) is stored at (head, j, half).
    /// llama.cpp's converter interleaves Llama's q/k rows (and bias elements) per head for its RoPE: the
    /// head count of a tensor stored that way in GGUF, nil for the others. Read and write use this one rule.
    static func interleavedHeads(_ hfName: String, _ c: ModelConfig) -> Int? {
        guard c.arch == .llama else { return nil }
        if hfName.hasSuffix("q_proj.weight") || hfName.hasSuffix("q_proj.bias") { return c.heads }
        if hfName.hasSuffix("k_proj.weight") || hfName.hasSuffix("k_proj.bias") { return c.kvHeads }
        return nil
    }

    /// The inverse: the HF row a stored (interleaved) row holds.
    @inline(__always) static func hfRow(ofStored s: Int, headDim hd: Int) -> Int {
        let h = s / hd, w = s % hd, j = w / 2, half = w % 2
        return h * hd + half * (hd / 2) + j
    }

    @inline(__always) static func sourceRow(_ r: Int, headDim hd: Int) -> Int {
        let h = r / hd, w = r % hd, half = w / (hd / 2), j = w % (hd / 2)
        return h * hd + j * 2 + half
    }

    static func build(_ c: ModelConfig, dtype: WeightDType, path: String, owners: [AnyObject],
                      get: (String) -> StoredTensor?, unpermute: (String) -> Int?) throws -> ModelWeights {
        var owners = owners
        let specs = parameterSpecs(c)
        func fetch(_ name: String, _ shape: [Int]) throws -> StoredTensor {
            guard let t = get(name) else { throw ModelFileError(path, "tensor \(name) missing") }
            let rows = shape.count > 1 ? shape[0] : 1, cols = shape.last!
            guard t.rows == rows && t.cols == cols else {
                throw ModelFileError(path, "tensor \(name) is \(t.rows)×\(t.cols), the config needs \(rows)×\(cols)")
            }
            return t
        }
        // Every tensor found and shaped as the config says before anything is allocated for it.
        let stored = try specs.map { try fetch($0.0, $0.1) }
        let flat = dtype == .f32 ? FlatParameters(specs) : nil
        var mats: [String: WeightMatrix] = [:]
        var vecs: [String: UnsafePointer<Float>] = [:]
        for ((name, shape), t) in zip(specs, stored) {
            let perm = unpermute(name) != nil
            if let flat {
                let dst = flat.view(name)!
                for r in 0..<t.rows {
                    let src = perm ? sourceRow(r, headDim: c.headDim) : r
                    if t.rows == 1 && perm {   // a permuted bias: element order within heads
                        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: t.cols)
                        defer { tmp.deallocate() }
                        Dequantize.row(t.type, t.data, tmp, t.cols)
                        for i in 0..<t.cols { dst[i] = tmp[sourceRow(i, headDim: c.headDim)] }
                    } else {
                        Dequantize.row(t.type, t.data + src * t.type.rowBytes(t.cols), dst + r * t.cols, t.cols)
                    }
                }
                if shape.count > 1 { mats[name] = WeightMatrix(type: .f32, data: UnsafeRawPointer(dst), rows: t.rows, cols: t.cols) } else { vecs[name] = UnsafePointer(dst) }
            } else if shape.count > 1, let target = dtype.quantizeTo, t.type != target, t.cols % target.blockSize == 0 {
                // Quantized at load: each row in HF order to fp32, then to the target blocks.
                let rb = target.rowBytes(t.cols), srb = t.type.rowBytes(t.cols)
                let o = OwnedBytes(rb * t.rows)
                let row = UnsafeMutablePointer<Float>.allocate(capacity: t.cols)
                defer { row.deallocate() }
                for r in 0..<t.rows {
                    Dequantize.row(t.type, t.data + (perm ? sourceRow(r, headDim: c.headDim) : r) * srb, row, t.cols)
                    target.quantize!(row, o.p + r * rb, t.cols)
                }
                owners.append(o)
                mats[name] = WeightMatrix(type: target, data: UnsafeRawPointer(o.p), rows: t.rows, cols: t.cols)
            } else if shape.count > 1 {
                var data = t.data
                if perm {
                    let rb = t.type.rowBytes(t.cols)
                    let o = OwnedBytes(rb * t.rows)
                    for r in 0..<t.rows { (o.p + r * rb).copyMemory(from: t.data + sourceRow(r, headDim: c.headDim) * rb, byteCount: rb) }
                    owners.append(o)
                    data = UnsafeRawPointer(o.p)
                }
                mats[name] = WeightMatrix(type: t.type, data: data, rows: t.rows, cols: t.cols)
            } else {
                let o = OwnedBytes(4 * t.cols)
                let dst = o.p.assumingMemoryBound(to: Float.self)
                Dequantize.row(t.type, t.data, dst, t.cols)
                if perm {
                    let tmp = Array(UnsafeBufferPointer(start: dst, count: t.cols))
                    for i in 0..<t.cols { dst[i] = tmp[sourceRow(i, headDim: c.headDim)] }
                }
                owners.append(o)
                vecs[name] = UnsafePointer(dst)
            }
        }
        var layers: [LayerWeights] = []
        for l in 0..<c.layers {
            let p = "model.layers.\(l)."
            layers.append(LayerWeights(
                attnNorm: vecs[p + "input_layernorm.weight"]!,
                q: mats[p + "self_attn.q_proj.weight"]!, k: mats[p + "self_attn.k_proj.weight"]!,
                v: mats[p + "self_attn.v_proj.weight"]!, o: mats[p + "self_attn.o_proj.weight"]!,
                qBias: vecs[p + "self_attn.q_proj.bias"], kBias: vecs[p + "self_attn.k_proj.bias"],
                vBias: vecs[p + "self_attn.v_proj.bias"],
                qNorm: vecs[p + "self_attn.q_norm.weight"], kNorm: vecs[p + "self_attn.k_norm.weight"],
                ffnNorm: vecs[p + "post_attention_layernorm.weight"]!,
                gate: mats[p + "mlp.gate_proj.weight"]!, up: mats[p + "mlp.up_proj.weight"]!,
                down: mats[p + "mlp.down_proj.weight"]!))
        }
        let embed = mats["model.embed_tokens.weight"]!
        return ModelWeights(config: c, embed: embed, lmHead: mats["lm_head.weight"] ?? embed,
                            finalNorm: vecs["model.norm.weight"]!, layers: layers, flat: flat, owners: owners)
    }
}
