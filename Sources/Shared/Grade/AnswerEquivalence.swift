/// Whether two normalized answers are the same mathematical answer (SPEC §7): numbers exactly, tuples,
/// intervals and matrices in order, sets and solution lists in any order, other expressions after light
/// canonicalization. No tolerance: 0.25 ≠ 25, 99999 ≠ 100000.
public enum AnswerEquivalence {
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = AnswerNormalizer.normalize(a), y = AnswerNormalizer.normalize(b)
        if x.isEmpty || y.isEmpty { return false }
        return same(x, y)
    }

    /// Both already normalized.
    static func same(_ x: String, _ y: String) -> Bool {
        if x == y { return true }
        if let p = NumberParser.parse(x), let q = NumberParser.parse(y) { return p == q }
        if let mx = matrix(x), let my = matrix(y) {
            return mx.count == my.count && zip(mx, my).allSatisfy { $0.count == $1.count && zip($0, $1).allSatisfy { same($0, $1) } }
        }
        // Unions of intervals: pieces in order.
        if x.contains("\\cup") || y.contains("\\cup") {
            let px = x.components(separatedBy: "\\cup"), py = y.components(separatedBy: "\\cup")
            return px.count == py.count && zip(px, py).allSatisfy { same($0, $1) }
        }
        // Sets \{…\}: unordered.
        if let sx = braced(x, "\\{", "\\}"), let sy = braced(y, "\\{", "\\}") {
            return unorderedEqual(AnswerNormalizer.splitTopLevel(sx, on: ","), AnswerNormalizer.splitTopLevel(sy, on: ","))
        }
        // Tuples and intervals: brackets must agree, elements in order.
        if let (ox, ix, cx) = bracketed(x), let (oy, iy, cy) = bracketed(y) {
            let ex = AnswerNormalizer.splitTopLevel(ix, on: ","), ey = AnswerNormalizer.splitTopLevel(iy, on: ",")
            if ex.count > 1 || ey.count > 1 {
                return ox == oy && cx == cy && ex.count == ey.count && zip(ex, ey).allSatisfy { same($0, $1) }
            }
        }
        // Bare lists (solutions x = 1, 3): unordered.
        let lx = AnswerNormalizer.splitTopLevel(x, on: ","), ly = AnswerNormalizer.splitTopLevel(y, on: ",")
        if lx.count > 1 || ly.count > 1 {
            return lx.count == ly.count && unorderedEqual(lx, ly)
        }
        return canonical(x) == canonical(y)
    }

    static func unorderedEqual(_ a: [String], _ b: [String]) -> Bool {
        guard a.count == b.count else { return false }
        var used = [Bool](repeating: false, count: b.count)
        for e in a {
            guard let k = b.indices.first(where: { !used[$0] && same(e, b[$0]) }) else { return false }
            used[k] = true
        }
        return true
    }

    /// (open bracket, inside, close bracket) for ( ) [ ] wrapped values.
    static func bracketed(_ s: String) -> (Character, String, Character)? {
        guard let f = s.first, let l = s.last, "([".contains(f), ")]".contains(l), s.count >= 2 else { return nil }
        let inner = String(s.dropFirst().dropLast())
        // The outer pair must enclose everything: "(1)+(2)" is not a tuple.
        var depth = 0
        for ch in inner {
            if "([{".contains(ch) { depth += 1 }
            if ")]}".contains(ch) { depth -= 1 }
            if depth < 0 { return nil }
        }
        return (f, inner, l)
    }

    static func braced(_ s: String, _ open: String, _ close: String) -> String? {
        guard s.hasPrefix(open) && s.hasSuffix(close) && s.count >= open.count + close.count else { return nil }
        return String(s.dropFirst(open.count).dropLast(close.count))
    }

    /// Rows of a pmatrix/bmatrix/matrix environment.
    static func matrix(_ s: String) -> [[String]]? {
        for env in ["pmatrix", "bmatrix", "matrix", "vmatrix"] {
            if let inner = braced(s, "\\begin{\(env)}", "\\end{\(env)}") {
                return inner.components(separatedBy: "\\\\").filter { !$0.isEmpty }.map { $0.components(separatedBy: "&") }
            }
        }
        return nil
    }

    /// Expression text in a canonical spelling: `*` between factors dropped, `{x}` around one character
    /// dropped (but not the braces of \frac / \sqrt arguments, which the normalizer already made uniform).
    static func canonical(_ s: String) -> String {
        var t = s.replacingOccurrences(of: "*", with: "")
        t = t.replacingOccurrences(of: "\\pi", with: "π")
        return t
    }
}
