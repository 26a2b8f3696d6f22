/// The committed final answer of an output (SPEC §7): only the answer section counts, never the thinking.
/// In it, by priority: the last `\boxed{…}` (or `\boxed 7`); the last answer statement (`Final Answer:`,
/// `The answer is X`, `the correct option is (D)`, a `**Final Answer**` or `# Answer` heading followed by
/// the answer on the next line; a sentence there is reduced to its answer); the last math span (`\[…\]`,
/// `$$…$$`, `\(…\)`, `$…$`); a section that is only the answer (`7,425,000`, `\frac{7}{4}`); in a short
/// section, its last number.
public enum FinalAnswer {
    /// The answer section of an output object (its `answer` field, else the text after the last
    /// `<|im_start|>answer`, else the whole text of a raw generation).
    public static func section(text: String?, answer: String?) -> String {
        if let answer { return answer }
        guard let text else { return "" }
        let u = Array(text.utf8), marker = Array("<|im_start|>answer".utf8)
        if let at = ByteSearch.findLast(marker, in: u) { return String(decoding: u[(at + marker.count)...], as: UTF8.self) }
        return text
    }

    /// Sections longer than this are searched only in their last part (the answer is at the end).
    static let maxSection = 20_000

    public static func extract(_ raw: String) -> String? {
        var section = Substring(raw)
        if section.utf8.count > maxSection { section = Substring(tail(String(section), bytes: maxSection)) }
        var s = String(section)
        // A chat turn after the answer (a raw generation running on) is not part of it.
        if s.utf8.contains(UInt8(ascii: "<")) {
            var u = Array(s.utf8)
            for marker in ["<|im_start|>user", "<|im_end|>", "<|endoftext|>"] {
                if let at = ByteSearch.find(Array(marker.utf8), in: u, from: 0) { u = Array(u[..<at]) }
            }
            s = String(decoding: u, as: UTF8.self)
        }
        if let b = BoxedAnswer.last(in: s) ?? BoxedAnswer.lastUnbraced(in: s) {
            let t = b.trimmingWhitespace()
            return t.isEmpty ? nil : t
        }
        if let a = statement(s) { return reduce(a) }
        // A final sentence stating the answer ("The value of \\(x\\) is \\(2\\), achieved when …"), or
        // naming it before its verb ("A minimum of 26 questions is required …").
        if let f = finalSentence(s), isSentence(f) {
            if let t = afterCopula(f) { return t }
            if let n = beforeCopula(f) { return n }
        }
        // A number in the final sentence, after the last math span, is the answer stated last.
        if let n = finalSentenceNumber(s) { return n }
        if let m = lastMathSpan(s) { return m }
        let trimmed = stripSentence(s.trimmingWhitespace())
        if !trimmed.isEmpty, trimmed.count <= 120, !trimmed.contains("\n"), !isSentence(trimmed) { return trimmed }
        if let n = lastNumber(tail(s, bytes: 400)) { return n }
        return nil
    }

    /// The last `bytes` bytes of `s`, starting after a whitespace so that no token is cut: the tail of a
    /// 1M-digit number is not a number of its own. Empty when the tail holds no whitespace.
    static func tail(_ s: String, bytes n: Int) -> String {
        let u = s.utf8
        guard u.count > n else { return s }
        let cut = Array(u.suffix(n))
        guard let ws = cut.firstIndex(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) else { return "" }
        return String(decoding: cut[(ws + 1)...], as: UTF8.self)
    }

    /// The judge's note for a section searched only in part (nil when it was searched whole).
    public static func truncationNote(_ section: String) -> String? {
        section.utf8.count > maxSection ? "answer section of \(section.utf8.count) bytes: only its last \(maxSection) were searched" : nil
    }

    /// Runs of ASCII letters outside `$…$`, not counting command names (`\\frac`).
    static func textWords(_ s: String) -> [String] {
        var words: [String] = [], run = "", inMath = false, backslash = false
        for c in s + " " {
            if c == "$" { inMath.toggle() }
            if c.isLetter && c.isASCII && !inMath && !backslash { run.append(c); continue }
            if !run.isEmpty { words.append(run) }
            run = ""
            backslash = c == "\\" || (backslash && c.isLetter)
        }
        return words
    }

    /// Words of three or more letters outside math (environment names aside): a sentence has two or more.
    static func isSentence(_ s: String) -> Bool {
        var text = s
        for env in ["pmatrix", "bmatrix", "vmatrix", "matrix", "array", "cases", "aligned", "align"] {
            text = text.replacingOccurrences(of: "{" + env + "}", with: " ")
        }
        return textWords(text).filter { $0.count >= 3 }.count >= 2
    }

    /// Clauses after an answer that are not part of it ("is 0, achieved when a = b = c").
    static let clauseEnds = [", which", ", achieved", ", attained", ", obtained", ", when", " when ", ", where", " where ",
                             ", since", " since ", ", because", " because ", ", as ", ", so ", ", with ", " for all ",
                             ", i.e.", " (mod", " (for ", ", for "]

    /// An answer statement that is a sentence ("The largest $n$ is 34", "Jane started 3 hours ago") is
    /// reduced to its answer: what follows an " is " / " = " (the last one that gives one, trailing
    /// clauses cut), else its last math span, else its last number.
    static func reduce(_ a: String) -> String {
        guard isSentence(a) else { return a }
        if let t = afterCopula(a) { return t }
        if let m = lastMathSpan(a), !m.isEmpty { return m }
        return lastNumber(a) ?? a
    }

    /// Character offsets of `a` that lie inside `$…$`, `\\(…\\)` or `\\[…\\]`.
    static func insideMath(_ a: [Character]) -> [Bool] {
        var inside = [Bool](repeating: false, count: a.count)
        var dollar = false, paren = false
        var k = 0
        while k < a.count {
            if a[k] == "\\", k + 1 < a.count, "([".contains(a[k + 1]) { paren = true; k += 2; continue }
            if a[k] == "\\", k + 1 < a.count, ")]".contains(a[k + 1]) { paren = false; k += 2; continue }
            if a[k] == "$" { dollar.toggle() }
            inside[k] = dollar || paren
            k += 1
        }
        return inside
    }

    /// The answer a sentence states after its copula: the word copulas (" is ", " are ", …) from the last
    /// one back, then " = ", never inside math; clauses after the first copula ("…, which occurs when …")
    /// are cut first. nil when no copula gives a clean answer.
    static func afterCopula(_ sentence: String) -> String? {
        var a = Array(sentence)
        var inside = insideMath(a)
        func positions(_ sep: String) -> [Int] {
            let p = Array(sep)
            guard a.count >= p.count else { return [] }
            return (0...(a.count - p.count)).filter { k in !inside[k] && Array(a[k..<(k + p.count)]) == p }.map { $0 + p.count }
        }
        let copulas = [" is ", " are ", " was ", " were ", " equals ", " be ", " is: ", " given by ", " given by the expression ",
                       " given by the formula ", " equal to ", " is exactly "]
        if let first = copulas.flatMap(positions).min() {
            let tail = String(a[first...])
            var cut = tail.endIndex
            for c in clauseEnds { if let x = tail.range(of: c), x.lowerBound < cut { cut = x.lowerBound } }
            // A clause marker inside math does not count.
            let offset = first + tail.distance(from: tail.startIndex, to: cut)
            if cut < tail.endIndex, !inside[offset] { a = Array(a[..<offset]); inside = Array(inside[..<offset]) }
        }
        for group in [copulas, [" = "]] {
            for cut in group.flatMap(positions).sorted(by: >) {
                let tail = stripSentence(String(a[cut...]))
                if tail.isEmpty { continue }
                if let m = lastMathSpan(tail) { return m }
                if plainWords(tail).isEmpty, MathParser.parse(tail) != nil { return tail }
                // "12 ways to do it": a number followed by words.
                let lead = tail.prefix { $0.isNumber || $0 == "." || $0 == "," || $0 == "/" || $0 == "-" }
                if !lead.isEmpty, lead.last!.isNumber, tail.dropFirst(lead.count).first == " " { return String(lead) }
            }
        }
        return nil
    }

    /// The last number standing alone before the sentence's first " is " / " are ".
    static func beforeCopula(_ sentence: String) -> String? {
        let firsts = [" is ", " are "].compactMap { sentence.range(of: $0)?.lowerBound }
        guard let first = firsts.min() else { return nil }
        var head = String(sentence[..<first])
        if let comma = head.range(of: ", ", options: .backwards) { head = String(head[comma.upperBound...]) }   // this clause only
        guard !head.contains("$"), !head.contains("\\(") else { return nil }
        return lastNumber(head)
    }

    /// Words of two or more letters outside math, other than units, number words, function names and
    /// the separators `and`/`or`.
    static func plainWords(_ s: String) -> [String] {
        textWords(s).filter { w in
            w.count >= 2 && !MathParser.units.contains(w) && MathParser.numberWords[w.lowercased()] == nil
                && !["and", "or", "pi"].contains(w) && !MathParser.functions.contains(w)
        }
    }

    /// The last run of `\boxed{}`s that stand together (separated by commas, `and`, `or`, `\quad`, at most
    /// one other word: `\boxed{1} papers and \boxed{2} bins`), repeats removed: several boxes that together
    /// are the answer.
    public static func allBoxed(_ section: String) -> [String] {
        let boxes = BoxedAnswer.spans(in: section)
        guard var group = boxes.last.map({ [$0] }) else { return [] }
        let u = Array(section.utf8)
        for b in boxes.dropLast().reversed() {
            let between = String(decoding: u[b.end..<group[0].start], as: UTF8.self)
            var rest = between
            for sep in ["\\text", "\\quad", "\\qquad", "\\(", "\\)", "\\[", "\\]", "$", ",", ";", "{", "}", "."] {
                rest = rest.replacingOccurrences(of: sep, with: " ")
            }
            let words = rest.split(separator: " ").filter { !["and", "or", "&"].contains($0.lowercased()) }
            guard words.count <= 1, between.count <= 40 else { break }
            group.insert(b, at: 0)
        }
        var seen: [String] = []
        for b in group where !seen.contains(b.content.trimmingWhitespace()) { seen.append(b.content.trimmingWhitespace()) }
        return seen
    }

    /// The section's final sentence (after the last ". " or line break).
    static func finalSentence(_ s: String) -> String? {
        var body = s.trimmingWhitespace()
        while let l = body.last, l == "." || l == " " { body.removeLast() }
        if body.isEmpty { return nil }
        let cut = [body.range(of: ". ", options: .backwards)?.upperBound, body.range(of: "\n", options: .backwards)?.upperBound]
            .compactMap { $0 }.max() ?? body.startIndex
        return String(body[cut...])
    }

    /// The last number of the section's final sentence when no math span or box follows it.
    static func finalSentenceNumber(_ s: String) -> String? {
        guard var sentence = finalSentence(s) else { return nil }
        guard !sentence.contains("\\("), !sentence.contains("\\["), !sentence.contains("\\boxed"), isSentence(sentence) else { return nil }
        // Only what follows the sentence's last math span ("The largest $n$ is 34").
        if let d = sentence.range(of: "$", options: .backwards) {
            guard sentence[..<d.lowerBound].filter({ $0 == "$" }).count % 2 == 1 else { return nil }
            sentence = String(sentence[d.upperBound...])
        }
        return lastNumber(sentence)
    }

    static let markerBytes = markers.map { Array($0.utf8) }
    static let markers = ["final answer is", "correct answer is", "correct option is", "the answer is", "answer is",
                          "final answer:", "answer:", "**final answer**", "# answer", "final answer"]

    /// The text after the last answer marker (the next non-empty line when the marker ends its line).
    static func statement(_ s: String) -> String? {
        let lines = s.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        for (i, line) in lines.enumerated().reversed() {
            // ASCII case folding keeps byte offsets, so a marker's end indexes the line itself.
            let bytes = Array(line.utf8)
            let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            var end: Int?
            for m in markerBytes {
                if let at = ByteSearch.findLast(m, in: lower), end == nil || at + m.count > end! { end = at + m.count }
            }
            guard let offset = end else { continue }
            var rest = String(decoding: bytes[offset...], as: UTF8.self).trimmingWhitespace()
            if rest.isEmpty || rest == "**" || rest == ":" {
                guard let next = lines[(i + 1)...].first(where: { !$0.trimmingWhitespace().isEmpty }) else { continue }
                rest = next.trimmingWhitespace()
            }
            while let f = rest.first, f == ":" || f == "*" || f == " " { rest.removeFirst() }
            for prefix in ["the final answer is", "the answer is", "is"] where rest.lowercased().hasPrefix(prefix + " ") {
                rest = String(rest.dropFirst(prefix.count)).trimmingWhitespace()
            }
            rest = stripSentence(rest)
            if !rest.isEmpty { return rest }
        }
        return nil
    }

    /// Cuts "I hope it is correct", a trailing sentence after the answer, bold marks and a final period.
    static func stripSentence(_ text: String) -> String {
        var rest = text
        if let r = rest.range(of: "I hope it is correct") { rest = String(rest[..<r.lowerBound]) }
        // A full stop followed by a new sentence ends the answer (a decimal point is followed by a digit).
        let chars = Array(rest)
        var depth = 0, inMath = false
        for (j, c) in chars.enumerated() {
            if c == "$" { inMath.toggle() }
            if c == "{" || c == "(" || c == "[" { depth += 1 }
            if c == "}" || c == ")" || c == "]" { depth -= 1 }
            if c == ".", depth <= 0, !inMath, j + 1 < chars.count, chars[j + 1] == " " {
                rest = String(chars[..<j]); break
            }
        }
        rest = rest.trimmingWhitespace()
        while rest.hasPrefix("**") && rest.hasSuffix("**") && rest.count >= 4 { rest = String(rest.dropFirst(2).dropLast(2)).trimmingWhitespace() }
        while let l = rest.last, l == "." || l == "," || l == ";" { rest.removeLast() }
        return rest.trimmingWhitespace()
    }

    /// The content of the last `\[…\]`, `$$…$$`, `\(…\)` or `$…$` span; spans that stand together at the
    /// end, separated only by commas, `and` or `or` (`$1$ and $2$`), are joined as one list.
    static func lastMathSpan(_ s: String) -> String? {
        let u = Array(s.utf8)
        var spans: [(start: Int, end: Int, inner: String)] = []
        for (open, close) in [("\\[", "\\]"), ("$$", "$$"), ("\\(", "\\)"), ("$", "$")] {
            let inline = open == "$" || open == "\\("
            let o = Array(open.utf8), c = Array(close.utf8)
            var i = 0
            while let a = ByteSearch.find(o, in: u, from: i) {
                if open == "$" && a > 0 && u[a - 1] == UInt8(ascii: "\\") { i = a + 1; continue }
                var from = a + o.count
                var found: Int?
                while let b = ByteSearch.find(c, in: u, from: from) {
                    if close == "$" && u[b - 1] == UInt8(ascii: "\\") { from = b + 1; continue }   // \$ inside math
                    found = b; break
                }
                guard let b = found else { break }
                let inner = String(decoding: u[(a + o.count)..<b], as: UTF8.self).trimmingWhitespace()
                // Inline math does not cross lines; display math may. A span inside another is not its own.
                if !inner.isEmpty, !(inline && inner.contains("\n")), !spans.contains(where: { $0.start <= a && b < $0.end }) {
                    spans.append((a, b + c.count, inner))
                }
                i = b + c.count
            }
        }
        spans.sort { $0.start < $1.start }
        guard var group = spans.last.map({ [$0] }) else { return nil }
        for sp in spans.dropLast().reversed() {
            guard sp.end <= group[0].start else { break }
            let between = String(decoding: u[sp.end..<group[0].start], as: UTF8.self)
            let words = between.replacingOccurrences(of: ",", with: " ").split(separator: " ")
            guard !words.isEmpty || between.contains(","), words.allSatisfy({ ["and", "or"].contains($0.lowercased()) }) else { break }
            group.insert(sp, at: 0)
        }
        return stripSentence(group.map(\.inner).joined(separator: ", "))
    }

    /// The last number written in the text as a number of its own (digits with separators, a decimal
    /// point, a fraction slash, a sign), not a digit inside an expression (`a^2`, `x_1`, `3x`).
    static func lastNumber(_ s: String) -> String? {
        let chars = Array(s)
        var j = chars.count - 1
        while j >= 0 {
            while j >= 0 && !(chars[j].isASCII && chars[j].isNumber) { j -= 1 }
            guard j >= 0 else { return nil }
            var start = j
            while start > 0, let c = Optional(chars[start - 1]), (c.isASCII && c.isNumber) || ((c == "." || c == "," || c == "/") && start >= 2 && chars[start - 2].isNumber) { start -= 1 }
            let before: Character = start > 0 ? chars[start - 1] : " "
            let after: Character = j + 1 < chars.count ? chars[j + 1] : " "
            let glued = before.isLetter || "^_{\\*".contains(before) || after.isLetter || "^_(/".contains(after)
            if !glued {
                if start > 0 && chars[start - 1] == "-" { start -= 1 }
                return String(chars[start...j])
            }
            j = start - 1
        }
        return nil
    }
}
