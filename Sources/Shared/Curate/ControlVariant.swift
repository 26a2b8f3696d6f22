/// The training variants behind the paper's prompt-conditioned length control (Table 3; SPEC §4.11), made
/// by `s1-filter traces --control tokens|steps` from a record's training target:
/// - TCC: the question gets "\n\nThink for up to N tokens.", N = the trace's token count rounded up to a
///   power of two;
/// - SCC: the trace is split into steps on blank lines; each step is preceded by `<|im_start|>K steps left\n`,
///   K counting down from the number of steps, and the trace ends with `<|im_start|>0 steps left` (the end
///   of thinking an SCC model writes: the harness stops at `<|im_start|>0`); the question gets
///   "\n\nThink for up to N steps.", N = the step count rounded up to a power of two.
/// The record gets `control` = {method, limit, count} and keeps its other fields.
public enum ControlVariant: String, Sendable {
    case tokens, steps

    public enum Outcome: Equatable { case set, alreadyControlled, noTrace }

    /// The smallest power of two ≥ n (1 for n ≤ 1).
    public static func powerOfTwo(atLeast n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }

    /// The steps of a trace: its pieces between blank lines (lines of only whitespace count as blank),
    /// trimmed, empty ones dropped.
    public static func steps(_ trace: String) -> [String] {
        var out: [String] = [], current: [Substring] = []
        func flush() {
            let s = current.joined(separator: "\n").trimmed
            if !s.isEmpty { out.append(s) }
            current = []
        }
        for line in trace.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) { flush() } else { current.append(line) }
        }
        flush()
        return out
    }

    /// The SCC form of a trace's steps.
    public static func countdown(_ steps: [String]) -> String {
        steps.enumerated().map { "<|im_start|>\(steps.count - $0.offset) steps left\n\($0.element)" }.joined(separator: "\n")
            + "\n<|im_start|>0 steps left"
    }

    /// Rewrites `r` in place. `count` gives a text's tokens (the `--tokenizer`'s encoder; TCC only).
    public func apply(_ r: Record, count: (String) -> Int) -> Outcome {
        if r["control"] != nil { return .alreadyControlled }
        guard let trace = r["thinking_trajectories"]?.strings.first, !trace.trimmed.isEmpty, let q = r.string("question") else { return .noTrace }
        let n: Int
        switch self {
        case .tokens:
            n = count(trace)
        case .steps:
            let s = Self.steps(trace)
            n = s.count
            var all = r["thinking_trajectories"]!.strings
            all[0] = Self.countdown(s)
            r.set("thinking_trajectories", .array(all.map { .string($0) }))
        }
        let limit = Self.powerOfTwo(atLeast: n)
        let instruction: PromptControl = self == .tokens ? .tokens(limit) : .steps(limit)
        r.set("question", .string(instruction.apply(to: q)))
        r.set("control", .object([("method", .string(rawValue)), ("limit", .int(limit)), ("count", .int(n))]))
        return .set
    }
}
