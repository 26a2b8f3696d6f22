/// `\boxed{…}` / `\fbox{…}` contents with nested braces. Shared by s1-fetch (gold answers from reference
/// solutions) and the grader (a model's committed answer).
public enum BoxedAnswer {
    /// The content of the last `\boxed{…}` (or `\fbox{…}`, `\framebox{…}`) in `text`, braces balanced.
    public static func last(in text: String) -> String? {
        let u = Array(text.utf8)
        var best: (Int, String)? = nil
        for macro in ["\\boxed", "\\fbox", "\\framebox"] {
            let m = Array(macro.utf8)
            var i = 0
            while i + m.count <= u.count {
                if u[i] == m[0] && Array(u[i..<(i + m.count)]) == m {
                    var j = i + m.count
                    while j < u.count && u[j] == 0x20 { j += 1 }
                    if j < u.count && u[j] == UInt8(ascii: "{"), let close = matchingBrace(u, j) {
                        if best == nil || i > best!.0 { best = (i, String(decoding: u[(j + 1)..<close], as: UTF8.self)) }
                        i = close
                    }
                }
                i += 1
            }
        }
        return best?.1
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
