import Foundation

/// Writes a model as a GGUF v3 file that llama.cpp loads (`s1-sft --out model.gguf`): llama.cpp's metadata
/// keys for the architecture (sizes, heads, RoPE base, norm epsilon, head size), the tokenizer (gpt2-style
/// BPE: tokens, token types, merges, the pre-tokenizer's llama.cpp name, BOS/EOS) and the SPEC §4 chat
/// template; tensors under llama.cpp's names, Llama's Q/K rows interleaved as its converter does; 1-D
/// tensors in F32, matrices in `outtype` (F32, F16, BF16 or Q8_0, quantized exactly as ggml does). The
/// file is written beside its final name and renamed, so a reader never sees half of it.
public enum GGUFWriter {
    static let alignment = 32

    /// A metadata value, in GGUF's typed encoding.
    enum Value {
        case u32(UInt32), i32(Int32), f32(Float), bool(Bool), string(String), strings([String]), i32s([Int32])
    }

    struct Buffer {
        var bytes: [UInt8] = []
        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += s.utf8 }
        mutating func value(_ v: Value) {
            switch v {
            case .u32(let x): u32(4); u32(x)
            case .i32(let x): u32(5); u32(UInt32(bitPattern: x))
            case .f32(let x): u32(6); u32(x.bitPattern)
            case .bool(let x): u32(7); bytes.append(x ? 1 : 0)
            case .string(let s): u32(8); string(s)
            case .strings(let a): u32(9); u32(8); u64(UInt64(a.count)); for s in a { string(s) }
            case .i32s(let a): u32(9); u32(5); u64(UInt64(a.count)); for x in a { u32(UInt32(bitPattern: x)) }
            }
        }
    }

    /// llama.cpp's name of a pre-tokenizer.
    static func preName(_ p: PreTokenizer) -> String {
        switch p {
        case .digitsThenGPT2: return "smollm"
        case .qwen2: return "qwen2"
        case .gpt2: return "gpt-2"
        }
    }

    static func metadata(_ c: ModelConfig, _ t: Tokenizer, name: String, fileType: GGMLType) -> [(String, Value)] {
        let a = c.arch.rawValue
        var m: [(String, Value)] = [
            ("general.architecture", .string(a)), ("general.name", .string(name)),
            ("general.alignment", .u32(UInt32(alignment))),
            ("general.file_type", .u32(fileType == .f32 ? 0 : fileType == .f16 ? 1 : fileType == .q8_0 ? 7 : 32)),
            ("\(a).context_length", .u32(UInt32(c.contextLength))), ("\(a).embedding_length", .u32(UInt32(c.dim))),
            ("\(a).block_count", .u32(UInt32(c.layers))), ("\(a).feed_forward_length", .u32(UInt32(c.hiddenDim))),
            ("\(a).attention.head_count", .u32(UInt32(c.heads))), ("\(a).attention.head_count_kv", .u32(UInt32(c.kvHeads))),
            ("\(a).attention.key_length", .u32(UInt32(c.headDim))), ("\(a).attention.value_length", .u32(UInt32(c.headDim))),
            ("\(a).attention.layer_norm_rms_epsilon", .f32(c.normEps)), ("\(a).rope.freq_base", .f32(Float(c.ropeTheta))),
            ("\(a).rope.dimension_count", .u32(UInt32(c.headDim))), ("\(a).vocab_size", .u32(UInt32(c.vocabSize))),
            ("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string(preName(t.preTokenizer))),
            ("tokenizer.ggml.tokens", .strings(t.tokens)),
        ]
        var types = [Int32](repeating: 1, count: t.tokens.count)
        for added in t.addedTokens where Int(added.id) < types.count { types[Int(added.id)] = added.special ? 3 : 4 }
        m.append(("tokenizer.ggml.token_type", .i32s(types)))
        m.append(("tokenizer.ggml.merges", .strings(t.merges.map { $0.0 + " " + $0.1 })))
        if let b = t.bos { m.append(("tokenizer.ggml.bos_token_id", .u32(UInt32(b)))) }
        if let e = t.eos { m.append(("tokenizer.ggml.eos_token_id", .u32(UInt32(e)))) }
        m.append(("tokenizer.ggml.add_bos_token", .bool(false)))
        m.append(("tokenizer.chat_template", .string(ChatTemplate.jinja)))
        return m
    }

    /// Writes `parameters` (fp32, HF names and layout) as GGUF at `path`; matrices in `outtype`.
    public static func write(config c: ModelConfig, parameters p: FlatParameters, tokenizer t: Tokenizer, outtype: GGMLType,
                             name: String = "s1-swift", to path: String) throws {
        guard outtype.quantize != nil else { throw UsageError("--outtype \(outtype) cannot be written (f32, f16, bf16, q8_0)") }
        var head = Buffer()
        head.bytes += Array("GGUF".utf8)
        head.u32(3)
        let specs = ModelLoader.parameterSpecs(c)
        let md = metadata(c, t, name: name, fileType: outtype)
        head.u64(UInt64(specs.count))
        head.u64(UInt64(md.count))
        for (k, v) in md { head.string(k); head.value(v) }
        // Tensor directory: dims innermost first, offsets aligned within the data section.
        var plan: [(name: String, type: GGMLType, rows: Int, cols: Int, offset: Int)] = []
        var offset = 0
        for (hfName, shape) in specs {
            let rows = shape.count > 1 ? shape[0] : 1, cols = shape.last!
            let type: GGMLType = shape.count > 1 && cols % outtype.blockSize == 0 ? outtype : .f32
            plan.append((ModelLoader.ggufName(hfName), type, rows, cols, offset))
            offset += (type.rowBytes(cols) * rows + alignment - 1) / alignment * alignment
            head.string(ModelLoader.ggufName(hfName))
            head.u32(UInt32(shape.count))
            head.u64(UInt64(cols))
            if shape.count > 1 { head.u64(UInt64(rows)) }
            head.u32(type.rawValue)
            head.u64(UInt64(plan.last!.offset))
        }
        while head.bytes.count % alignment != 0 { head.bytes.append(0) }
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let fh = FileHandle(forWritingAtPath: tmp) else {
            throw IOFailure("\(tmp): cannot create")
        }
        do {
            try fh.write(contentsOf: head.bytes)
            var written = 0
            for ((hfName, _), entry) in zip(specs, plan) {
                var src = UnsafePointer(p.view(hfName)!)
                // Llama's q/k rows (bias elements) as llama.cpp's converter stores them, interleaved per head.
                let interleaved = ModelLoader.interleavedHeads(hfName, c) != nil
                var vector: [Float] = []
                if interleaved && entry.rows == 1 {
                    vector = (0..<entry.cols).map { src[ModelLoader.hfRow(ofStored: $0, headDim: c.headDim)] }
                }
                let rb = entry.type.rowBytes(entry.cols)
                var out = [UInt8](repeating: 0, count: (rb * entry.rows + alignment - 1) / alignment * alignment)
                vector.withUnsafeBufferPointer { v in
                    if !v.isEmpty { src = v.baseAddress! }
                    out.withUnsafeMutableBytes { dst in
                        for r in 0..<entry.rows {
                            let from = interleaved && entry.rows > 1 ? ModelLoader.hfRow(ofStored: r, headDim: c.headDim) : r
                            entry.type.quantize!(src + from * entry.cols, dst.baseAddress! + r * rb, entry.cols)
                        }
                    }
                }
                precondition(written == entry.offset)
                try fh.write(contentsOf: out)
                written += out.count
            }
            try fh.close()
            guard rename(tmp, path) == 0 else { throw IOFailure("\(path): cannot rename \(tmp) into place") }
        } catch {
            try? fh.close()
            unlink(tmp)
            throw error
        }
    }
}
