/// Splits text into the pieces BPE runs on, the way the reference tokenizers' regexes do, written out by
/// hand over Unicode scalars (first matching alternative wins, as in Oniguruma and fancy-regex).
public enum PreTokenizer: Equatable {
    /// GPT-2's pattern: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// SmolLM2 (GGUF pre "smollm"): every \p{N} on its own first, then the GPT-2 pattern on what is left.
    case digitsThenGPT2
    /// Qwen2: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case qwen2

    /// Scalar offsets of the pieces of `s`, as (start, end) pairs over `s`'s scalars.
    public func split(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        switch self {
        case .gpt2:
            Self.scan(s, 0..<s.count, Self.gpt2Match, into: &out)
        case .qwen2:
            Self.scan(s, 0..<s.count, Self.qwen2Match, into: &out)
        case .digitsThenGPT2:
            var start = 0
            for i in 0..<s.count where Self.isNumber(s[i]) {
                if start < i { Self.scan(s, start..<i, Self.gpt2Match, into: &out) }
                out.append(i..<(i + 1))
                start = i + 1
            }
            if start < s.count { Self.scan(s, start..<s.count, Self.gpt2Match, into: &out) }
        }
        return out
    }

    typealias Matcher = ([Unicode.Scalar], Int, Int) -> Int

    /// Applies `match` repeatedly over `r` (a piece is matched in isolation: lookaheads stop at its end).
    static func scan(_ s: [Unicode.Scalar], _ r: Range<Int>, _ match: Matcher, into out: inout [Range<Int>]) {
        var i = r.lowerBound
        while i < r.upperBound {
            let n = max(1, match(s, i, r.upperBound))
            out.append(i..<(i + n))
            i += n
        }
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return (c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7A }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value >= 0x30 && c.value <= 0x39 }
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value == 0x20 || (c.value >= 0x09 && c.value <= 0x0D) }
        return c.properties.isWhitespace
    }

    static func isOther(_ c: Unicode.Scalar) -> Bool { !isSpace(c) && !isLetter(c) && !isNumber(c) }

    /// Length of a contraction ('s 't 're 've 'm 'll 'd) at i, or 0.
    static func contraction(_ s: [Unicode.Scalar], _ i: Int, _ end: Int, caseInsensitive: Bool) -> Int {
        guard s[i] == "'", i + 1 < end else { return 0 }
        func low(_ c: Unicode.Scalar) -> Unicode.Scalar {
            caseInsensitive && c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 32)! : c
        }
        let a = low(s[i + 1])
        if a == "s" || a == "t" || a == "m" || a == "d" { return 2 }
        if i + 2 < end {
            let b = low(s[i + 2])
            if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return 3 }
        }
        return 0
    }

    static func run(_ s: [Unicode.Scalar], from i: Int, _ end: Int, _ p: (Unicode.Scalar) -> Bool) -> Int {
        var j = i
        while j < end && p(s[j]) { j += 1 }
        return j - i
    }

    /// `\s+(?!\S)` then `\s+`: a whitespace run, minus its last character when a non-space follows
    /// (so that character can lead the next word), unless the run is one character long.
    static func whitespace(_ s: [Unicode.Scalar], _ i: Int, _ end: Int) -> Int {
        let n = run(s, from: i, end, isSpace)
        if n == 0 { return 0 }
        if i + n == end || n == 1 { return n }
        return n - 1
    }

    static func gpt2Match(_ s: [Unicode.Scalar], _ i: Int, _ end: Int) -> Int {
        let c = contraction(s, i, end, caseInsensitive: false)
        if c > 0 { return c }
        let sp = s[i] == " " && i + 1 < end ? 1 : 0
        for p in [isLetter, isNumber, isOther] as [(Unicode.Scalar) -> Bool] {
            let n = run(s, from: i + sp, end, p)
            if n > 0 { return sp + n }   // (without the space nothing matches: a space is in no class)
        }
        return whitespace(s, i, end)
    }

    static func qwen2Match(_ s: [Unicode.Scalar], _ i: Int, _ end: Int) -> Int {
        let c = contraction(s, i, end, caseInsensitive: true)
        if c > 0 { return c }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        let lead = s[i] != "\r" && s[i] != "\n" && !isLetter(s[i]) && !isNumber(s[i]) && i + 1 < end ? 1 : 0
        if lead == 1, case let n = run(s, from: i + 1, end, isLetter), n > 0 { return 1 + n }
        if case let n = run(s, from: i, end, isLetter), n > 0 { return n }
        // \p{N}
        if isNumber(s[i]) { return 1 }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let sp = s[i] == " " && i + 1 < end ? 1 : 0
        let n = run(s, from: i + sp, end, isOther)
        if n > 0 { return sp + n + run(s, from: i + sp + n, end) { $0 == "\r" || $0 == "\n" } }
        // \s*[\r\n]+ : through the last line break of the whitespace run
        let w = run(s, from: i, end, isSpace)
        var k = w - 1
        while k >= 0 && s[i + k] != "\r" && s[i + k] != "\n" { k -= 1 }
        if k >= 0 { return k + 1 }
        return whitespace(s, i, end)
    }
}
