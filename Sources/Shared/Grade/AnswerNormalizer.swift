/// Presentation stripped from a final answer before it is compared (SPEC §7): math delimiters, spacing
/// commands, `\left`/`\right`, unit words in `\text{}`, degrees and percent signs, `x =` in front, a final
/// period, thousands separators; `\dfrac` → `\frac`, `\sqrt2` → `\sqrt{2}`, `\frac12` → `\frac{1}{2}`.
public enum AnswerNormalizer {
    public static func normalize(_ raw: String) -> String {
        // Row breaks (\\) are kept apart from the spacing commands (\ , \,) that are dropped.
        var s = raw.trimmingWhitespace().replacingOccurrences(of: "\\\\", with: "⏎")
        s = replaceAll(s)
        s = dropTextUnits(s)
        for w in ["degrees", "degree", "units", "unit"] where s.hasSuffix(w) { s = String(s.dropLast(w.count)) }
        s = s.filter { !$0.isWhitespace }
        while s.hasSuffix(".") { s.removeLast() }
        s = dropAssignment(s)
        s = braceShorthands(s)
        if isThousandsNumber(s) { s.removeAll { $0 == "," } }
        return s.replacingOccurrences(of: "⏎", with: "\\\\")
    }

    static let replacements: [([UInt8], [UInt8])] = [
        ("\\$", ""), ("\\(", ""), ("\\)", ""), ("\\[", ""), ("\\]", ""), ("$", ""), ("\\left", ""), ("\\right", ""),
        ("\\!", ""), ("\\,", ""), ("\\;", ""), ("\\:", ""), ("\\ ", ""), ("~", ""),
        ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\dbinom", "\\binom"), ("\\displaystyle", ""),
        ("^{\\circ}", ""), ("^\\circ", ""), ("\\circ", ""), ("°", ""), ("\\%", ""), ("%", ""),
        ("\\cdot", "*"), ("\\times", "*"), ("\\leq", "≤"), ("\\geq", "≥"), ("\\le", "≤"), ("\\ge", "≥"),
        ("\\infty", "∞"), ("−", "-"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }.sorted { $0.0.count > $1.0.count }

    /// Every replacement in one left-to-right pass, the longest pattern winning at each position
    /// (so `\\left` is not read as `\\le`).
    static func replaceAll(_ s: String) -> String {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        scan: while i < u.count {
            let c = u[i]
            if c == 0x5C || c == 0x24 || c == 0x7E || c == 0x5E || c == 0x25 || c >= 0x80 {
                for (pat, rep) in replacements where pat.count <= u.count - i && pat[0] == c {
                    var j = 1
                    while j < pat.count && u[i + j] == pat[j] { j += 1 }
                    if j == pat.count {
                        out += rep
                        i += pat.count
                        continue scan
                    }
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
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
        func starts(_ name: String, _ c: [Character], _ i: Int) -> Bool { Array(name) == Array(c[i..<min(c.count, i + name.count)]) }
        // \sqrt shorthands first, everywhere (also inside \frac arguments).
        let c0 = Array(s)
        var c: [Character] = []
        var k = 0
        while k < c0.count {
            if starts("\\sqrt", c0, k), k + 5 < c0.count, c0[k + 5] != "{", c0[k + 5] != "[" {
                c += Array("\\sqrt{") + [c0[k + 5], "}"]
                k += 6
            } else {
                c.append(c0[k])
                k += 1
            }
        }
        var out: [Character] = []
        var i = 0
        while i < c.count {
            if starts("\\frac", c, i) {
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
            if c[i] == "^", i + 3 < c.count, c[i + 1] == "{", c[i + 2] != "}", c[i + 3] == "}" {
                out += ["^", c[i + 2]]
                i += 4
                continue
            }
            out.append(c[i])
            i += 1
        }
        return String(out)
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
