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
    /// Step-conditional control (`--control steps:N`): the thinking ends at `<|im_start|>0`, not at `<|im_start|>`.
    public var steps = false
    /// A sweep (`--max-thinking-tokens 256,512 --wait 0,1`): every budget × wait setting, one output each;
    /// empty = the one setting above.
    public var sweep: [SweepPoint] = []
    public init() {}

    /// One setting of a sweep.
    public struct SweepPoint: Equatable {
        public var budget: Budget
        public var waits: Int
        public init(budget: Budget, waits: Int) { self.budget = budget; self.waits = waits }
    }

    /// The settings each prompt is decoded with, in output order (budgets outer, waits inner).
    public var points: [SweepPoint] { sweep.isEmpty ? [SweepPoint(budget: maxThinking, waits: waits)] : sweep }
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

/// Budget forcing on the local transformer: the token-level setup (`ThinkingSetup`) and the model's KV
/// cache. `ContinuousBatcher` runs it (a batch of one for a single question).
public final class ThinkingGenerator {
    public let model: LoadedModel
    public let transformer: Transformer
    public var setup: ThinkingSetup
    public var options: ThinkingOptions { setup.options }
    public var base: BudgetForcing.Config { setup.base }

    public init(_ model: LoadedModel, options: ThinkingOptions, capacity: Int? = nil, slots: Int = 1, kvDType: KVCache.DType? = nil) throws {
        self.model = model
        setup = try ThinkingSetup(tokenizer: model.tokenizer, options: options, path: model.path)
        try KVCache.checkReservable(model.config, capacity: min(capacity ?? model.config.contextLength, model.config.contextLength), slots: slots, dtype: kvDType, path: model.path)
        transformer = Transformer(model, capacity: capacity, slots: slots, kvDType: kvDType)
    }

    public func promptTokens(_ question: String) -> [Int32] { setup.promptTokens(question) }

    /// The budget for a prompt: the number given, or `auto` = context − prompt − closing tokens − 100.
    public func budget(promptTokens n: Int) -> Int { setup.budget(promptTokens: n, capacity: transformer.capacity) }

    func result(_ ctl: BudgetForcing, started: Date) -> ThinkingResult { setup.result(ctl, started: started) }
}
