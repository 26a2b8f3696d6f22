/// `\boxed{…}` / `\fbox{…}` contents with nested braces. Shared by s1-fetch (gold answers from reference
/// solutions) and the grader (a model's committed answer).
public enum BoxedAnswer {
    static let macros = ["\\boxed", "\\fbox", "\\framebox"].map { Array($0.utf8) }

    public struct Span { public var start: Int, end: Int, content: String }

    /// Every braced `\boxed{…}` in order of position (a box inside a box counts once, as the outer one).
    public static func all(in text: String) -> [String] { spans(in: text).map(\.content) }

    /// The boxes with their byte ranges in the text.
    public static func spans(in text: String) -> [Span] {
        let u = Array(text.utf8)
        var found: [Span] = []
        for m in macros {
            var i = 0
            while let at = ByteSearch.find(m, in: u, from: i) {
                var j = at + m.count
                while j < u.count && u[j] == 0x20 { j += 1 }
                if j < u.count && u[j] == UInt8(ascii: "{"), let close = matchingBrace(u, j) {
                    found.append(Span(start: at, end: close + 1, content: String(decoding: u[(j + 1)..<close], as: UTF8.self)))
                    i = close
                } else {
                    i = at + m.count
                }
            }
        }
        return found.sorted { $0.start < $1.start }
    }

    /// The content of the last `\boxed{…}` (or `\fbox{…}`, `\framebox{…}`) in `text`, braces balanced.
    public static func last(in text: String) -> String? { all(in: text).last }

    /// `\boxed 7` written without braces: the token after it (digits, letters, a sign).
    public static func lastUnbraced(in text: String) -> String? {
        guard let r = text.range(of: "\\boxed ", options: .backwards) else { return nil }
        let rest = text[r.upperBound...].drop { $0 == " " }
        let token = rest.prefix { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "/" }
        return token.isEmpty ? nil : String(token)
    }

    /// Index of the brace closing the one at `open`, skipping escaped braces (`\{`, `\}`).
    static func matchingBrace(_ u: [UInt8], _ open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < u.count {
            switch u[i] {
            case UInt8(ascii: "\\"): i += 1
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }
}
