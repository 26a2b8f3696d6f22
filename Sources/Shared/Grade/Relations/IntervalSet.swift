/// A union of real intervals in normal form (sorted, overlapping and touching pieces merged), built from
/// interval notation (`[-1,\infty)`, `(2,5) \cup (7,9]`, `\mathbb R`) or from inequalities in one variable
/// (`x \ge -1`, `2 < x < 5`, `-2x > -6`, `x \ne 3`, `x<-1` or `x>2`). Two answers that describe the same set
/// of reals compare equal, whichever way they are written.
public struct IntervalSet {
    /// An endpoint: ±∞, or a constant expression with its value (for ordering).
    struct Endpoint {
        var infinity: Int          // -1, +1, or 0 for finite
        var node: MathNode?
        var value: Real?
        static let minusInfinity = Endpoint(infinity: -1), plusInfinity = Endpoint(infinity: 1)
        init(infinity: Int) { self.infinity = infinity }
        init(_ node: MathNode, _ value: Real) { infinity = 0; self.node = node; self.value = value }
    }
    struct Piece {
        var lo: Endpoint, hi: Endpoint
        var loClosed: Bool, hiClosed: Bool
    }
    var pieces: [Piece]

    static func infinity(_ n: MathNode) -> Int? {
        switch n {
        case .constant(.infinity): return 1
        case .neg(.constant(.infinity)): return -1
        default: return nil
        }
    }

    static func endpoint(_ n: MathNode, _ scalar: ScalarEquivalence) throws -> Endpoint? {
        if let s = infinity(n) { return Endpoint(infinity: s) }
        guard let v = try scalar.constant(n), v.isReal else { return nil }
        return Endpoint(n, v.parts(ScalarEquivalence.highPrecision).0)
    }

    /// Interval notation: a two-element bracketed tuple, a union of them, or the real line.
    static func notation(_ n: MathNode, _ scalar: ScalarEquivalence) throws -> IntervalSet? {
        switch n {
        case .realLine: return IntervalSet(pieces: [Piece(lo: .minusInfinity, hi: .plusInfinity, loClosed: false, hiClosed: false)])
        case .tuple(let xs, let open, let close) where xs.count == 2:
            guard let lo = try endpoint(xs[0], scalar), let hi = try endpoint(xs[1], scalar) else { return nil }
            return IntervalSet(pieces: [Piece(lo: lo, hi: hi, loClosed: open == "[", hiClosed: close == "]")]).normalized()
        case .union(let parts), .list(let parts):
            var all: [Piece] = []
            for p in parts { guard let s = try from(p, scalar) else { return nil }; all += s.pieces }
            return IntervalSet(pieces: all).normalized()
        default: return nil
        }
    }

    /// Interval notation or inequalities.
    static func from(_ n: MathNode, _ scalar: ScalarEquivalence) throws -> IntervalSet? {
        if case .relation(let terms, let ops) = n { return try inequality(terms, ops, scalar) }
        return try notation(n, scalar)
    }

    /// The one variable of a relation, if it has exactly one.
    static func variable(_ terms: [MathNode]) -> String? {
        let vars = terms.reduce(into: Set<String>()) { $0.formUnion($1.symbols) }
        return vars.count == 1 ? vars.first : nil
    }

    /// A chain t0 op0 t1 op1 t2 … in one variable, each link linear in it: the intersection of the links.
    static func inequality(_ terms: [MathNode], _ ops: [MathNode.RelOp], _ scalar: ScalarEquivalence) throws -> IntervalSet? {
        guard let x = variable(terms) else { return nil }
        var result = IntervalSet(pieces: [Piece(lo: .minusInfinity, hi: .plusInfinity, loClosed: false, hiClosed: false)])
        for (j, op) in ops.enumerated() {
            guard op.isInequality || op == .ne || op == .member else { return nil }
            if op == .member {
                guard case .symbol(x) = terms[j], let s = try notation(terms[j + 1], scalar) else { return nil }
                result = result.intersect(s)
                continue
            }
            guard let link = try solve(terms[j], op, terms[j + 1], x, scalar) else { return nil }
            result = result.intersect(link)
        }
        return result.normalized()
    }

    /// `lhs op rhs` solved for x when lhs − rhs is linear in x (exactly, with rational coefficients), or
    /// when x stands alone on one side.
    static func solve(_ lhs: MathNode, _ op: MathNode.RelOp, _ rhs: MathNode, _ x: String, _ scalar: ScalarEquivalence) throws -> IntervalSet? {
        var bound: MathNode
        var rel = op
        if case .symbol(x) = lhs, rhs.symbols.isEmpty { bound = rhs }
        else if case .symbol(x) = rhs, lhs.symbols.isEmpty { bound = lhs; rel = op.flipped }
        else {
            let f = MathNode.add([lhs, .neg(rhs)])
            let ev = { (q: Rational) -> Rational? in
                try Evaluator(precision: 64, variables: [x: q], budget: scalar.budget).value(f)?.exactReal
            }
            guard let f1 = try ev(Rational(1)), let f2 = try ev(Rational(2)), let f3 = try ev(Rational(3)),
                  let a = f2 - f1, !a.isZero, let b = f1 - a, let a3 = a * Rational(3), let p3 = a3 + b, p3 == f3,
                  let r = (-b) / a else { return nil }
            bound = .number(r, decimal: nil)
            if a.sign < 0 { rel = op.flipped }
        }
        guard let e = try endpoint(bound, scalar), e.infinity == 0 else { return nil }
        let all = Piece(lo: .minusInfinity, hi: .plusInfinity, loClosed: false, hiClosed: false)
        switch rel {
        case .lt: return IntervalSet(pieces: [Piece(lo: .minusInfinity, hi: e, loClosed: false, hiClosed: false)])
        case .le: return IntervalSet(pieces: [Piece(lo: .minusInfinity, hi: e, loClosed: false, hiClosed: true)])
        case .gt: return IntervalSet(pieces: [Piece(lo: e, hi: .plusInfinity, loClosed: false, hiClosed: false)])
        case .ge: return IntervalSet(pieces: [Piece(lo: e, hi: .plusInfinity, loClosed: true, hiClosed: false)])
        case .ne: return IntervalSet(pieces: [Piece(lo: all.lo, hi: e, loClosed: false, hiClosed: false),
                                             Piece(lo: e, hi: all.hi, loClosed: false, hiClosed: false)])
        default: return nil
        }
    }

    /// −1, 0, 1 ordering of endpoints (∞ beyond every finite value).
    static func order(_ a: Endpoint, _ b: Endpoint) -> Int {
        if a.infinity != 0 || b.infinity != 0 { return a.infinity == b.infinity ? 0 : (a.infinity < b.infinity ? -1 : 1) }
        return Real.compare(a.value!, b.value!)
    }

    func intersect(_ other: IntervalSet) -> IntervalSet {
        var out: [Piece] = []
        for a in pieces {
            for b in other.pieces {
                let lc = IntervalSet.order(a.lo, b.lo)
                let lo = lc >= 0 ? a.lo : b.lo
                let loClosed = lc > 0 ? a.loClosed : lc < 0 ? b.loClosed : a.loClosed && b.loClosed
                let hc = IntervalSet.order(a.hi, b.hi)
                let hi = hc <= 0 ? a.hi : b.hi
                let hiClosed = hc < 0 ? a.hiClosed : hc > 0 ? b.hiClosed : a.hiClosed && b.hiClosed
                out.append(Piece(lo: lo, hi: hi, loClosed: loClosed, hiClosed: hiClosed))
            }
        }
        return IntervalSet(pieces: out).normalized()
    }

    /// Empty pieces dropped, sorted by lower end, overlapping or touching pieces merged; ∞ ends open.
    func normalized() -> IntervalSet {
        var ps = pieces.compactMap { p -> Piece? in
            var p = p
            if p.lo.infinity != 0 { p.loClosed = false }
            if p.hi.infinity != 0 { p.hiClosed = false }
            let c = IntervalSet.order(p.lo, p.hi)
            if c > 0 || (c == 0 && !(p.loClosed && p.hiClosed)) || p.lo.infinity == 1 || p.hi.infinity == -1 { return nil }
            return p
        }
        ps.sort { let c = IntervalSet.order($0.lo, $1.lo); return c < 0 || (c == 0 && $0.loClosed && !$1.loClosed) }
        var merged: [Piece] = []
        for p in ps {
            if var last = merged.last {
                let c = IntervalSet.order(p.lo, last.hi)
                if c < 0 || (c == 0 && (last.hiClosed || p.loClosed)) {
                    let h = IntervalSet.order(p.hi, last.hi)
                    if h > 0 { last.hi = p.hi; last.hiClosed = p.hiClosed } else if h == 0 { last.hiClosed = last.hiClosed || p.hiClosed }
                    merged[merged.count - 1] = last
                    continue
                }
            }
            merged.append(p)
        }
        return IntervalSet(pieces: merged)
    }

    /// Same pieces: equal closedness and endpoints equal by computation.
    func equal(_ other: IntervalSet, _ scalar: ScalarEquivalence) throws -> Bool {
        guard pieces.count == other.pieces.count else { return false }
        for (a, b) in zip(pieces, other.pieces) {
            guard a.loClosed == b.loClosed, a.hiClosed == b.hiClosed,
                  try IntervalSet.same(a.lo, b.lo, scalar), try IntervalSet.same(a.hi, b.hi, scalar) else { return false }
        }
        return true
    }

    static func same(_ a: Endpoint, _ b: Endpoint, _ scalar: ScalarEquivalence) throws -> Bool {
        if a.infinity != 0 || b.infinity != 0 { return a.infinity == b.infinity }
        return try scalar.equal(a.node!, b.node!) == true
    }
}
