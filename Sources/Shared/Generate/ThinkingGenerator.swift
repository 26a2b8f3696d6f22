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
    public var forcedEnd: Bool
    public var maxThinkingTokens: Int
    public var finish: String
    public var seconds: Double

    public func json(model: String, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("model", .string(model)), ("text", .string(text)), ("thinking", .string(thinking)),
                 ("answer", .string(answer)), ("thinking_tokens", .int(thinkingTokens)), ("answer_tokens", .int(answerTokens)),
                 ("waits", .int(waits)), ("forced_end", .bool(forcedEnd)), ("max_thinking_tokens", .int(maxThinkingTokens)),
                 ("finish", .string(finish)), ("seconds", .double((seconds * 1000).rounded() / 1000))] + extra)
    }
}

/// Runs the budget-forcing controller against the model for one question at a time (sequence slot 0).
public final class ThinkingGenerator {
    public let model: LoadedModel
    public let transformer: Transformer
    public let options: ThinkingOptions
    public var stats = GenerationStats()
    let base: BudgetForcing.Config
    let newlineEnding: [Bool]

    public init(_ model: LoadedModel, options: ThinkingOptions, capacity: Int? = nil) throws {
        self.model = model
        self.options = options
        transformer = Transformer(model, capacity: capacity)
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
        newlineEnding = ends
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

    public func generate(_ question: String, sampler: inout Sampler) -> ThinkingResult {
        let t0 = Date()
        let prompt = promptTokens(question)
        var c = base
        c.maxThinking = budget(promptTokens: prompt.count)
        c.room = transformer.capacity - prompt.count
        var ctl = BudgetForcing(c)
        guard c.room > 0 else {
            return ThinkingResult(text: "", thinking: "", answer: "", thinkingTokens: 0, answerTokens: 0, waits: 0, forcedEnd: false,
                                  maxThinkingTokens: c.maxThinking, finish: "length", seconds: 0)
        }
        var logits = transformer.forward(prompt, start: 0)
        stats.prefillTokens += prompt.count
        stats.prefillSeconds += Date().timeIntervalSince(t0)
        let t1 = Date()
        var pos = prompt.count
        loop: while true {
            switch ctl.next() {
            case .sample(let suppress):
                if suppress {
                    let m = UnsafeMutablePointer(mutating: logits.baseAddress!)
                    for id in c.endSignals { m[Int(id)] = -.infinity }
                }
                let tok = sampler.sample(logits)
                if ctl.accept(tok) {
                    logits = transformer.forward([tok], start: pos)
                    pos += 1
                    stats.decodeTokens += 1
                }
            case .force(let toks):
                logits = transformer.forward(toks, start: pos)   // never empty: the controller skips empty strings
                pos += toks.count
            case .finish:
                break loop
            }
        }
        stats.decodeSeconds += Date().timeIntervalSince(t1)
        let tok = model.tokenizer
        return ThinkingResult(text: tok.decode(ctl.output.map(\.token)), thinking: tok.decode(ctl.tokens(.thinking)),
                              answer: tok.decode(ctl.tokens(.answer)), thinkingTokens: ctl.thinkingTokens,
                              answerTokens: ctl.answerTokens, waits: ctl.waitsUsed, forcedEnd: ctl.forcedEnd,
                              maxThinkingTokens: c.maxThinking, finish: ctl.finish, seconds: Date().timeIntervalSince(t0))
    }
}
