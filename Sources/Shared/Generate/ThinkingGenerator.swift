import Foundation

/// s1-think's options for one run (SPEC §5).
public struct ThinkingOptions {
    public enum Budget: Equatable { case tokens(Int), auto }
    public var maxThinking: Budget = .auto
    public var minThinking = 0
    public var waits = 0
    public var waitString = "Wait"
    public var maxAnswer = 4096
    public var system = ChatTemplate.defaultSystem
    public init() {}
}

/// One budget-forced generation: the output object's fields.
public struct ThinkingResult {
    public var text: String
    public var thinking: String
    public var answer: String
    public var thinkingTokens: Int
    public var answerTokens: Int
    public var waits: Int
    /// The --wait setting of the run (`waits` is how many were used).
    public var maxWaits: Int
    public var forcedEnd: Bool
    public var maxThinkingTokens: Int
    public var finish: String
    public var seconds: Double

    public func json(model: String, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("model", .string(model)), ("text", .string(text)), ("thinking", .string(thinking)),
                 ("answer", .string(answer)), ("thinking_tokens", .int(thinkingTokens)), ("answer_tokens", .int(answerTokens)),
                 ("waits", .int(waits)), ("max_waits", .int(maxWaits)), ("forced_end", .bool(forcedEnd)), ("max_thinking_tokens", .int(maxThinkingTokens)),
                 ("finish", .string(finish)), ("seconds", .double((seconds * 1000).rounded() / 1000))] + extra)
    }
}

/// Budget forcing's setup for a model: the controller configuration (delimiter tokens, waits, budgets),
/// the prompt and the budget rule. `ContinuousBatcher` runs it (a batch of one for a single question).
public final class ThinkingGenerator {
    public let model: LoadedModel
    public let transformer: Transformer
    public let options: ThinkingOptions
    public let base: BudgetForcing.Config

    public init(_ model: LoadedModel, options: ThinkingOptions, capacity: Int? = nil, slots: Int = 1, kvDType: KVCache.DType? = nil) throws {
        self.model = model
        self.options = options
        try KVCache.checkReservable(model.config, capacity: min(capacity ?? model.config.contextLength, model.config.contextLength), slots: slots, path: model.path)
        transformer = Transformer(model, capacity: capacity, slots: slots, kvDType: kvDType)
        let tok = model.tokenizer
        guard let imStart = tok.id(of: "<|im_start|>"), let imEnd = tok.id(of: "<|im_end|>") else {
            throw UsageError("\(model.path): the tokenizer has no <|im_start|>/<|im_end|> tokens, which budget forcing needs")
        }
        var stops: Set<Int32> = [imEnd]
        if let e = tok.eos { stops.insert(e) }
        var c = BudgetForcing.Config(maxThinking: 0, endSignals: [imStart, imEnd], answerDelimiter: tok.encode("<|im_start|>answer"),
                                     newline: tok.encode("\n"), finalAnswer: tok.encode("\nFinal Answer:"), answerStops: stops)
        c.minThinking = options.minThinking
        c.waits = options.waits
        c.waitTokens = tok.encode(options.waitString)
        c.maxAnswer = options.maxAnswer
        let ends = (0..<tok.vocabSize).map { tok.bytes(of: Int32($0)).last == 0x0A }
        c.endsWithNewline = { id in id >= 0 && Int(id) < ends.count && ends[Int(id)] }
        base = c
    }

    public func promptTokens(_ question: String) -> [Int32] {
        model.tokenizer.encode(ChatTemplate.thinkingPrompt(question: question, system: options.system))
    }

    /// The budget for a prompt: the number given, or `auto` = context − prompt − closing tokens − 100.
    public func budget(promptTokens n: Int) -> Int {
        switch options.maxThinking {
        case .tokens(let t): return t
        case .auto: return max(0, transformer.capacity - n - base.closeLength - 100)
        }
    }

    func result(_ ctl: BudgetForcing, started: Date) -> ThinkingResult {
        let tok = model.tokenizer
        return ThinkingResult(text: tok.decode(ctl.output.map(\.token)), thinking: tok.decode(ctl.tokens(.thinking)),
                              answer: tok.decode(ctl.tokens(.answer)), thinkingTokens: ctl.thinkingTokens,
                              answerTokens: ctl.answerTokens, waits: ctl.waitsUsed, maxWaits: ctl.config.waits, forcedEnd: ctl.forcedEnd,
                              maxThinkingTokens: ctl.config.maxThinking, finish: ctl.finish, seconds: Date().timeIntervalSince(started))
    }
}
