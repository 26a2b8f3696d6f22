import Foundation

/// The built-in problem source (`synthetic:SPLIT:N[:SEED]`): multi-step problems with exact integer
/// answers and step-by-step traces whose length grows with difficulty, as s1K-format records. Four
/// families — column addition with carries, nested expressions, counting multiples in a range, modular
/// powers — at difficulties 1–5. Train and eval never share a question: a question belongs to the split
/// given by the parity of its SHA-256's first byte, whatever the seed.
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

    /// One problem of a family at a difficulty (1–5).
    public static func make(_ family: String, difficulty d: Int, rng: inout SplitMix64) -> Problem {
        switch family {
        case "addition":
            let digits = d + 1
            let a = int(&rng, Int(pow(10, Double(digits - 1)))...Int(pow(10, Double(digits))) - 1)
            let b = int(&rng, Int(pow(10, Double(digits - 1)))...Int(pow(10, Double(digits))) - 1)
            let da = Array(String(a).reversed()), db = Array(String(b).reversed())
            // The digits are restated first: a small model copies them more reliably than it finds them.
            var steps = ["Add column by column from the right.",
                         "Digits of \(a) from the right: " + da.map(String.init).joined(separator: ", ") + ".",
                         "Digits of \(b) from the right: " + db.map(String.init).joined(separator: ", ") + "."]
            var carry = 0
            for i in 0..<digits {
                let x = Int(String(da[i]))!, y = Int(String(db[i]))!
                let s = x + y + carry
                steps.append("Column \(i + 1): \(x) + \(y)" + (carry > 0 ? " + \(carry)" : "") + " = \(s), write \(s % 10)" + (s >= 10 ? ", carry 1." : "."))
                carry = s / 10
            }
            if carry > 0 { steps.append("Write the final carry 1.") }
            steps.append("So \(a) + \(b) = \(a + b).")
            return Problem(question: "Compute \(a) + \(b).", steps: steps, answer: a + b, family: family, difficulty: d)
        case "expression":
            var value = int(&rng, 2...9)
            var text = "\(value)"
            var steps: [String] = []
            for _ in 0..<(d + 1) {
                let b = int(&rng, 2...9)
                let op = ["+", "-", "*"][int(&rng, 0...2)]
                let next = op == "+" ? value + b : op == "-" ? value - b : value * b
                steps.append("(\(value) \(op) \(b)) = \(next).")
                text = "(\(text) \(op) \(b))"
                value = next
            }
            return Problem(question: "Evaluate \(text).", steps: ["Work from the innermost parentheses outward."] + steps + ["The value is \(value)."],
                           answer: value, family: family, difficulty: d)
        case "counting":
            let k = int(&rng, 3...13)
            let lo = int(&rng, 1...(10 * d)), hi = lo + int(&rng, (20 * d)...(60 * d))
            let upTo = hi / k, below = (lo - 1) / k
            let steps = ["Count multiples of \(k) up to \(hi) and subtract those below \(lo).",
                         "Up to \(hi): \(hi) ÷ \(k) = \(upTo) remainder \(hi % k), so \(upTo) multiples.",
                         "Below \(lo) (up to \(lo - 1)): \(lo - 1) ÷ \(k) = \(below) remainder \((lo - 1) % k), so \(below) multiples.",
                         "\(upTo) − \(below) = \(upTo - below)."]
            return Problem(question: "How many multiples of \(k) are there from \(lo) to \(hi), inclusive?", steps: steps,
                           answer: upTo - below, family: family, difficulty: d)
        default:   // modpow
            let m = int(&rng, 5...23), b = int(&rng, 2...(m - 1)), e = d + 2
            var steps = ["Multiply step by step, reducing mod \(m)."]
            var v = b % m
            steps.append("\(b)^1 ≡ \(v) (mod \(m)).")
            for i in 2...e {
                let prev = v, prod = v * b
                v = prod % m
                steps.append("\(b)^\(i) ≡ \(prev) · \(b) = \(prod) ≡ \(v) (mod \(m)).")
            }
            steps.append("So \(b)^\(e) mod \(m) = \(v).")
            return Problem(question: "What is \(b)^\(e) mod \(m)?", steps: steps, answer: v, family: family, difficulty: d)
        }
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

    /// Bumped whenever the rows a spec gives change (2: steps are paragraphs), so a cached file is never stale.
    public static let version = 2

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
