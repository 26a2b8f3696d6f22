/// s1's quality stage (paper §2; SPEC §8): rows missing what later stages need, and formatting that marks
/// a broken or figure-dependent question, and traces that hold an API error instead of reasoning.
/// Each rule has a name; the tool reports how many rows each one dropped.
public enum QualityRule: String, CaseIterable {
    case missingQuestion = "missing question"
    case missingGold = "missing answer and solution"
    case asy = "[asy] diagram"
    case image = "image reference"
    case numbering = "p1. numbering"
    case boldDigits = "bold with digits"
    case apiError = "API error in trace"
}

public struct QualityFilter {
    /// Text that a failed teacher call leaves in a trace instead of reasoning.
    public static let apiErrorMarkers = [
        "API Error", "APIError", "API error", "RateLimitError", "Rate limit exceeded", "rate limit exceeded",
        "Internal Server Error", "InternalServerError", "ServiceUnavailable", "Service Unavailable",
        "Error code: 4", "Error code: 5", "Request timed out", "Resource has been exhausted",
        "quota exceeded", "Quota exceeded", "overloaded_error",
    ]
    static let apiErrorSearch = MultiNeedleSearch(apiErrorMarkers)

    public var requireGold = true

    public init(requireGold: Bool = true) { self.requireGold = requireGold }

    /// The first rule a record breaks, or nil to keep it.
    public func check(_ r: Record) -> QualityRule? {
        guard let q = r["question"], q.isString, (q.withStringBytes { !isBlank($0) } ?? false) else { return .missingQuestion }
        if requireGold {
            let hasGold = ["answer", "solution"].contains { k in r[k].map { $0.isNumber || ($0.withStringBytes { !isBlank($0) } ?? false) } ?? false }
            if !hasGold { return .missingGold }
        }
        let isAIME = r["source_type"]?.withStringBytes { ByteSearch.containsIgnoringCase($0, "aime") } ?? false
        let verdict: QualityRule? = q.withStringBytes { b -> QualityRule? in
            if !isAIME && ByteSearch.contains(b, "[asy]") { return .asy }
            if ByteSearch.contains(b, "![") { return .image }
            if hasProblemNumbering(b) { return .numbering }
            if hasBoldDigits(b) { return .boldDigits }
            return nil
        } ?? nil
        if let verdict { return verdict }
        for k in ["thinking_trajectories", "attempt"] {
            guard let v = r[k] else { continue }
            let texts = v.isArray ? v.elements : [v]
            for t in texts {
                if t.withStringBytes({ Self.apiErrorSearch.contains($0) }) == true { return .apiError }
            }
        }
        return nil
    }

    func isBlank(_ b: UnsafeRawBufferPointer) -> Bool { !b.contains { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D } }

    @inline(__always) func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || (lower(c) >= 97 && lower(c) <= 122) }

    /// "p1." … "p999." as a problem-set item label: a lone `p` (not inside a word), 1–3 digits, a period.
    func hasProblemNumbering(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "p") && (i == 0 || !isAlnum(b[i - 1])) {
                var j = i + 1
                while j < b.count && j - i <= 3 && isDigit(b[j]) { j += 1 }
                if j > i + 1 && j - i <= 4 && j < b.count && b[j] == UInt8(ascii: ".") { return true }
            }
            i += 1
        }
        return false
    }

    /// `**…**` on one line with a digit inside (scraped problem-set headers such as "**Problem 3**").
    func hasBoldDigits(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let star = UInt8(ascii: "*")
        while i + 1 < b.count {
            if b[i] == star && b[i + 1] == star {
                var j = i + 2
                var digit = false
                while j + 1 < b.count && b[j] != 0x0A && !(b[j] == star && b[j + 1] == star) {
                    if isDigit(b[j]) { digit = true }
                    j += 1
                }
                if j + 1 < b.count && b[j] == star && b[j + 1] == star {
                    if digit { return true }
                    i = j + 2
                    continue
                }
                return false
            }
            i += 1
        }
        return false
    }
}
