/// Exact values of normalized numeric answers: integers (leading zeros allowed), decimals, scientific
/// notation (`1.5e3`, `1.5*10^3`, `1.5*10^{3}`), `\frac{a}{b}`, `a/b`, mixed numbers (`3\frac{1}{2}`),
/// signs. Anything else (symbols, roots, π) is not a number and is compared as an expression.
public enum NumberParser {
    public static func parse(_ s: String) -> Rational? {
        var t = Substring(s)
        var negative = false
        while let f = t.first, f == "-" || f == "+" {
            if f == "-" { negative.toggle() }
            t = t.dropFirst()
        }
        // Braces around the whole value: {5} → 5.
        while t.first == "{" && t.last == "}" && t.count >= 2 { t = t.dropFirst().dropLast() }
        guard !t.isEmpty, let v = unsigned(t) else { return nil }
        return negative ? -v : v
    }

    static func unsigned(_ t: Substring) -> Rational? {
        if let v = decimal(t) { return v }
        if t.hasPrefix("\\frac{") { return fraction(t) }
        // Mixed number: an integer directly followed by \frac{…}{…}.
        if let fr = t.range(of: "\\frac{"), fr.lowerBound > t.startIndex {
            let whole = t[..<fr.lowerBound]
            if whole.allSatisfy({ $0.isASCII && $0.isNumber }), let w = BigInt(whole), let f = fraction(t[fr.lowerBound...]) {
                return Rational(w) + f
            }
        }
        // a/b with numeric sides.
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let a = parse(String(parts[0])), let b = parse(String(parts[1])) { return a / b }
        // Scientific notation: m*10^k, m*10^{k}, m e k.
        for marker in ["*10^", "e", "E"] {
            if let r = t.range(of: marker), let m = decimal(t[..<r.lowerBound]) {
                var e = t[r.upperBound...]
                if e.first == "{" && e.last == "}" { e = e.dropFirst().dropLast() }
                guard let k = Int(e), abs(k) <= 400 else { return nil }
                return k >= 0 ? m * Rational(BigInt.tenPower(k)) : (m / Rational(BigInt.tenPower(-k)))
            }
        }
        return nil
    }

    /// `\frac{a}{b}` covering all of t, with numeric a and b.
    static func fraction(_ t: Substring) -> Rational? {
        let u = Array(t.utf8)
        let open1 = 5
        guard u.count > open1, u[open1] == UInt8(ascii: "{"), let close1 = BoxedAnswer.matchingBrace(u, open1),
              close1 + 1 < u.count, u[close1 + 1] == UInt8(ascii: "{"), let close2 = BoxedAnswer.matchingBrace(u, close1 + 1),
              close2 == u.count - 1 else { return nil }
        guard let a = parse(String(decoding: u[(open1 + 1)..<close1], as: UTF8.self)),
              let b = parse(String(decoding: u[(close1 + 2)..<close2], as: UTF8.self)) else { return nil }
        return a / b
    }

    /// digits[.digits] or .digits.
    static func decimal(_ t: Substring) -> Rational? {
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = parts[0], frac = parts.count > 1 ? parts[1] : ""
        guard !(intPart.isEmpty && frac.isEmpty), intPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              frac.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count > 1 && frac.isEmpty && intPart.isEmpty { return nil }
        let digits = intPart + frac
        guard let n = BigInt(digits.isEmpty ? "0" : Substring(digits)) else { return nil }
        return Rational(n, BigInt.tenPower(frac.count))
    }
}
