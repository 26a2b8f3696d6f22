/// The `--force` rule of `s1-filter diversity`: which records enter the selection before any sampling.
/// Grammar: clauses separated by `,` (any may match); terms in a clause joined by `&` (all must match).
/// A term is `field=text` (equal), `field~text` (contains, case-insensitive), `field^text` (starts with),
/// `field` (true, or a non-empty string), `!term` (negation), `trace>N` / `trace<N` (trace length in the
/// run's unit), `attempt_correct` (the teacher's graded attempt was right, or the trace is the reference
/// solution), or `none`.
public struct ForceExpression {
    enum Term {
        case equals(String, String), contains(String, String), prefix(String, String), truthy(String)
        case traceOver(Int), traceUnder(Int), attemptCorrect, not(Box), never
        final class Box { let t: Term; init(_ t: Term) { self.t = t } }
    }

    /// s1's forced set: AIME and GPQA questions whose teacher attempt is correct, and long MATH traces.
    public static let s1Default = "source_type~aime&attempt_correct,source_type~gpqa&attempt_correct,source_type=math&trace>5600,source_type~openaimath&trace>5600"

    let clauses: [[Term]]
    public let text: String

    public init(_ text: String) throws {
        self.text = text
        clauses = try text.split(separator: ",").map { clause in
            try clause.split(separator: "&").map { try Self.parse(String($0).trimmed) }
        }
        if clauses.isEmpty { throw UsageError("--force: empty expression (use `none` to force nothing)") }
    }

    static func parse(_ s: String) throws -> Term {
        if s.hasPrefix("!") { return .not(Term.Box(try parse(String(s.dropFirst()).trimmed))) }
        if s == "none" { return .never }
        if s == "attempt_correct" { return .attemptCorrect }
        for (op, make) in [(">", { (n: Int) in Term.traceOver(n) }), ("<", { Term.traceUnder($0) })] {
            if s.hasPrefix("trace" + op) {
                guard let n = Int(s.dropFirst(6)) else { throw UsageError("--force: `\(s)` needs a whole number") }
                return make(n)
            }
        }
        for (op, make) in [("=", Term.equals), ("~", Term.contains), ("^", Term.prefix)] as [(Character, (String, String) -> Term)] {
            if let i = s.firstIndex(of: op) {
                let f = String(s[..<i]).trimmed, v = String(s[s.index(after: i)...]).trimmed
                guard !f.isEmpty else { throw UsageError("--force: `\(s)` has no field name") }
                return make(f, v)
            }
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw UsageError("--force: cannot read the term `\(s)`")
        }
        return .truthy(s)
    }

    public func matches(_ r: Record, traceLength: Int) -> Bool {
        clauses.contains { $0.allSatisfy { eval($0, r, traceLength) } }
    }

    private func eval(_ t: Term, _ r: Record, _ len: Int) -> Bool {
        switch t {
        case .equals(let f, let v): return r[f]?.scalarText == v
        case .contains(let f, let v): return r[f]?.scalarText?.lowercased().contains(v.lowercased()) ?? false
        case .prefix(let f, let v): return r[f]?.scalarText?.hasPrefix(v) ?? false
        case .truthy(let f):
            guard let x = r[f] else { return false }
            if let b = x.bool { return b }
            if let s = x.string { return !s.isEmpty }
            return !x.isNull
        case .traceOver(let n): return len > n
        case .traceUnder(let n): return len < n
        case .attemptCorrect: return r["teacher_correct"]?.bool == true || r.string("teacher") == "solution"
        case .not(let b): return !eval(b.t, r, len)
        case .never: return false
        }
    }
}
