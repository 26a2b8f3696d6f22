/// A record rendered as SPEC §4 and tokenized, with where the loss starts: every token after the first
/// `<|im_start|>assistant\n` is a loss token, the closing `<|im_end|>\n` included.
public struct TrainingExample {
    public var ids: [Int32]
    /// Index of the first loss token (the prefix's token count).
    public var lossStart: Int
    public var truncated: Bool

    /// Loss tokens: positions lossStart..<count (each predicted from the one before it).
    public var lossTokens: Int { max(0, ids.count - max(lossStart, 1)) }

    /// Renders and tokenizes `r`; bad training data (no question, no trace, no loss tokens left after
    /// truncation to `maxLen`) is an InputError naming the record.
    public init(_ r: Record, tokenizer: Tokenizer, system: String = ChatTemplate.defaultSystem, maxLen: Int) throws {
        guard let q = r.string("question"), !q.isEmpty else { throw InputError(r.source, line: r.line, "training record has no question") }
        let traces = r["thinking_trajectories"]?.strings ?? []
        guard !ChatTemplate.strip(traces.joined(separator: "\n")).isEmpty else {
            throw InputError(r.source, line: r.line, "training record has an empty thinking_trajectories")
        }
        guard let attempt = r.string("attempt") else { throw InputError(r.source, line: r.line, "training record has no attempt") }
        let prefix = tokenizer.encode(ChatTemplate.prefix(question: q, system: system))
        var ids = prefix + tokenizer.encode(ChatTemplate.assistant(thinking: traces, attempt: attempt))
        truncated = ids.count > maxLen
        if truncated { ids.removeLast(ids.count - maxLen) }
        self.ids = ids
        lossStart = prefix.count
        if lossTokens == 0 {
            throw InputError(r.source, line: r.line, "no loss tokens left after truncation to --max-len \(maxLen) (prompt is \(prefix.count) tokens)")
        }
    }
}
