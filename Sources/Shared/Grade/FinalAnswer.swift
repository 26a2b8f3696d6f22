/// The committed final answer of an output (SPEC §7): only the part after the `answer` delimiter counts
/// (the thinking never does); in it the last `\boxed{…}`, else the last `Final Answer:` / `Answer:` line.
public enum FinalAnswer {
    /// The answer section of an output object (its `answer` field, else the text after the last
    /// `<|im_start|>answer`, else the whole text of a raw generation).
    public static func section(text: String?, answer: String?) -> String {
        if let answer { return answer }
        guard let text else { return "" }
        if let r = text.range(of: "<|im_start|>answer", options: .backwards) { return String(text[r.upperBound...]) }
        return text
    }

    public static func extract(_ section: String) -> String? {
        if let b = BoxedAnswer.last(in: section) {
            let t = b.trimmingWhitespace()
            return t.isEmpty ? nil : t
        }
        let lines = section.split(whereSeparator: \.isNewline).map(String.init)
        for (i, line) in lines.enumerated().reversed() {
            let lower = line.lowercased()
            guard let r = lower.range(of: "final answer:", options: .backwards) ?? lower.range(of: "answer:", options: .backwards) else { continue }
            var rest = String(line[line.index(line.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: r.upperBound))...]).trimmingWhitespace()
            if rest.isEmpty, i + 1 < lines.count { rest = lines[i + 1].trimmingWhitespace() }
            for prefix in ["the final answer is", "the answer is"] where rest.lowercased().hasPrefix(prefix) {
                rest = String(rest.dropFirst(prefix.count)).trimmingWhitespace()
            }
            if let r = rest.range(of: ". I hope it is correct") { rest = String(rest[..<r.lowerBound]) }
            while rest.hasSuffix(".") { rest.removeLast() }
            rest = rest.trimmingWhitespace()
            return rest.isEmpty ? nil : rest
        }
        return nil
    }
}
