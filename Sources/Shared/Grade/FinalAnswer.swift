/// The committed final answer of an output (SPEC §7): only the part after the `answer` delimiter counts
/// (the thinking never does); in it the last `\boxed{…}`, else the last `Final Answer:` / `Answer:` line.
public enum FinalAnswer {
    /// The answer section of an output object (its `answer` field, else the text after the last
    /// `<|im_start|>answer`, else the whole text of a raw generation).
    public static func section(text: String?, answer: String?) -> String {
        if let answer { return answer }
        guard let text else { return "" }
        if let r = text.range(of: "<|im_start|>answer", options: .backwards) { return String(text[r.upperBound...]) }
        return text
    }

    public static func extract(_ section: String) -> String? {
        if let b = BoxedAnswer.last(in: section) {
            let t = b.trimmingWhitespace()
            return t.isEmpty ? nil : t
        }
        let lines = section.split(whereSeparator: \.isNewline).map(String.init)
        for (i, line) in lines.enumerated().reversed() {
            let lower = line.lowercased()
            guard let r = lower.range(of: "final answer:", options: .backwards) ?? lower.range(of: "answer:", options: .backwards) else { continue }
            var rest = String(line[line.index(line.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: r.upperBound))...]).trimmingWhitespace()
            if rest.isEmpty, i + 1 < lines.count { rest = lines[i + 1].trimmingWhitespace() }
            for prefix in ["the final answer is", "the answer is"] where rest.lowercased().hasPrefix(prefix) {
                rest = String(rest.dropFirst(prefix.count)).trimmingWhitespace()
            }
            if let r = rest.range(of: ". I hope it is correct") { rest = String(rest[..<r.lowerBound]) }
            while rest.hasSuffix(".") { rest.removeLast() }
            rest = rest.trimmingWhitespace()
            return rest.isEmpty ? nil : rest
        }
        return nil
    }
}

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
