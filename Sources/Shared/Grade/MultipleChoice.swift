/// The letter a final answer commits to, for multiple-choice golds (A–J): `(B)`, `B)`, `B.`, `\boxed{B}`,
/// `Answer: b`, `$C$`, `\text{(C)}`, or a bare letter. Two different letters, or none, give nil: never a
/// default letter.
public enum MultipleChoice {
    public static func isLetterGold(_ gold: String) -> Bool { goldLetter(gold) != nil }

    /// The gold letter: `C`, `(C)`, `\text{C}`, `$C$`.
    public static func goldLetter(_ gold: String) -> Character? {
        guard gold.utf8.count <= 24 else { return nil }
        let g = AnswerText.normalized(gold).utf8.filter { !"{}()".utf8.contains($0) }
        guard g.count == 1, g[0] >= UInt8(ascii: "a"), g[0] <= UInt8(ascii: "j") else { return nil }
        return Character(Unicode.Scalar(g[0] - 0x20))
    }

    public static func letter(in full: String) -> Character? {
        // The choice is stated at the end; a huge answer is read from its last part only (bounded work).
        let answer = full.count > 2000 ? String(full.suffix(2000)) : full
        var s = answer
        for (a, b) in [("\\text{", "{"), ("\\textbf{", "{"), ("\\mathrm{", "{"), ("$", " "), ("\\(", " "), ("\\)", " ")] {
            s = s.replacingOccurrences(of: a, with: b)
        }
        if let boxed = BoxedAnswer.last(in: answer) { s = boxed }
        let chars = Array(s)
        var found = Set<Character>()
        func isLetter(_ c: Character) -> Bool { "ABCDEFGHIJabcdefghij".contains(c) }
        func boundary(_ i: Int) -> Bool { i < 0 || i >= chars.count || !(chars[i].isLetter || chars[i].isNumber) }
        for i in chars.indices where isLetter(chars[i]) && boundary(i - 1) && boundary(i + 1) {
            let prev = i > 0 ? chars[i - 1] : " ", next = i + 1 < chars.count ? chars[i + 1] : " "
            let upper = chars[i].isUppercase
            // A capital standing alone or in (B) / B) / B. / {B}; a lower-case letter only in (b) or after "answer".
            let marked = (prev == "(" && next == ")") || prev == "{" && next == "}"
            let loneCapital = upper && (next == ")" || next == "." || next == ":" || next == " " || next == "}" || next == "*" || i + 1 == chars.count)
            let afterAnswer = s[..<s.index(s.startIndex, offsetBy: i)].lowercased().trimmingWhitespace().hasSuffix("answer:")
            if marked || loneCapital || afterAnswer {
                found.insert(Character(chars[i].uppercased()))
            }
        }
        if found.isEmpty, chars.count == 1, "abcdefghij".contains(chars[0]) { return Character(chars[0].uppercased()) }
        return found.count == 1 ? found.first : nil
    }
}
