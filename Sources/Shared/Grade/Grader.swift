/// s1-score's record pass: each output gets `extracted` and `correct`; each run with several samples
/// (same model tag, budget and waits) gets a `majority` entry on the record.
public enum Grader {
    /// The gold answer: `answer`, else the last `\boxed{…}` of `solution`.
    public static func gold(_ r: Record) -> String? {
        if let a = r["answer"]?.scalarText, !a.trimmingWhitespace().isEmpty { return a }
        return r.string("solution").flatMap { BoxedAnswer.last(in: $0) }
    }

    /// The run an output belongs to (`r`: the record, for messages).
    public static func runKey(_ o: JSONRef, in r: Record) throws -> RunKey {
        // A run is identified by its --wait setting (`max_waits`); outputs without it fall back to `waits`.
        // An `auto` budget differs with each prompt's length, so it is not part of the run.
        RunKey(model: o["model"]?.string ?? "?", budget: o["budget"]?.string == "auto" ? nil : try count(o, "max_thinking_tokens", r),
               waits: try count(o, "max_waits", r) ?? count(o, "waits", r) ?? 0, control: o["control"]?.string,
               rejectOver: try count(o, "reject_over", r), forced: o["budget"]?.string != "auto")
    }

    /// Token and wait counts are at most 2^32: sums over millions of outputs cannot wrap.
    public static let maxCount = 1 << 32

    /// An output's count field: nil when absent or null; a whole number in 0…2^32 otherwise, or the record
    /// is bad input (`16.5`, `1e400`, a 100-digit integer or a string are errors, never silently absent).
    public static func count(_ o: JSONRef, _ key: String, _ r: Record) throws -> Int? {
        guard let v = o[key], !v.isNull else { return nil }
        guard let i = v.int, (0...maxCount).contains(i) else {
            throw InputError(r.source, line: r.line, "`\(key)` is \(String(decoding: v.raw.prefix(40), as: UTF8.self)), not a count in 0…\(maxCount)")
        }
        return i
    }

    public struct RunKey: Hashable, Comparable {
        public var model: String
        public var budget: Int?
        public var waits: Int
        /// The prompt's length control (s1-think --control: `tokens:N`, `steps:N`, `class:…`), if any.
        public var control: String? = nil
        /// Rejection sampling's limit (s1-think --reject-over), if the run used it.
        public var rejectOver: Int? = nil
        /// The budget was given (budget forcing on top of a control), not `auto`: TCC+BF rather than TCC.
        public var forced = true
        public static func < (a: RunKey, b: RunKey) -> Bool {
            (a.model, a.control ?? "", a.rejectOver ?? -1, a.forced ? 1 : 0, a.budget ?? -1, a.waits)
                < (b.model, b.control ?? "", b.rejectOver ?? -1, b.forced ? 1 : 0, b.budget ?? -1, b.waits)
        }

        /// The paper's Table 3 method: TCC, SCC, CCC (each "+BF" with a given budget), RS (rejection
        /// sampling), or BF (budget forcing alone).
        public var method: String {
            if rejectOver != nil && control == nil { return "RS" }
            guard let c = control else { return "BF" }
            let bf = forced ? "+BF" : ""
            switch PromptControl(c) {
            case .tokens: return "TCC" + bf
            case .steps: return "SCC" + bf
            default: return "CCC" + bf
            }
        }

        /// The thinking-token limit Control checks: TCC's N; SCC's N steps at `tokensPerStep` each (the
        /// paper's proxy is 100); none for CCC; each capped by the budget when it was given (+BF); RS's
        /// --reject-over; the budget otherwise.
        public func limit(tokensPerStep: Int = 100) -> Int? {
            if let r = rejectOver, control == nil { return r }
            guard let c = control else { return budget }
            var own: Int? = nil
            switch PromptControl(c) {
            case .tokens(let n): own = n
            case .steps(let n): own = n * tokensPerStep
            default: break
            }
            // With budget forcing on top, the tighter of the two limits.
            guard forced, let b = budget else { return own }
            return own.map { min($0, b) } ?? b
        }

        /// How reports name the group of runs Control / Scaling / Performance compare: the model tag, with
        /// the method when it is not plain budget forcing.
        public var group: String { method == "BF" ? model : "\(model) · \(method)" }
    }

    public static func grade(_ r: Record) throws {
        guard let gold = gold(r) else { throw InputError(r.source, line: r.line, "record has no gold answer (`answer`, or a \\boxed{} in `solution`)") }
        guard let outs = r["outputs"], outs.isArray else { throw InputError(r.source, line: r.line, "record has no `outputs` array") }
        var graded: [JSONValue] = []
        var runs: [RunKey: [(Int, String?, Bool)]] = [:]
        var order: [RunKey] = []
        for (i, o) in outs.elements.enumerated() {
            guard o.isObject else { throw InputError(r.source, line: r.line, "outputs[\(i)] is not an object") }
            let section = FinalAnswer.section(text: o["text"]?.string, answer: o["answer"]?.string)
            let extracted = FinalAnswer.extract(section)
            // Several boxes in the answer section may together be the answer (a list or set).
            let boxes = FinalAnswer.allBoxed(section)
            let verdict = Judge.verdict(extracted: extracted, gold: gold, alternatives: boxes.count > 1 ? [boxes.joined(separator: ", ")] : [], section: section)
            let ok = verdict.correct
            var members = o.members.filter { !["extracted", "correct", "judge_note"].contains($0.key) }.map { ($0.key, JSONValue.ref($0.value)) }
            members.append(("extracted", extracted.map { .string($0) } ?? .null))
            members.append(("correct", .bool(ok)))
            if let note = [verdict.note, FinalAnswer.truncationNote(section)].compactMap({ $0 }).first { members.append(("judge_note", .string(note))) }
            graded.append(.object(members))
            let k = try runKey(o, in: r)
            if runs[k] == nil { order.append(k) }
            runs[k, default: []].append((i, extracted, ok))
        }
        r.set("outputs", .array(graded))
        var majority: [JSONValue] = []
        for k in order where runs[k]!.count > 1 {
            let items = runs[k]!
            let m = Judge.majority(items.map(\.1), gold: gold)
            var entry: [(String, JSONValue)] = [("model", .string(k.model)), ("max_thinking_tokens", k.budget.map { .int($0) } ?? .null),
                                                ("waits", .int(k.waits)), ("samples", .int(items.count))]
            entry.append(("answer", m.flatMap { items[$0].1 }.map { .string($0) } ?? .null))
            entry.append(("correct", .bool(m.map { items[$0].2 } ?? false)))
            majority.append(.object(entry))
        }
        if !majority.isEmpty { r.set("majority", .array(majority)) } else { r.remove("majority") }
    }
}
