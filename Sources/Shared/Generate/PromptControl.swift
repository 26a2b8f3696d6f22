/// The paper's prompt-conditioned length control (Table 3): the instruction appended to the question.
public enum PromptControl: Equatable {
    case tokens(Int)
    /// SCC: the model counts its steps down (`<|im_start|>K steps left`); its thinking ends at `<|im_start|>0`.
    case steps(Int)
    case short, long

    /// `tokens:N`, `steps:N`, `class:short` or `class:long`.
    public init?(_ spec: String) {
        if spec.hasPrefix("tokens:"), let n = Int(spec.dropFirst(7)), n > 0 { self = .tokens(n); return }
        if spec.hasPrefix("steps:"), let n = Int(spec.dropFirst(6)), n > 0 { self = .steps(n); return }
        switch spec {
        case "class:short": self = .short
        case "class:long": self = .long
        default: return nil
        }
    }

    public var instruction: String {
        switch self {
        case .tokens(let n): return "Think for up to \(n) tokens."
        case .steps(let n): return "Think for up to \(n) steps."
        case .short: return "Answer after a short amount of thinking. Do not spend excessive time double-checking your work."
        case .long: return "Answer after a long amount of thinking. If you feel like you are finished early, spend the extra time trying to double-check your work until you are absolutely sure that you have the correct answer."
        }
    }

    public func apply(to question: String) -> String { question + "\n\n" + instruction }
}
