import Foundation

/// The built-in problem source (`synthetic:SPLIT:N[:SEED]`): multi-step problems with exact integer
/// answers and step-by-step traces whose length grows with difficulty, as s1K-format records. Four
/// families — column addition with carries, nested expressions, counting multiples in a range, modular
/// powers — at difficulties 1–5. Like s1K's traces, some check their work before concluding ("Wait, let
/// me check: …") and some slip in one step and catch it in the next ("Wait, 7 + 5 is 12, not 13.").
/// Train and eval never share a question: a question belongs to the split given by the parity of its
/// SHA-256's first byte, whatever the seed.
public enum SyntheticProblems {
    public enum Split: String { case train, eval }

    public struct Problem {
        public var question: String
        public var steps: [String]
        public var answer: Int
        public var family: String
        public var difficulty: Int
    }

    public static let families = ["addition", "expression", "counting", "modpow"]

    static func int(_ rng: inout SplitMix64, _ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(rng.next() % UInt64(range.count))
    }

    /// One computation step of a trace: its text, and optionally a slip (a wrong version of the same step)
    /// with the paragraph that catches and corrects it.
    struct Step {
        var text: String
        var slip: (wrong: String, fix: String)? = nil
    }

    /// A family's problem before the trace is assembled: the steps, the closing statement, and the check
    /// a trace may make just before it (a verification a reader can redo from the trace itself).
    struct Draft {
        var question: String, intro: [String], steps: [Step], conclusion: String, check: String, answer: Int
    }

    /// A wrong value near `v` (v + 1, or v − 1 when v + 1 leaves 0…limit).
    static func near(_ v: Int, limit: Int = Int.max) -> Int { v + 1 <= limit ? v + 1 : v - 1 }

    static func draft(_ family: String, difficulty d: Int, rng: inout SplitMix64) -> Draft {
        switch family {
        case "addition":
            let digits = d + 1
            let a = int(&rng, Int(pow(10, Double(digits - 1)))...Int(pow(10, Double(digits))) - 1)
            let b = int(&rng, Int(pow(10, Double(digits - 1)))...Int(pow(10, Double(digits))) - 1)
            let da = Array(String(a).reversed()), db = Array(String(b).reversed())
            // The digits are restated first: a small model copies them more reliably than it finds them.
            let intro = ["Add column by column from the right.",
                         "Digits of \(a) from the right: " + da.map(String.init).joined(separator: ", ") + ".",
                         "Digits of \(b) from the right: " + db.map(String.init).joined(separator: ", ") + "."]
            var steps: [Step] = []
            var carry = 0
            for i in 0..<digits {
                let x = Int(String(da[i]))!, y = Int(String(db[i]))!
                let s = x + y + carry, sum = "\(x) + \(y)" + (carry > 0 ? " + \(carry)" : "")
                let write = { (s: Int) in "write \(s % 10)" + (s >= 10 ? ", carry 1." : ".") }
                let wrong = near(s, limit: 19)
                steps.append(Step(text: "Column \(i + 1): \(sum) = \(s), \(write(s))",
                                  slip: ("Column \(i + 1): \(sum) = \(wrong), \(write(wrong))", "Wait, \(sum) is \(s), not \(wrong). Column \(i + 1): \(write(s))")))
                carry = s / 10
            }
            if carry > 0 { steps.append(Step(text: "Write the final carry 1.")) }
            let units = Int(String(da[0]))! + Int(String(db[0]))!
            return Draft(question: "Compute \(a) + \(b).", intro: intro, steps: steps, conclusion: "So \(a) + \(b) = \(a + b).",
                         check: "Wait, let me check the units: \(da[0]) + \(db[0]) = \(units), and \(a + b) ends in \(units % 10). ✓", answer: a + b)
        case "expression":
            var value = int(&rng, 2...9)
            var text = "\(value)"
            var steps: [Step] = []
            var last = ""
            for _ in 0..<(d + 1) {
                let b = int(&rng, 2...9)
                let op = ["+", "-", "*"][int(&rng, 0...2)]
                let next = op == "+" ? value + b : op == "-" ? value - b : value * b
                let wrong = near(next)
                last = "(\(value) \(op) \(b)) = \(next)."
                steps.append(Step(text: last, slip: ("(\(value) \(op) \(b)) = \(wrong).", "Wait, (\(value) \(op) \(b)) is \(next), not \(wrong).")))
                text = "(\(text) \(op) \(b))"
                value = next
            }
            return Draft(question: "Evaluate \(text).", intro: ["Work from the innermost parentheses outward."], steps: steps,
                         conclusion: "The value is \(value).", check: "Wait, let me check the last step: \(last.dropLast()). ✓", answer: value)
        case "counting":
            let k = int(&rng, 3...13)
            let lo = int(&rng, 1...(10 * d)), hi = lo + int(&rng, (20 * d)...(60 * d))
            let upTo = hi / k, below = (lo - 1) / k, wrongCount = near(upTo - below)
            let divide = { (n: Int, q: Int, what: String) -> Step in
                Step(text: "\(what): \(n) ÷ \(k) = \(q) remainder \(n % k), so \(q) multiples.",
                     slip: ("\(what): \(n) ÷ \(k) = \(q + 1), so \(q + 1) multiples.",
                            "Wait, \(k) × \(q + 1) = \(k * (q + 1)) is more than \(n), so \(n) ÷ \(k) is \(q) remainder \(n % k), not \(q + 1): \(q) multiples."))
            }
            let steps = [divide(hi, upTo, "Up to \(hi)"), divide(lo - 1, below, "Below \(lo) (up to \(lo - 1))"),
                         Step(text: "\(upTo) − \(below) = \(upTo - below).",
                              slip: ("\(upTo) − \(below) = \(wrongCount).", "Wait, \(upTo) − \(below) is \(upTo - below), not \(wrongCount).")),
            ]
            return Draft(question: "How many multiples of \(k) are there from \(lo) to \(hi), inclusive?",
                         intro: ["Count multiples of \(k) up to \(hi) and subtract those below \(lo)."], steps: steps,
                         conclusion: "So there are \(upTo - below) multiples.",
                         check: "Wait, let me check: \(k) × \(upTo) = \(k * upTo) ≤ \(hi), and \(k) × \(below + 1) = \(k * (below + 1)) ≥ \(lo). ✓", answer: upTo - below)
        default:   // modpow
            let m = int(&rng, 5...23), b = int(&rng, 2...(m - 1)), e = d + 2
            var steps = [Step(text: "\(b)^1 ≡ \(b % m) (mod \(m)).")]
            var v = b % m
            var check = ""
            for i in 2...e {
                let prev = v, prod = v * b
                v = prod % m
                let wrong = near(v, limit: m - 1)
                steps.append(Step(text: "\(b)^\(i) ≡ \(prev) · \(b) = \(prod) ≡ \(v) (mod \(m)).",
                                  slip: ("\(b)^\(i) ≡ \(prev) · \(b) = \(prod) ≡ \(wrong) (mod \(m)).",
                                         "Wait, \(prod) = \(m) · \(prod / m) + \(v), so \(prod) ≡ \(v), not \(wrong). So \(b)^\(i) ≡ \(v) (mod \(m)).")))
                check = "Wait, let me check the last step: \(m) · \(prod / m) + \(v) = \(prod). ✓"
            }
            return Draft(question: "What is \(b)^\(e) mod \(m)?", intro: ["Multiply step by step, reducing mod \(m)."], steps: steps,
                         conclusion: "So \(b)^\(e) mod \(m) = \(v).", check: check, answer: v)
        }
    }

    /// Shares of traces with a caught slip and with a check before the conclusion (issue 19: traces a forced Wait can
    /// act on, as s1K's traces from a strong model check their work and catch their slips).
    public static let slipShare = 0.25, checkShare = 0.5

    /// One problem of a family at a difficulty (1–5). Whether its trace slips (and where) and whether it
    /// checks its work is drawn from the question itself, so the questions of a seed do not depend on it.
    public static func make(_ family: String, difficulty d: Int, rng: inout SplitMix64) -> Problem {
        let p = draft(family, difficulty: d, rng: &rng)
        var t = SplitMix64(seed: 0, stream: "trace/" + p.question)
        let slippable = p.steps.indices.filter { p.steps[$0].slip != nil }
        let slipAt = Double(t.below(1000)) < slipShare * 1000 && !slippable.isEmpty ? slippable[t.below(slippable.count)] : nil
        let checked = Double(t.below(1000)) < checkShare * 1000
        var steps = p.intro
        for (i, s) in p.steps.enumerated() {
            if i == slipAt, let slip = s.slip { steps += [slip.wrong, slip.fix] } else { steps.append(s.text) }
        }
        // The check comes before the closing statement, so a trace always ends on its answer (and a cut-short
        // check never leaves the check's own numbers as the last ones written).
        if checked { steps.append(p.check) }
        steps.append(p.conclusion)
        return Problem(question: p.question, steps: steps, answer: p.answer, family: family, difficulty: d)
    }

    public static func inSplit(_ question: String, _ split: Split) -> Bool {
        (SHA256.hash(question.utf8)[0] & 1 == 0) == (split == .train)
    }

    /// `count` distinct problems of the split, families and difficulties cycling, from `seed`.
    public static func generate(_ split: Split, count: Int, seed: UInt64) -> [Problem] {
        var rng = SplitMix64(seed: seed, stream: "synthetic")
        var out: [Problem] = []
        var seen = Set<String>()
        var i = 0
        while out.count < count {
            let p = make(families[i % families.count], difficulty: 1 + (i / families.count) % 5, rng: &rng)
            i += 1
            if inSplit(p.question, split) && seen.insert(p.question).inserted { out.append(p) }
            precondition(i < count * 1000, "synthetic generator cannot find enough distinct problems")
        }
        return out
    }

    /// Bumped whenever the rows a spec gives change (2: steps are paragraphs; 3: checks and caught slips),
    /// so a cached file is never stale.
    public static let version = 3

    /// s1K-format JSONL: the trace is both `solution` and the thinking trajectory; `attempt` states the answer;
    /// `domain` is the family, so s1's diversity stage samples families evenly. Steps are paragraphs (blank
    /// lines between them), as in s1K's traces, so SCC's step split (`s1-filter traces --control steps`) finds them.
    public static func jsonl(_ problems: [Problem]) -> String {
        problems.map { p in
            let trace = p.steps.joined(separator: "\n\n")
            let rec = JSONValue.object([
                ("question", .string(p.question)), ("solution", .string(trace + "\n\nThe answer is $\\boxed{\(p.answer)}$.")),
                ("answer", .string(String(p.answer))), ("source_type", .string("synthetic/\(p.family)")), ("cot_type", .string("math")),
                ("domain", .string(p.family)),
                ("metadata", .object([("family", .string(p.family)), ("difficulty", .int(p.difficulty))])),
                ("thinking_trajectories", .array([.string(trace)])), ("attempt", .string("Answer: \(p.answer)")),
            ])
            return String(decoding: rec.bytes, as: UTF8.self)
        }.joined(separator: "\n") + "\n"
    }

    /// Parses `synthetic:SPLIT:N[:SEED]`.
    public static func parse(_ spec: String) throws -> (Split, Int, UInt64) {
        let parts = spec.split(separator: ":").map(String.init)
        guard parts.count == 3 || parts.count == 4, parts[0] == "synthetic", let split = Split(rawValue: parts[1]),
              let n = Int(parts[2]), n > 0, n <= 1_000_000 else {
            throw UsageError("\(spec): a synthetic source is synthetic:train|eval:N[:SEED], e.g. synthetic:train:1000:0")
        }
        let seed = parts.count == 4 ? UInt64(parts[3]) : 0
        guard let seed else { throw UsageError("\(spec): the seed must be a non-negative integer") }
        return (split, n, seed)
    }
}
