/// A canonical spelling of a `MathNode`: numbers (and quotients and negations of numbers) as exact reduced
/// rationals, the operands of sums,
/// products, sets and unordered lists sorted, tuples and relations kept in order. Two answers with the same
/// canonical spelling are the same answer, so the judge compares these first and evaluates only when they
/// differ (the converse does not hold: `(x-2)^2` and `x^2-4x+4` print differently and are equal).
public enum CanonicalPrinter {
    public static func print(_ n: MathNode) -> String {
        switch n {
        case .number(let q, _): return q.description
        case .symbol(let s): return s
        case .constant(let c): return "\\" + c.rawValue
        case .add(let xs): return "(" + xs.map(print).sorted().joined(separator: "+") + ")"
        case .mul(let xs): return "(" + xs.map(print).sorted().joined(separator: "*") + ")"
        case .neg(.number(let q, _)): return (-q).description
        case .neg(let a): return "-(" + print(a) + ")"
        case .div(.number(let a, _), .number(let b, _)): if let q = a / b { return q.description }; return "(" + a.description + ")/0"
        case .div(let a, let b): return "(" + print(a) + ")/(" + print(b) + ")"
        case .pow(let a, let b): return "(" + print(a) + ")^(" + print(b) + ")"
        case .root(let a, let i): return "root(" + print(a) + "," + print(i) + ")"
        case .factorial(let a): return "(" + print(a) + ")!"
        case .function(let f, let xs): return f + "(" + xs.map(print).joined(separator: ",") + ")"
        case .apply(let f, let xs): return f + "[" + xs.map(print).joined(separator: ",") + "]"
        case .plusMinus(let a, let b): return "(" + print(a) + "±" + print(b) + ")"
        case .tuple(let xs, let o, let c): return String(o) + xs.map(print).joined(separator: ",") + String(c)
        case .set(let xs): return "{" + Set(xs.map(print)).sorted().joined(separator: ",") + "}"
        case .union(let xs): return "union(" + xs.map(print).joined(separator: ",") + ")"
        case .matrix(let rows): return "[" + rows.map { $0.map(print).joined(separator: "&") }.joined(separator: ";") + "]"
        case .relation(let xs, let ops):
            var s = print(xs[0])
            for (op, x) in zip(ops, xs.dropFirst()) { s += op.rawValue + print(x) }
            return s
        case .text(let t): return "\"" + t + "\""
        case .list(let xs): return "list(" + Set(xs.map(print)).sorted().joined(separator: ",") + ")"
        case .realLine: return "ℝ"
        case .emptySet: return "∅"
        }
    }
}
