/// Word n-grams of questions, hashed, for decontamination (s1: 8-grams). Words are lower-cased and any
/// whitespace run separates them; in `.alphanumeric` mode (the default) a word is a run of letters and
/// digits, so LaTeX and scraping artefacts (`$x$ , $y$` versus `$x$, $y$`, `\perp\overline`) do not hide a
/// copied problem. Texts shorter than n words are matched as a whole.
public struct NGramIndex {
    public enum Words: String { case alphanumeric, whitespace }

    public let n: Int
    public let words: Words
    private var grams = Set<UInt64>()

    public init(n: Int = 8, words: Words = .alphanumeric) {
        self.n = n
        self.words = words
    }

    public var count: Int { grams.count }

    public func tokens(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        var h: UInt64 = 0xcbf29ce484222325
        var inWord = false
        for ch in text.lowercased().unicodeScalars {
            let isWordChar: Bool
            switch words {
            case .alphanumeric: isWordChar = ch.properties.isAlphabetic || ch.properties.numericType != nil
            case .whitespace: isWordChar = !ch.properties.isWhitespace
            }
            if isWordChar {
                for b in String(ch).utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
                inWord = true
            } else if inWord {
                out.append(h)
                h = 0xcbf29ce484222325
                inWord = false
            }
        }
        if inWord { out.append(h) }
        return out
    }

    /// Hashes of every n-gram of a text (one hash for the whole text when it is shorter than n words).
    public func gramHashes(_ text: String) -> [UInt64] {
        let t = tokens(text)
        if t.isEmpty { return [] }
        let span = min(n, t.count)
        var out: [UInt64] = []
        out.reserveCapacity(t.count - span + 1)
        for i in 0...(t.count - span) {
            var h: UInt64 = 0x84222325cbf29ce4 ^ UInt64(span)
            for j in i..<(i + span) { h = (h ^ t[j]) &* 0x9e3779b97f4a7c15; h ^= h >> 29 }
            out.append(h)
        }
        return out
    }

    public mutating func add(_ text: String) {
        for g in gramHashes(text) { grams.insert(g) }
    }

    public func overlaps(_ text: String) -> Bool {
        gramHashes(text).contains { grams.contains($0) }
    }
}
