/// A source row mapped to the §2 record fields. `extra` carries fields that pass through as they are
/// (s1K's traces); `metadata` every other original field of the row.
public struct MappedRow {
    public var question: String
    public var solution: String?
    public var answer: String?
    public var sourceType: String
    public var cotType: String
    public var domain: String?
    public var metadata: [(String, JSONValue)] = []
    public var extra: [(String, JSONValue)] = []
    /// An `id` the row brought that already is an s1 id (16 hex digits), kept as it is.
    public var keptID: String?

    public init(question: String, solution: String? = nil, answer: String? = nil, sourceType: String, cotType: String) {
        self.question = question
        self.solution = solution
        self.answer = answer
        self.sourceType = sourceType
        self.cotType = cotType
    }

    /// The §2 record: id, question, solution, answer, source_type, cot_type, domain, metadata, then extras.
    /// `digest`, when the caller has it, is SHA-256 of `question`.
    public func record(source: String, line: Int, digest: [UInt8]? = nil) -> Record {
        let id = keptID ?? digest.map { SHA256.recordID(digest: $0) } ?? SHA256.recordID(question)
        var m: [(String, JSONValue)] = [("id", .string(id)), ("question", .string(question))]
        if let solution { m.append(("solution", .string(solution))) }
        if let answer { m.append(("answer", .string(answer))) }
        m.append(("source_type", .string(sourceType)))
        m.append(("cot_type", .string(cotType)))
        if let domain { m.append(("domain", .string(domain))) }
        m.append(("metadata", .object(metadata)))
        m += extra
        return Record(m, source: source, line: line)
    }
}

/// What a format needs to know about where a row came from.
public struct RowContext {
    /// The file's stem ("sat-math" for agieval_v1/sat-math.jsonl) and the source_type its path suggests.
    public var stem: String
    public var pathSourceType: String?
    /// Seed for formats that shuffle (GPQA's options).
    public var seed: UInt64

    public init(stem: String, pathSourceType: String?, seed: UInt64) {
        self.stem = stem
        self.pathSourceType = pathSourceType
        self.seed = seed
    }
}

/// One public row layout (SPEC §8). `matches` looks only at which keys a row has.
public protocol RowFormat {
    static var name: String { get }
    static func matches(_ row: JSONRef) -> Bool
    /// nil when the row lacks what the format needs (reported as bad input).
    static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow?
}

public enum RowFormats {
    /// Most specific first; `GenericFormat` takes anything with a question-like field.
    public static let all: [RowFormat.Type] = [
        S1KFormat.self, GPQAFormat.self, AIMECSVFormat.self, AGIEvalFormat.self, CHAMPFormat.self,
        OlympiadBenchFormat.self, GSM8KFormat.self, NuminaMathFormat.self, OmniMATHFormat.self,
        MATHFormat.self, GenericFormat.self,
    ]

    public static func detect(_ row: JSONRef) -> RowFormat.Type? { all.first { $0.matches(row) } }

    public static func named(_ name: String) -> RowFormat.Type? { all.first { $0.name == name } }
}

/// Helpers the formats share.
extension JSONRef {
    func has(_ k: String) -> Bool { self[k] != nil }
    /// A field as text when it is a non-empty scalar.
    func text(_ k: String) -> String? {
        guard let t = self[k]?.scalarText, !t.isEmpty else { return nil }
        return t
    }
    /// The first of several fields present as non-empty text.
    func firstText(_ keys: [String]) -> String? {
        for k in keys { if let t = text(k) { return t } }
        return nil
    }
    /// Every member not in `used`, for `metadata`.
    func metadata(except used: Set<String>) -> [(String, JSONValue)] {
        members.filter { !used.contains($0.key) }.map { ($0.key, .ref($0.value)) }
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// Multiple-choice questions show their options the way s1K's rows do.
enum ChoiceRendering {
    static let letters = Array("ABCDEFGHIJ")

    static func render(question: String, options: [String]) -> String {
        var s = question.trimmed + "\n\nAnswer Choices:"
        for (i, o) in options.enumerated() { s += "\n(\(letters[i])) \(o.trimmed)" }
        return s
    }

    /// AGIEval options come as "(A)text" or "A. text"; the label prefix is dropped before rendering.
    static func stripLabel(_ o: String) -> String {
        var u = Substring(o.trimmed)
        if u.hasPrefix("("), u.count >= 3, let close = u.firstIndex(of: ")"), u.distance(from: u.startIndex, to: close) == 2 {
            u = u[u.index(after: close)...]
        } else if u.count >= 2, let f = u.first, f.isUppercase, f.isASCII, [".", "、", ":"].contains(u[u.index(after: u.startIndex)]) {
            u = u.dropFirst(2)
        }
        return String(u).trimmed
    }
}
