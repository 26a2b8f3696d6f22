/// The parsed form of an answer: what the lexer and parser make of LaTeX or plain math, and what the
/// evaluator, the relation normalizer and the structural comparison work on. Sums and products are n-ary;
/// `a − b` is `add([a, neg(b)])` and `a / b` is `mul([a, reciprocal(b)])` via `.div`.
public indirect enum MathNode: Sendable {
    /// An exact number, with the decimal literal as written when it was one (`0.67`: for the rule that a
    /// short decimal does not stand for 2/3). `repeating` marks `0.\overline{6}` literals.
    case number(Rational, decimal: String?)
    case symbol(String)                     // x, y_1, \alpha
    case constant(Constant)
    case add([MathNode])
    case mul([MathNode])
    case neg(MathNode)
    case div(MathNode, MathNode)
    case pow(MathNode, MathNode)
    case root(MathNode, index: MathNode)    // \sqrt[n]{x}; \sqrt{x} has index 2
    case factorial(MathNode)
    case function(String, [MathNode])       // sin, ln, log (args: value[, base]), abs, binom, floor, …
    case apply(String, [MathNode])          // f(x): an unknown function applied (compared structurally)
    case plusMinus(MathNode, MathNode)      // a ± b (a may be zero for ±b)
    case tuple([MathNode], open: Character, close: Character)   // (a, b), [a, b], (a, b] …
    case set([MathNode])                    // \{a, b\}
    case union([MathNode])                  // A ∪ B
    case matrix([[MathNode]])
    case relation([MathNode], [RelOp])      // a = b, 2 < x ≤ 5 (chains)
    case text(String)                       // a word answer (\text{Even}), lower-cased
    case list([MathNode])                   // top-level answers separated by , ; and or \quad
    case realLine                           // \mathbb{R}, all real numbers
    case emptySet

    public enum Constant: String, Sendable { case pi, e, i, infinity }

    public enum RelOp: String, Sendable {
        case eq = "=", lt = "<", le = "≤", gt = ">", ge = "≥", ne = "≠", member = "∈", approx = "≈"
        /// The same relation read right to left.
        var flipped: RelOp {
            switch self {
            case .lt: return .gt
            case .le: return .ge
            case .gt: return .lt
            case .ge: return .le
            default: return self
            }
        }
        var isInequality: Bool { self == .lt || self == .le || self == .gt || self == .ge }
    }

    /// Every free variable name in the node.
    public var symbols: Set<String> {
        var out = Set<String>()
        collectSymbols(into: &out)
        return out
    }

    func collectSymbols(into out: inout Set<String>) {
        switch self {
        case .symbol(let s): out.insert(s)
        case .number, .constant, .text, .realLine, .emptySet: break
        case .add(let xs), .mul(let xs), .set(let xs), .union(let xs), .list(let xs), .tuple(let xs, _, _),
             .relation(let xs, _), .function(_, let xs), .apply(_, let xs):
            for x in xs { x.collectSymbols(into: &out) }
        case .neg(let a), .factorial(let a): a.collectSymbols(into: &out)
        case .div(let a, let b), .pow(let a, let b), .root(let a, let b), .plusMinus(let a, let b):
            a.collectSymbols(into: &out); b.collectSymbols(into: &out)
        case .matrix(let rows): for r in rows { for x in r { x.collectSymbols(into: &out) } }
        }
    }

    /// A scalar expression (something that evaluates to one number), as opposed to a collection,
    /// relation or word.
    public var isScalar: Bool {
        switch self {
        case .number, .symbol, .constant, .add, .mul, .neg, .div, .pow, .root, .factorial, .function, .apply: return true
        default: return false
        }
    }

    /// Number of nodes, for work limits.
    public var size: Int {
        switch self {
        case .number, .symbol, .constant, .text, .realLine, .emptySet: return 1
        case .add(let xs), .mul(let xs), .set(let xs), .union(let xs), .list(let xs), .tuple(let xs, _, _),
             .relation(let xs, _), .function(_, let xs), .apply(_, let xs):
            return xs.reduce(1) { $0 + $1.size }
        case .neg(let a), .factorial(let a): return 1 + a.size
        case .div(let a, let b), .pow(let a, let b), .root(let a, let b), .plusMinus(let a, let b): return 1 + a.size + b.size
        case .matrix(let rows): return rows.reduce(1) { $0 + $1.reduce(0) { $0 + $1.size } }
        }
    }
}
