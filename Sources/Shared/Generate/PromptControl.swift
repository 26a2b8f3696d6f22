/// The paper's prompt-conditioned length control (Table 3): the instruction appended to the question.
public enum PromptControl: Equatable {
    case tokens(Int)
    /// SCC. Training data exists (`ControlVariant`); `init(_:)` does not parse `steps:N` yet, because s1-think
    /// has no SCC end of thinking (`<|im_start|>0`) and would stop at the first step marker.
    case steps(Int)
    case short, long

    /// `tokens:N`, `class:short` or `class:long`.
    public init?(_ spec: String) {
        if spec.hasPrefix("tokens:"), let n = Int(spec.dropFirst(7)), n > 0 { self = .tokens(n); return }
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
