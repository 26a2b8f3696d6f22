/// Presentation stripped from a final answer before it is compared (SPEC §7): math delimiters, spacing
/// commands, `\left`/`\right`, unit words in `\text{}`, degrees and percent signs, `x =` in front, a final
/// period, thousands separators; `\dfrac` → `\frac`, `\sqrt2` → `\sqrt{2}`, `\frac12` → `\frac{1}{2}`.
public enum AnswerNormalizer {
    public static func normalize(_ raw: String) -> String {
        var s = raw.trimmingWhitespace()
        for (a, b) in [("\\(", ""), ("\\)", ""), ("\\[", ""), ("\\]", ""), ("$", ""), ("\\left", ""), ("\\right", ""),
                       ("\\!", ""), ("\\,", ""), ("\\;", ""), ("\\:", ""), ("\\ ", ""), ("~", ""),
                       ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\dbinom", "\\binom"), ("\\displaystyle", ""),
                       ("^{\\circ}", ""), ("^\\circ", ""), ("\\circ", ""), ("°", ""), ("\\%", ""), ("%", ""),
                       ("\\cdot", "*"), ("\\times", "*"), ("\\leq", "≤"), ("\\geq", "≥"), ("\\le", "≤"), ("\\ge", "≥"), ("\\infty", "∞"), ("−", "-")] {
            s = s.replacingOccurrences(of: a, with: b)
        }
        s = dropTextUnits(s)
        for w in ["degrees", "degree", "units", "unit"] where s.hasSuffix(w) { s = String(s.dropLast(w.count)) }
        s = s.filter { !$0.isWhitespace }
        while s.hasSuffix(".") { s.removeLast() }
        s = dropAssignment(s)
        s = braceShorthands(s)
        if isThousandsNumber(s) { s.removeAll { $0 == "," } }
        return s
    }

    /// `\text{…}`/`\mbox{…}`/`\textbf{…}`: unit words (letters only) go, anything else keeps its content.
    static func dropTextUnits(_ s: String) -> String {
        var out = s
        for macro in ["\\text", "\\mbox", "\\textbf", "\\mathrm", "\\textrm", "\\mathbf"] {
            while let r = out.range(of: macro + "{") {
                let u = Array(out.utf8)
                let open = out.utf8.distance(from: out.utf8.startIndex, to: r.upperBound.samePosition(in: out.utf8)!) - 1
                guard let close = BoxedAnswer.matchingBrace(u, open) else { break }
                let inner = String(decoding: u[(open + 1)..<close], as: UTF8.self)
                let trimmed = inner.trimmingWhitespace()
                let isUnit = !trimmed.isEmpty && trimmed.allSatisfy { $0.isLetter || $0 == " " || $0 == "^" || $0 == "2" || $0 == "3" }
                    && (macro == "\\text" || macro == "\\mbox" || macro == "\\mathrm" || macro == "\\textrm")
                    && !out[..<r.lowerBound].trimmingWhitespace().isEmpty
                let keep = isUnit ? "" : inner
                out = String(decoding: u[..<(open - macro.utf8.count)], as: UTF8.self) + keep + String(decoding: u[(close + 1)...], as: UTF8.self)
            }
        }
        return out
    }

    /// `x=5` → `5`, `f(x)=…` stays (the left side is not a bare variable); per comma-separated element.
    static func dropAssignment(_ s: String) -> String {
        func strip(_ e: Substring) -> Substring {
            guard let eq = e.firstIndex(of: "="), e[e.index(after: eq)...].firstIndex(of: "=") == nil else { return e }
            let lhs = e[..<eq]
            let isVar = !lhs.isEmpty && lhs.count <= 4 && lhs.first!.isLetter && lhs.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "{" || $0 == "}" }
            return isVar ? e[e.index(after: eq)...] : e
        }
        return splitTopLevel(s, on: ",").map { String(strip(Substring($0))) }.joined(separator: ",")
    }

    /// `\sqrt2` → `\sqrt{2}`, `\frac12` → `\frac{1}{2}`, `\frac1{2}` → `\frac{1}{2}`, `^{2}` → `^2`.
    static func braceShorthands(_ s: String) -> String {
        var c = Array(s)
        var out: [Character] = []
        var i = 0
        func macro(_ name: String) -> Bool { Array(name) == Array(c[i..<min(c.count, i + name.count)]) }
        while i < c.count {
            if macro("\\sqrt"), i + 5 < c.count, c[i + 5] != "{", c[i + 5] != "[" {
                out += Array("\\sqrt{") + [c[i + 5]] + ["}"]
                i += 6
                continue
            }
            if macro("\\frac") {
                out += Array("\\frac")
                i += 5
                for _ in 0..<2 where i < c.count {
                    if c[i] == "{" {
                        var depth = 0
                        repeat {
                            if c[i] == "{" { depth += 1 } else if c[i] == "}" { depth -= 1 }
                            out.append(c[i]); i += 1
                        } while i < c.count && depth > 0
                    } else {
                        out += ["{", c[i], "}"]; i += 1
                    }
                }
                continue
            }
            if c[i] == "^", i + 3 < c.count + 1, i + 2 < c.count, c[i + 1] == "{", c[i + 2] != "}", i + 3 < c.count, c[i + 3] == "}" {
                out += ["^", c[i + 2]]
                i += 4
                continue
            }
            out.append(c[i])
            i += 1
        }
        c = out
        return String(c)
    }

    static func isThousandsNumber(_ s: String) -> Bool {
        var body = Substring(s)
        if body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count >= 2, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return false }
        guard groups.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        return parts.count == 1 || parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Splits on `sep` outside (), [], {} and \{ \}.
    public static func splitTopLevel(_ s: String, on sep: Character) -> [String] {
        var parts: [String] = []
        var cur = ""
        var depth = 0
        for ch in s {
            if ch == "(" || ch == "[" || ch == "{" { depth += 1 }
            if ch == ")" || ch == "]" || ch == "}" { depth -= 1 }
            if ch == sep && depth == 0 { parts.append(cur); cur = "" } else { cur.append(ch) }
        }
        parts.append(cur)
        return parts
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
