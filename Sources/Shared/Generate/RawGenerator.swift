import Foundation

/// Time spent in prompt processing and in token-by-token decoding, for throughput reports.
public struct GenerationStats {
    public var prefillTokens = 0, decodeTokens = 0
    public var prefillSeconds = 0.0, decodeSeconds = 0.0
    public var prefillRate: Double { prefillSeconds > 0 ? Double(prefillTokens) / prefillSeconds : 0 }
    public var decodeRate: Double { decodeSeconds > 0 ? Double(decodeTokens) / decodeSeconds : 0 }
    public init() {}
}

/// Plain continuation of a prompt (s1-think --raw): no template, no thinking; stops at `<|im_end|>`, the
/// end-of-sequence token or `maxTokens`.
public final class RawGenerator {
    public let model: LoadedModel
    public let transformer: Transformer
    public var stats = GenerationStats()
    let stops: Set<Int32>

    public init(_ model: LoadedModel, capacity: Int? = nil, kvDType: KVCache.DType? = nil) throws {
        try KVCache.checkReservable(model.config, capacity: min(capacity ?? model.config.contextLength, model.config.contextLength), slots: 1, dtype: kvDType, path: model.path)
        self.model = model
        transformer = Transformer(model, capacity: capacity, kvDType: kvDType)
        var s = Set<Int32>()
        if let e = model.tokenizer.eos { s.insert(e) }
        if let e = model.tokenizer.id(of: "<|im_end|>") { s.insert(e) }
        stops = s
    }

    public struct Result {
        public var text: String
        public var tokens: [Int32]
        public var finish: String   // "eos" or "length"
        public var seconds: Double
    }

    public func generate(_ prompt: [Int32], maxTokens: Int, sampler: inout Sampler, ignoreEOS: Bool = false) -> Result {
        let t0 = Date()
        let room = transformer.capacity - prompt.count
        guard !prompt.isEmpty, room > 0 else { return Result(text: "", tokens: [], finish: "length", seconds: 0) }
        var logits = transformer.forward(prompt, start: 0)
        let t1 = Date()
        stats.prefillTokens += prompt.count
        stats.prefillSeconds += t1.timeIntervalSince(t0)
        var out: [Int32] = []
        var finish = "length"
        var dec = StreamingDecoder(model.tokenizer)
        var text = ""
        while out.count < min(maxTokens, room) {
            let next = sampler.sample(logits)
            if stops.contains(next) && !ignoreEOS { finish = "eos"; break }
            out.append(next)
            text += dec.push(next)
            if out.count == min(maxTokens, room) { break }
            logits = transformer.forward([next], start: prompt.count + out.count - 1)
        }
        text += dec.finish()
        let t2 = Date()
        stats.decodeTokens += max(0, out.count - 1)
        stats.decodeSeconds += t2.timeIntervalSince(t1)
        return Result(text: text, tokens: out, finish: finish, seconds: t2.timeIntervalSince(t0))
    }
}
