/// `s1-filter traces`: set the training target (`thinking_trajectories`, `attempt`) from a teacher's
/// generation (an `outputs` entry with that `model` tag) or from the reference solution.
public struct TraceSource {
    public enum From { case tag(String), solution }
    public let from: From
    public let overwrite: Bool

    public init(from: From, overwrite: Bool) {
        self.from = from
        self.overwrite = overwrite
    }

    public enum Outcome: Equatable { case set, keptExisting, missing(String) }

    public func apply(_ r: Record) -> Outcome {
        if !overwrite, let t = r["thinking_trajectories"], !t.strings.allSatisfy({ $0.trimmed.isEmpty }) { return .keptExisting }
        switch from {
        case .solution:
            guard let sol = r.string("solution"), !sol.trimmed.isEmpty else { return .missing("no solution") }
            r.set("thinking_trajectories", .array([.string(sol.trimmed)]))
            // The committed answer, boxed so a grader reads it as the model would write it.
            let gold = r["answer"]?.scalarText ?? BoxedAnswer.last(in: sol)
            r.set("attempt", .string(gold.map { "\\boxed{\($0)}" } ?? sol.trimmed))
            r.set("teacher", .string("solution"))
        case .tag(let tag):
            guard let out = r["outputs"]?.elements.first(where: { $0["model"]?.string == tag }) else {
                return .missing("no output tagged \(tag)")
            }
            guard let thinking = out["thinking"]?.string, !thinking.trimmed.isEmpty else { return .missing("empty thinking from \(tag)") }
            r.set("thinking_trajectories", .array([.string(thinking)]))
            r.set("attempt", .string(out["answer"]?.string ?? ""))
            r.set("teacher", .string(tag))
            if let c = out["correct"]?.bool { r.set("teacher_correct", .bool(c)) }
        }
        return .set
    }
}
