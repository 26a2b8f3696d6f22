import Foundation

/// Budget forcing's setup from a tokenizer alone (SPEC §5): the controller's token sequences (end
/// signals, `<|im_start|>answer`, the forced close, the wait string), the rendered prompt, the budget rule
/// and the output fields. Local decoding (`ThinkingGenerator`) and a remote server (`RemoteThinker`) share
/// it, so both apply the same semantics to the same ids.
public struct ThinkingSetup {
    public let tokenizer: Tokenizer
    public let options: ThinkingOptions
    /// The controller configuration without the per-prompt budget and room (a caller may adjust it).
    public var base: BudgetForcing.Config

    public init(tokenizer tok: Tokenizer, options: ThinkingOptions, path: String) throws {
        tokenizer = tok
        self.options = options
        guard let imStart = tok.id(of: "<|im_start|>"), let imEnd = tok.id(of: "<|im_end|>") else {
            throw UsageError("\(path): the tokenizer has no <|im_start|>/<|im_end|> tokens, which budget forcing needs")
        }
        var stops: Set<Int32> = [imEnd]
        if let e = tok.eos { stops.insert(e) }
        var c = BudgetForcing.Config(maxThinking: 0, endSignals: [imStart, imEnd], answerDelimiter: tok.encode("<|im_start|>answer"),
                                     newline: tok.encode("\n"), finalAnswer: tok.encode("\nFinal Answer:"), answerStops: stops)
        c.minThinking = options.minThinking
        c.waits = options.waits
        c.waitTokens = tok.encode(options.waitString)
        c.maxAnswer = options.maxAnswer
        if options.steps {
            // SCC: <|im_start|> opens the next step ("<|im_start|>K steps left"); <|im_start|>0 ends the thinking.
            c.endSignals = [imEnd]
            c.stepMarker = imStart
            c.stepEnd = Set((0..<tok.vocabSize).map(Int32.init).filter { tok.bytes(of: $0).first == UInt8(ascii: "0") && !tok.specialIDs.contains($0) })
        }
        let ends = (0..<tok.vocabSize).map { tok.bytes(of: Int32($0)).last == 0x0A }
        c.endsWithNewline = { id in id >= 0 && Int(id) < ends.count && ends[Int(id)] }
        base = c
    }

    public func promptTokens(_ question: String) -> [Int32] {
        tokenizer.encode(ChatTemplate.thinkingPrompt(question: question, system: options.system))
    }

    /// The budget for a prompt: the number given, or `auto` = context − prompt − closing tokens − 100.
    public func budget(promptTokens n: Int, capacity: Int, point: Int = 0) -> Int {
        switch options.points[point].budget {
        case .tokens(let t): return t
        case .auto: return max(0, capacity - n - base.closeLength - 100)
        }
    }

    /// The controller for one prompt in a context of `capacity` tokens, at one setting of the sweep.
    public func controller(promptTokens n: Int, capacity: Int, point: Int = 0) -> BudgetForcing {
        var c = base
        c.maxThinking = budget(promptTokens: n, capacity: capacity, point: point)
        c.waits = options.points[point].waits
        c.room = capacity - n
        return BudgetForcing(c)
    }

    public func result(_ ctl: BudgetForcing, started: Date) -> ThinkingResult {
        ThinkingResult(text: tokenizer.decode(ctl.output.map(\.token)), thinking: tokenizer.decode(ctl.tokens(.thinking)),
                       answer: tokenizer.decode(ctl.tokens(.answer)), thinkingTokens: ctl.thinkingTokens,
                       answerTokens: ctl.answerTokens, waits: ctl.waitsUsed, maxWaits: ctl.config.waits, forcedEnd: ctl.forcedEnd,
                       maxThinkingTokens: ctl.config.maxThinking, finish: ctl.finish, seconds: Date().timeIntervalSince(started))
    }
}
