/// The budget-forcing controller of SPEC §5 as a state machine over token ids, apart from any model: the
/// driver asks `next()` what to do, samples when told to, and reports the token with `accept(_:)`.
///
///   thinking ──end signal, waits left & room──▶ drop it, force the wait string, keep thinking
///      │  └──end signal otherwise──▶ drop it, force `<|im_start|>answer` ──▶ answering
///      └──budget reached──▶ force [`\n`] `<|im_start|>answer\nFinal Answer:` ──▶ answering
///   answering ──`<|im_end|>`/EOS──▶ done (eos)     answering ──answer budget or context full──▶ done (length)
///
/// Every thinking token counts against the budget, forced wait tokens included. While fewer than
/// `minThinking` thinking tokens exist the end signals are suppressed (the driver masks `endingTokens`).
///
/// Step-conditional control (SCC, `stepMarker` set): `<|im_start|>` opens a step (`<|im_start|>K steps left`)
/// and is thinking; the end signal is `<|im_start|>` followed by a `stepEnd` token (`0`). Then the marker,
/// already fed to the model, is taken back (`.rewind(1)`) and the end is handled as any end signal. While
/// the end is suppressed, the token right after a marker is sampled with the `stepEnd` tokens masked too.
public struct BudgetForcing {
    public struct Config {
        public var maxThinking: Int
        public var minThinking: Int = 0
        public var waits: Int = 0
        public var waitTokens: [Int32] = []
        /// `<|im_start|>` and `<|im_end|>`: the model wants to leave the thinking section.
        public var endSignals: Set<Int32>
        /// Tokens of `<|im_start|>answer` (natural close).
        public var answerDelimiter: [Int32]
        /// Tokens of `\n` (prepended to a forced close unless the thinking already ends with a newline).
        public var newline: [Int32]
        /// Tokens of `\nFinal Answer:` (after the delimiter on a forced close).
        public var finalAnswer: [Int32]
        /// Tokens that end the answer (`<|im_end|>`, the EOS token).
        public var answerStops: Set<Int32>
        public var maxAnswer: Int = 4096
        /// Tokens the sequence may still grow by (context length minus the prompt).
        public var room: Int = .max
        /// SCC: the step marker (`<|im_start|>`, then not an end signal) and the tokens after it that end
        /// the thinking (those whose text starts with `0`).
        public var stepMarker: Int32? = nil
        public var stepEnd: Set<Int32> = []

        public init(maxThinking: Int, endSignals: Set<Int32>, answerDelimiter: [Int32], newline: [Int32],
                    finalAnswer: [Int32], answerStops: Set<Int32>) {
            self.maxThinking = maxThinking
            self.endSignals = endSignals
            self.answerDelimiter = answerDelimiter
            self.newline = newline
            self.finalAnswer = finalAnswer
            self.answerStops = answerStops
        }

        /// Whether a token's text ends with a newline (a forced close adds one only when needed).
        public var endsWithNewline: (Int32) -> Bool = { _ in false }

        /// Tokens a forced close can add: the longest closing sequence.
        public var closeLength: Int { newline.count + answerDelimiter.count + finalAnswer.count }
    }

    public enum Phase: Equatable { case thinking, answering, done }
    /// Where a token of the output belongs (for the `thinking` / `answer` texts).
    public enum Role: Equatable { case thinking, delimiter, answer }

    public enum Action: Equatable {
        /// Sample the next token; `suppressEnd`: mask the end signals first.
        case sample(suppressEnd: Bool)
        /// Feed these tokens (already recorded in `output`) without sampling.
        case force([Int32])
        /// Take back the last n tokens fed (sequence and KV cache); a `.force` always follows.
        case rewind(Int)
        /// Generation is over; finish is "eos" or "length".
        case finish(String)
    }

    public let config: Config
    public private(set) var phase = Phase.thinking
    public private(set) var thinkingTokens = 0
    public private(set) var answerTokens = 0
    public private(set) var waitsUsed = 0
    public private(set) var forcedEnd = false
    public private(set) var finish = "length"
    /// Every token after the prompt, forced ones included, with its role.
    public private(set) var output: [(token: Int32, role: Role)] = []
    private var pending: [Int32] = []
    private var rewinding = 0

    public init(_ c: Config) { config = c }

    private var used: Int { output.count }

    /// SCC: the last token is a step marker the model wrote, so a `stepEnd` token now would end the thinking.
    public var afterStepMarker: Bool {
        guard phase == .thinking, let m = config.stepMarker, let last = output.last else { return false }
        return last.token == m && last.role == .thinking
    }

    /// The tokens that would end the thinking if sampled now: what `.sample(suppressEnd: true)` masks.
    public var endingTokens: Set<Int32> { afterStepMarker ? config.endSignals.union(config.stepEnd) : config.endSignals }

    public mutating func next() -> Action {
        if rewinding > 0 {
            defer { rewinding = 0 }
            return .rewind(rewinding)
        }
        if !pending.isEmpty {
            defer { pending = [] }
            return .force(pending)
        }
        switch phase {
        case .thinking:
            if thinkingTokens >= config.maxThinking || used + config.closeLength >= config.room {
                forcedEnd = true
                let last = output.last { $0.role == .thinking }?.token
                let nl = last.map(config.endsWithNewline) == true ? [] : config.newline
                record(nl, .delimiter)
                record(config.answerDelimiter, .delimiter)
                record(config.finalAnswer, .answer)
                answerTokens += config.finalAnswer.count
                phase = .answering
                return next()
            }
            // After an SCC marker, ending would also take the marker back: one thinking token fewer.
            return .sample(suppressEnd: thinkingTokens - (afterStepMarker ? 1 : 0) < config.minThinking)
        case .answering:
            if answerTokens >= config.maxAnswer + (forcedEnd ? config.finalAnswer.count : 0) || used >= config.room {
                phase = .done
                finish = "length"
                return .finish(finish)
            }
            return .sample(suppressEnd: false)
        case .done:
            return .finish(finish)
        }
    }

    /// Reports the sampled token. Returns true when the driver should feed it to the model (it is kept);
    /// false when it was dropped (an end signal, replaced by forced tokens, or the answer's stop token).
    public mutating func accept(_ token: Int32) -> Bool {
        switch phase {
        case .thinking:
            if config.endSignals.contains(token) && thinkingTokens >= config.minThinking {
                endThinking()
                return false
            }
            if afterStepMarker, config.stepEnd.contains(token), thinkingTokens - 1 >= config.minThinking {
                output.removeLast()
                thinkingTokens -= 1
                rewinding = 1
                endThinking()
                return false
            }
            thinkingTokens += 1
            output.append((token, .thinking))
            return true
        case .answering:
            if config.answerStops.contains(token) {
                phase = .done
                finish = "eos"
                return false
            }
            answerTokens += 1
            output.append((token, .answer))
            return true
        case .done:
            return false
        }
    }

    /// The model ended its thinking: a wait if one is left and fits, else the answer delimiter.
    private mutating func endThinking() {
        if waitsUsed < config.waits && thinkingTokens + config.waitTokens.count <= config.maxThinking {
            waitsUsed += 1
            thinkingTokens += config.waitTokens.count
            record(config.waitTokens, .thinking)
        } else {
            record(config.answerDelimiter, .delimiter)
            phase = .answering
        }
    }

    private mutating func record(_ tokens: [Int32], _ role: Role) {
        output += tokens.map { ($0, role) }
        pending += tokens
    }

    public func tokens(_ role: Role) -> [Int32] { output.filter { $0.role == role }.map(\.token) }
}
