/// Judges an extracted answer against a gold answer.
public enum Judge {
    public static func correct(extracted: String?, gold: String) -> Bool {
        guard let e = extracted else { return false }
        if MultipleChoice.isLetterGold(gold) {
            guard let l = MultipleChoice.letter(in: e) else { return false }
            return l == Character(gold.trimmingWhitespace().uppercased())
        }
        return AnswerEquivalence.equal(e, gold)
    }

    /// Answers equal to one another form one vote (by the same test as correctness): returns the index of
    /// the most common answer's first occurrence, ties going to the earliest, nil when there is none.
    public static func majority(_ answers: [String?], gold: String) -> Int? {
        var classes: [(first: Int, count: Int)] = []
        let letters = MultipleChoice.isLetterGold(gold)
        // Each answer normalized once; classes compared on the normalized forms.
        let keys: [String?] = answers.map { a in
            guard let a else { return nil }
            return letters ? MultipleChoice.letter(in: a).map(String.init) : AnswerNormalizer.normalize(a)
        }
        for (i, k) in keys.enumerated() {
            guard let k, !k.isEmpty else { continue }
            if let c = classes.firstIndex(where: { letters ? keys[$0.first] == k : AnswerEquivalence.same(keys[$0.first]!, k) }) {
                classes[c].count += 1
            } else {
                classes.append((i, 1))
            }
        }
        return classes.max { $0.count < $1.count || ($0.count == $1.count && $0.first > $1.first) }?.first
    }

}
