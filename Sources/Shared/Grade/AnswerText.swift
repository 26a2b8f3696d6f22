/// The string form answers fall back to when they do not parse (SPEC §7: a parse failure is compared as
/// normalized text, never as "equal"): presentation removed (math delimiters, spacing commands,
/// `\left`/`\right`, `\text` wrappers, a final period), `\dfrac` as `\frac`, white space and case ignored.
public enum AnswerText {
    static let dropped = ["\\left", "\\right", "\\displaystyle", "\\!", "\\,", "\\;", "\\:", "\\ ", "$", "\\(", "\\)",
                          "\\[", "\\]", "\\text", "\\mathrm", "\\textbf", "\\mbox", "~"]

    public static func normalized(_ s: String) -> String {
        var t = s.replacingOccurrences(of: "\\dfrac", with: "\\frac").replacingOccurrences(of: "\\tfrac", with: "\\frac")
        for d in dropped { t = t.replacingOccurrences(of: d, with: "") }
        t = String(t.filter { !$0.isWhitespace }.lowercased())
        while t.hasSuffix(".") { t.removeLast() }
        return t
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
