/// Evaluates a scalar `MathNode` at one assignment of its variables: exactly (complex rationals) while
/// every step is rational — sums, products, integer powers, exact roots (`\sqrt{16}`, `8^{2/3}`),
/// factorials, binomials — and otherwise with MPFR at `precision` bits (π, e, irrational roots, trig, logs,
/// complex powers). nil means no value here: a domain error, an unsupported form, or a result too large to
/// be an answer. Every node costs one tick of the work budget.
public struct Evaluator {
    public let precision: Int
    public let variables: [String: Rational]
    let budget: WorkBudget

    public init(precision: Int, variables: [String: Rational], budget: WorkBudget) {
        self.precision = precision
        self.variables = variables
        self.budget = budget
    }

    public func value(_ n: MathNode) throws -> Value? {
        try budget.tick()
        switch n {
        case .number(let q, _): return .exact(q, nil)
        case .symbol(let s): return variables[s].map { .exact($0, nil) }
        case .constant(.pi): return .approx(Real.pi(precision: precision), nil)
        case .constant(.e): return .approx(Real.e(precision: precision), nil)
        case .constant(.i): return .exact(Rational(0), Rational(1))
        case .constant(.infinity): return nil
        case .add(let xs): return try fold(xs, add)
        case .mul(let xs): return try fold(xs, mul)
        case .neg(let a): return try value(a).flatMap(negate)
        case .div(let a, let b):
            guard let x = try value(a), let y = try value(b) else { return nil }
            return div(x, y)
        case .pow(let a, let b):
            guard let x = try value(a), let y = try value(b) else { return nil }
            return power(x, y)
        case .root(let a, let idx):
            guard let x = try value(a), let k = try value(idx)?.exactReal, let r = Rational(1) / k else { return nil }
            return power(x, .exact(r, nil))
        case .factorial(let a):
            guard let x = try value(a), x.isReal else { return nil }
            if let q = x.exactReal { if let f = q.factorial() { return .exact(f, nil) }; if q.isInteger { return nil } }
            let (re, _) = x.parts(precision)
            return finite(.approx((re + Real(1, precision: precision)).apply(.gamma), nil))
        case .function(let name, let args): return try function(name, args)
        case .apply, .plusMinus, .tuple, .set, .union, .matrix, .relation, .text, .list, .realLine, .emptySet:
            return nil
        }
    }

    func finite(_ v: Value) -> Value? { v.isFinite ? v : nil }

    /// The terms of a sum or the factors of a product combined left to right.
    func fold(_ xs: [MathNode], _ op: (Value, Value) -> Value?) throws -> Value? {
        guard var acc = try value(xs[0]) else { return nil }
        for x in xs.dropFirst() {
            guard let v = try value(x), let r = op(acc, v) else { return nil }
            acc = r
        }
        return acc
    }

    func negate(_ v: Value) -> Value {
        switch v {
        case .exact(let re, let im): return .exact(-re, im.map { -$0 })
        case .approx(let re, let im): return .approx(-re, im.map { -$0 })
        }
    }

    func add(_ a: Value, _ b: Value) -> Value? {
        if case .exact(let ar, let ai) = a, case .exact(let br, let bi) = b {
            guard let re = ar + br else { return nil }
            if ai == nil && bi == nil { return .exact(re, nil) }
            guard let im = (ai ?? Rational(0)) + (bi ?? Rational(0)) else { return nil }
            return .exact(re, im)
        }
        let (ar, ai) = a.parts(precision), (br, bi) = b.parts(precision)
        let im: Real? = ai == nil ? bi : (bi == nil ? ai : ai! + bi!)
        return finite(.approx(ar + br, im))
    }

    func mul(_ a: Value, _ b: Value) -> Value? {
        if case .exact(let ar, let ai) = a, case .exact(let br, let bi) = b {
            if ai == nil && bi == nil { return (ar * br).map { .exact($0, nil) } }
            let z = Rational(0)
            let ai = ai ?? z, bi = bi ?? z
            guard let rr = ar * br, let ii = ai * bi, let ri = ar * bi, let ir = ai * br,
                  let re = rr - ii, let im = ri + ir else { return nil }
            return .exact(re, im)
        }
        let (ar, ai) = a.parts(precision), (br, bi) = b.parts(precision)
        if ai == nil && bi == nil { return finite(.approx(ar * br, nil)) }
        let z = Real(0, precision: precision)
        let xi = ai ?? z, yi = bi ?? z
        return finite(.approx(ar * br - xi * yi, ar * yi + xi * br))
    }

    func reciprocal(_ a: Value) -> Value? {
        switch a {
        case .exact(let re, let im):
            guard let im, !im.isZero else { return (Rational(1) / re).map { .exact($0, nil) } }
            guard let d1 = re * re, let d2 = im * im, let d = d1 + d2, let r = re / d, let i = im / d else { return nil }
            return .exact(r, -i)
        case .approx(let re, let im):
            guard let im, !im.isZero else { return re.isZero ? nil : finite(.approx(Real(1, precision: precision) / re, nil)) }
            let d = re * re + im * im
            return d.isZero ? nil : finite(.approx(re / d, -(im / d)))
        }
    }

    func div(_ a: Value, _ b: Value) -> Value? {
        if let x = a.exactReal, let y = b.exactReal { return (x / y).map { .exact($0, nil) } }
        return reciprocal(b).flatMap { mul(a, $0) }
    }

    /// Complex exp and principal log at `precision`.
    func cexp(_ a: Value) -> Value? {
        let (re, im) = a.parts(precision)
        let m = re.apply(.exp)
        guard let im, !im.isZero else { return finite(.approx(m, nil)) }
        return finite(.approx(m * im.apply(.cos), m * im.apply(.sin)))
    }

    func clog(_ a: Value) -> Value? {
        if a.isReal {
            let (re, _) = a.parts(precision)
            if re.isZero { return nil }
            if re.sign > 0 { return finite(.approx(re.apply(.log), nil)) }
            return finite(.approx(re.magnitude.apply(.log), Real.pi(precision: precision)))
        }
        let (re, im) = a.parts(precision)
        return finite(.approx(re.hypot(im!).apply(.log), im!.atan2(re)))
    }

    func power(_ a: Value, _ b: Value) -> Value? {
        if let k = b.exactReal {
            if let n = k.intValue, abs(n) <= 1 << 20 {
                if let q = a.exactReal {
                    if let r = q.power(n) { return .exact(r, nil) }
                    if q.isZero { return nil }
                } else if case .exact = a, abs(n) <= 4096 {
                    return integerPower(a, n)
                }
                if a.isReal {
                    let (re, _) = a.parts(precision)
                    if re.isZero && n < 0 { return nil }
                    return finite(.approx(re.pow(Real(n, precision: precision)), nil))
                }
                return integerPower(a, n)
            }
            // Rational exponents p/q of real bases: exact roots where they exist; the real odd root of a
            // negative base ((-8)^{1/3} = -2), the principal complex one for even roots ((-4)^{1/2} = 2i).
            if let base = a.exactReal, let den = k.denominator.intValue, let num = k.numerator.intValue, den <= 64, abs(num) <= 4096 {
                if let r = base.magnitude.exactRoot(den), let p = r.power(num) {
                    if base.sign >= 0 { return .exact(p, nil) }
                    if den % 2 == 1 { return .exact(num % 2 == 0 ? p : -p, nil) }
                    if den == 2 { return integerPower(.exact(Rational(0), Rational(1)), num).flatMap { mul($0, .exact(p, nil)) } }
                }
                if base.sign < 0 && den % 2 == 1 {
                    let m = Real(base.magnitude, precision: precision).pow(Real(k, precision: precision))
                    return finite(.approx(num % 2 == 0 ? m : -m, nil))
                }
            }
        }
        if a.isReal && b.isReal {
            let (x, _) = a.parts(precision), (y, _) = b.parts(precision)
            if x.sign > 0 { return finite(.approx(x.pow(y), nil)) }
            if x.isZero { return y.sign > 0 ? .exact(Rational(0), nil) : nil }
        }
        // General complex power: exp(b · log a).
        guard let l = clog(a), let p = mul(b, l) else { return nil }
        return cexp(p)
    }

    func integerPower(_ a: Value, _ n: Int) -> Value? {
        var result: Value = .exact(Rational(1), nil)
        var base = a
        var e = n.magnitude
        while e > 0 {
            if e & 1 == 1 { guard let r = mul(result, base) else { return nil }; result = r }
            e >>= 1
            if e > 0 { guard let b = mul(base, base) else { return nil }; base = b }
        }
        return n < 0 ? reciprocal(result) : result
    }

    static let realFunctions: [String: Real.Function] = [
        "sin": .sin, "cos": .cos, "tan": .tan, "sec": .sec, "csc": .csc, "cot": .cot, "arcsin": .asin,
        "arccos": .acos, "arctan": .atan, "sinh": .sinh, "cosh": .cosh, "tanh": .tanh, "log10": .log10,
    ]

    func function(_ name: String, _ args: [MathNode]) throws -> Value? {
        var vals: [Value] = []
        for a in args { guard let v = try value(a) else { return nil }; vals.append(v) }
        guard let x = vals.first else { return nil }
        switch name {
        case "abs":
            if let q = x.exactReal { return .exact(q.magnitude, nil) }
            let (re, im) = x.parts(precision)
            return finite(.approx(im.map { re.hypot($0) } ?? re.magnitude, nil))
        case "floor", "ceil":
            guard x.isReal else { return nil }
            if let q = x.exactReal {
                let f = q.floor()
                return .exact(name == "floor" || f == q ? f : (f + Rational(1))!, nil)
            }
            let (re, _) = x.parts(precision)
            return finite(.approx(re.apply(name == "floor" ? .floor : .ceil), nil))
        case "binom":
            guard vals.count == 2, let n = x.exactReal?.intValue, let k = vals[1].exactReal?.intValue else { return nil }
            if k < 0 || n < 0 || k > n { return .exact(Rational(0), nil) }
            guard let a = Rational(n).factorial(), let b = Rational(k).factorial(), let c = Rational(n - k).factorial(),
                  let d = b * c, let r = a / d else { return nil }
            return .exact(r, nil)
        case "exp":
            if let q = x.exactReal, q.isZero { return .exact(Rational(1), nil) }
            return cexp(x)
        case "ln", "log":
            if let q = x.exactReal, q == Rational(1) { return .exact(Rational(0), nil) }
            guard let l = clog(x) else { return nil }
            if vals.count == 2 { guard let lb = clog(vals[1]) else { return nil }; return div(l, lb) }
            return l
        case "sqrt":
            return power(x, .exact(Rational(1, 2), nil))
        default:
            guard let f = Evaluator.realFunctions[name], x.isReal else { return nil }
            if let q = x.exactReal, q.isZero, ["sin", "tan", "arcsin", "arctan", "sinh", "tanh"].contains(name) { return .exact(Rational(0), nil) }
            if let q = x.exactReal, q.isZero, ["cos", "sec", "cosh"].contains(name) { return .exact(Rational(1), nil) }
            let (re, _) = x.parts(precision)
            return finite(.approx(re.apply(f), nil))
        }
    }
}
