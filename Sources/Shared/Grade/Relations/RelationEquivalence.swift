/// Relations compared as mathematics: `lhs = rhs` is the equation lhs − rhs = 0, equal to another when the
/// two differences are proportional by a constant non-zero factor (`2x+4y-3=0` = `y=-\frac12x+\frac34`);
/// an inequality likewise, with a positive factor for the same direction and a negative one for the
/// flipped direction (`y > x` = `x < y`). Labels (`x = 5`, `f(x) = …`, `(p,q) = (3,2)`, `|AB| = 1`) name an
/// answer rather than state one.
public enum RelationEquivalence {
    /// A left side that only names the answer: variables, f(x), |AB|, a tuple of them.
    public static func isLabel(_ n: MathNode) -> Bool {
        switch n {
        case .symbol: return true
        case .apply(_, let args): return args.allSatisfy { if case .symbol = $0 { return true }; if case .number = $0 { return true }; return false }
        case .function("abs", let xs): return xs.count == 1 && isLabel(xs[0])
        case .tuple(let xs, _, _): return xs.allSatisfy(isLabel)
        case .mul(let xs): return xs.allSatisfy { if case .symbol = $0 { return true }; return false }
        case .div(let a, let b): return isLabel(a) && isLabel(b)   // V_1 : V_2 = 11 : 21
        default: return false
        }
    }

    /// The value a labelled relation gives (`x = 5` → 5; `x = 2 + 3 = 5` → 5; `5 = x` → 5), if it is one.
    /// A prediction may also name its answer by a sum or difference of names (`L_u - L_v = 0`).
    static func isLenientLabel(_ n: MathNode) -> Bool {
        if isLabel(n) { return true }
        if case .add(let xs) = n { return xs.allSatisfy { if case .neg(let y) = $0 { return isLabel(y) }; return isLabel($0) } }
        return false
    }

    /// The value a labelled prediction gives (labels as below, or a sum of names).
    public static func labelledPrediction(_ n: MathNode) -> MathNode? {
        if let v = labelledValue(n) { return v }
        guard case .relation(let terms, let ops) = n, ops == [.eq], isLenientLabel(terms[0]), terms[1].symbols.isEmpty else { return nil }
        return terms[1]
    }

    public static func labelledValue(_ n: MathNode) -> MathNode? {
        guard case .relation(var terms, var ops) = n else { return nil }
        // What follows an approximation sign is not the answer: x = 1/3 ≈ 0.33 gives 1/3.
        if let a = ops.firstIndex(of: .approx) {
            if a == 0 { return isLabel(terms[0]) ? terms[1] : nil }   // x ≈ 11
            ops = Array(ops[..<a]); terms = Array(terms[...a])
        }
        guard !ops.isEmpty, ops.allSatisfy({ $0 == .eq || $0 == .member }) else { return nil }
        // x = …, a chain a = b = c, or a computation 5 + 5 + 1 = 11: the last side is the answer.
        if isLabel(terms[0]) || terms.count >= 3 || (terms[0].symbols.isEmpty && terms[0].isScalar && terms[1].symbols.isEmpty) { return terms[terms.count - 1] }
        if terms.count == 2 && isLabel(terms[1]) { return terms[0] }
        return nil
    }

    /// An answer that assigns values to named variables, as a map: `x = 5`; `x = y = 0`; `(x, y) = (6, 5)`;
    /// a list of them (`x = 6, y = 5`, `a = 3 and b = -4`). nil when the answer is not of that form or
    /// names a variable twice (`x = 1, x = -1` is a list of solutions).
    public static func assignments(_ n: MathNode) -> [String: MathNode]? {
        var out: [String: MathNode] = [:]
        func add(_ name: String, _ v: MathNode) -> Bool {
            guard out[name] == nil, v.symbols.isEmpty else { return false }
            out[name] = v
            return true
        }
        func one(_ r: MathNode) -> Bool {
            guard case .relation(let terms, let ops) = r, ops.allSatisfy({ $0 == .eq }), let value = terms.last else { return false }
            for t in terms.dropLast() {
                switch (t, value) {
                case (.symbol(let s), _): if !add(s, value) { return false }
                case (.tuple(let names, _, _), .tuple(let vals, _, _)) where names.count == vals.count:
                    for (nm, v) in zip(names, vals) {
                        guard case .symbol(let s) = nm, add(s, v) else { return false }
                    }
                default: return false
                }
            }
            return true
        }
        if case .list(let xs) = n {
            for x in xs where !one(x) { return nil }
        } else if !one(n) { return nil }
        return out.isEmpty ? nil : out
    }

    /// Two-sided relations equal up to a constant factor (see above); nil when it cannot be decided.
    public static func proportional(_ a: MathNode, _ b: MathNode, _ scalar: ScalarEquivalence) throws -> Bool? {
        guard case .relation(let ta, let oa) = a, case .relation(let tb, let ob) = b,
              ta.count == 2, tb.count == 2 else { return nil }
        let sameDirection = oa[0] == ob[0]
        let flipped = oa[0].isInequality && oa[0] == ob[0].flipped
        guard sameDirection || flipped else { return false }
        let f = MathNode.add([ta[0], .neg(ta[1])]), g = MathNode.add([tb[0], .neg(tb[1])])
        let ratio = MathNode.div(f, g)
        let names = f.symbols.union(g.symbols).sorted()
        let envs = ScalarEquivalence.points(names)
        var first: ScalarEquivalence.Sample?
        var compared = 0
        for env in envs {
            guard let s = try scalar.sample(ratio, env), ScalarEquivalence.usable(s) else { continue }
            if let f0 = first {
                if !ScalarEquivalence.agree(f0, s) { return false }
            } else {
                guard s.value.isReal else { return false }
                let (re, _) = s.value.parts(ScalarEquivalence.highPrecision)
                if re.isZero { return false }
                if oa[0].isInequality && (re.sign > 0) != sameDirection { return false }
                first = s
            }
            compared += 1
        }
        return ScalarEquivalence.enough(compared, names) ? true : nil
    }
}
