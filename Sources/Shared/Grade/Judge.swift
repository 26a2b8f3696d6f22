/// Judges an extracted answer against a gold answer: multiple choice by the chosen letter, everything else
/// parsed and compared by `AnswerEquivalence` within the per-answer time budget. A verdict past the budget
/// (or on an answer too long to parse) is not-equal, with a note saying why.
public enum Judge {
    public struct Verdict: Equatable, Sendable {
        public var correct: Bool
        /// Why the judge could not decide by computation (budget, size), for `judge_note`.
        public var note: String?
    }

    public static func correct(extracted: String?, gold: String) -> Bool { verdict(extracted: extracted, gold: gold).correct }

    /// `section` is the whole answer section, for yes/no golds answered in a sentence ("No, there are …").
    public static func verdict(extracted: String?, gold: String, alternatives: [String] = [], section: String? = nil) -> Verdict {
        if let yes = yesNo(gold) {
            // A yes/no question: the answer must say yes or no explicitly, as the answer or its first word.
            let said = extracted.flatMap { yesNo($0) } ?? section.flatMap { yesNo(firstWord($0)) }
            return Verdict(correct: said == yes, note: nil)
        }
        guard let e = extracted else { return Verdict(correct: false, note: nil) }
        if let g = MultipleChoice.goldLetter(gold) {
            return Verdict(correct: MultipleChoice.letter(in: e) == g, note: nil)
        }
        let v = equivalent(e, gold)
        if v.correct { return v }
        var alternatives = alternatives
        // A decimal comma (1,22 or 1000,99; not a thousands group) may be a decimal point.
        if let c = decimalComma(e) { alternatives.append(c) }
        for a in alternatives {
            let w = equivalent(a, gold)
            if w.correct { return w }
        }
        if let g = decimalComma(gold), equivalent(e, g).correct { return Verdict(correct: true, note: nil) }
        return v
    }

    /// Whether two answers are the same mathematical answer (also used to group majority votes).
    public static func equivalent(_ a: String, _ b: String) -> Verdict {
        let ta = AnswerText.normalized(a), tb = AnswerText.normalized(b)
        if ta.isEmpty || tb.isEmpty { return Verdict(correct: false, note: nil) }
        if ta == tb { return Verdict(correct: true, note: nil) }
        let limit = MathLexer.maxScalars
        if a.unicodeScalars.count > limit || b.unicodeScalars.count > limit {
            return Verdict(correct: false, note: "answer longer than \(limit) characters: compared as text only")
        }
        let budget = WorkBudget()
        guard let pa = MathParser.parse(a), let pb = MathParser.parse(b) else { return Verdict(correct: false, note: nil) }
        do {
            return Verdict(correct: try AnswerEquivalence(budget: budget).equal(pa, pb), note: nil)
        } catch {
            return Verdict(correct: false, note: "judge time budget (\(WorkBudget.perAnswerMilliseconds) ms) exceeded")
        }
    }

    /// true for a gold or answer that is the word yes, false for no, nil otherwise.
    static func yesNo(_ s: String) -> Bool? {
        guard s.utf8.count <= 24 else { return nil }
        let w = AnswerText.normalized(s).filter { $0.isLetter }
        return w == "yes" ? true : w == "no" ? false : nil
    }

    static func firstWord(_ s: String) -> String {
        String(AnswerText.normalized(s).prefix { $0.isLetter })
    }

    /// `1,22` → `1.22` when the answer is one number with one comma not followed by exactly three digits
    /// (or led by 0: `0,111`).
    static func decimalComma(_ e: String) -> String? {
        let t = e.trimmingWhitespace().filter { $0 != "$" }
        let parts = t.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = parts.first, let b = parts.last, !a.isEmpty, !b.isEmpty,
              a.drop(while: { $0 == "-" }).allSatisfy({ $0.isASCII && $0.isNumber }), b.allSatisfy({ $0.isASCII && $0.isNumber }),
              b.count != 3 || a == "0" || a == "-0" else { return nil }
        return a + "." + b
    }

    /// Answers equal to one another form one vote (by the same test as correctness): returns the index of
    /// the most common answer's first occurrence, ties going to the earliest, nil when there is none.
    public static func majority(_ answers: [String?], gold: String) -> Int? {
        var classes: [(first: Int, count: Int)] = []
        let letters = MultipleChoice.isLetterGold(gold)
        let keys: [String?] = answers.map { a in
            guard let a else { return nil }
            return letters ? MultipleChoice.letter(in: a).map(String.init) : a
        }
        for (i, k) in keys.enumerated() {
            guard let k, !k.isEmpty else { continue }
            if let c = classes.firstIndex(where: { letters ? keys[$0.first] == k : equivalent(keys[$0.first]!, k).correct }) {
                classes[c].count += 1
            } else {
                classes.append((i, 1))
            }
        }
        return classes.max { $0.count < $1.count || ($0.count == $1.count && $0.first > $1.first) }?.first
    }
}
