/// Whether two scalar expressions are the same function of their variables, by computation: both are
/// evaluated at the same generic rational points. Where both stay rational the comparison is exact.
/// Otherwise each side is computed at 256 and at 384 bits; the difference between the two is that side's
/// error, and the sides agree when they match to 150 bits of their magnitude or within their combined
/// error (so `\sin\pi` = 0, but `e^{-200}` ≠ 0). A point where a side lost too much precision to tell is
/// skipped; a point where only one side is defined makes them differ (different domains).
public struct ScalarEquivalence {
    let budget: WorkBudget
    static let lowPrecision = 256, highPrecision = 384
    static let agreeBits = 150
    /// Generic values for variables: positive (so logs and even roots are defined), not integers, not
    /// special angles; point j adds 3j so the points spread over [0.4, 16] (floor(m/3) and floor(m/2) agree
    /// on small m only).
    static let pool: [Rational] = [Rational(37, 23), Rational(59, 41), Rational(13, 29), Rational(97, 61),
                                   Rational(43, 19), Rational(83, 67), Rational(17, 11), Rational(29, 53),
                                   Rational(71, 31), Rational(7, 13), Rational(101, 47)]

    public init(budget: WorkBudget) { self.budget = budget }

    /// A value at a point and its error (nil: exact).
    struct Sample {
        var value: Value
        var error: Real?
    }

    /// The points an expression in these variables is compared at: one for a constant, five otherwise.
    static func points(_ names: [String]) -> [[String: Rational]] { assignments(names, count: names.isEmpty ? 1 : 5) }

    /// Whether enough points were compared for a verdict: the one point of a constant, else three.
    static func enough(_ compared: Int, _ names: [String]) -> Bool { compared >= (names.isEmpty ? 1 : 3) }

    static func assignments(_ names: [String], count: Int) -> [[String: Rational]] {
        (0..<count).map { j in
            var env: [String: Rational] = [:]
            for (v, name) in names.enumerated() {
                env[name] = (pool[(j * 3 + v * 5) % pool.count] + Rational(3 * j + v))!
            }
            return env
        }
    }

    func sample(_ n: MathNode, _ env: [String: Rational]) throws -> Sample? {
        guard let hi = try Evaluator(precision: Self.highPrecision, variables: env, budget: budget).value(n) else { return nil }
        if case .exact = hi { return Sample(value: hi, error: nil) }
        guard let lo = try Evaluator(precision: Self.lowPrecision, variables: env, budget: budget).value(n) else { return nil }
        let (hr, hi2) = hi.parts(Self.highPrecision), (lr, li) = lo.parts(Self.highPrecision)
        let err = Self.maxMagnitude((hr - lr).magnitude, imaginaryDiff(hi2, li))
        return Sample(value: hi, error: err)
    }

    func imaginaryDiff(_ a: Real?, _ b: Real?) -> Real {
        let z = Real(0, precision: Self.highPrecision)
        return ((a ?? z) - (b ?? z)).magnitude
    }

    static func maxMagnitude(_ a: Real, _ b: Real) -> Real { Real.compare(a.magnitude, b.magnitude) >= 0 ? a.magnitude : b.magnitude }

    /// Whether the sample is accurate enough to compare: error within 150 bits of its magnitude, or tiny.
    static func usable(_ s: Sample) -> Bool {
        guard let e = s.error, !e.isZero else { return true }
        let (re, im) = s.value.parts(highPrecision)
        let mag = im.map { maxMagnitude(re, $0) } ?? re.magnitude
        return e.exponent <= mag.exponent - agreeBits || e.exponent <= -120
    }

    static func agree(_ a: Sample, _ b: Sample) -> Bool {
        if case .exact(let ar, let ai) = a.value, case .exact(let br, let bi) = b.value {
            return ar == br && (ai ?? Rational(0)) == (bi ?? Rational(0))
        }
        let (ar, ai) = a.value.parts(highPrecision), (br, bi) = b.value.parts(highPrecision)
        let z = Real(0, precision: highPrecision)
        let d = maxMagnitude(ar - br, (ai ?? z) - (bi ?? z))
        if d.isZero { return true }
        let scale = maxMagnitude(maxMagnitude(ar, ai ?? z), maxMagnitude(br, bi ?? z))
        if d.exponent <= scale.exponent - agreeBits { return true }
        let e = maxMagnitude(a.error ?? z, b.error ?? z)
        return !e.isZero && d.exponent <= e.exponent + 4
    }

    /// true / false, or nil when too few points could be compared to decide.
    public func equal(_ a: MathNode, _ b: MathNode) throws -> Bool? {
        let names = a.symbols.union(b.symbols).sorted()
        let envs = Self.points(names)
        var compared = 0
        for env in envs {
            let x = try sample(a, env), y = try sample(b, env)
            switch (x, y) {
            case (nil, nil): continue
            case (nil, _), (_, nil): return false
            case (let x?, let y?):
                guard Self.usable(x), Self.usable(y) else { continue }
                if !Self.agree(x, y) { return false }
                compared += 1
            }
        }
        return Self.enough(compared, names) ? true : nil
    }

    /// The value of a constant expression at high precision (for interval endpoints and decimals).
    public func constant(_ n: MathNode) throws -> Value? {
        guard n.symbols.isEmpty, let s = try sample(n, [:]), Self.usable(s) else { return nil }
        return s.value
    }
}

/// The decimal rule: a decimal stands for an exact value only when it shows at least 8 significant digits
/// and is that value rounded or truncated at its last digit (`0.1428571428571428` = 1/7; `2.72` ≠ e;
/// `0.67` ≠ 2/3). Decimals are otherwise exact rationals (`0.75` = 3/4).
public enum DecimalRule {
    public static let minimumSignificantDigits = 8

    /// The literal of a bare (signed) decimal number node.
    static func literal(_ n: MathNode) -> (String, negative: Bool)? {
        switch n {
        case .number(_, let d?): return (d, false)
        case .neg(.number(_, let d?)): return (d, true)
        default: return nil
        }
    }

    static func significantDigits(_ d: String) -> Int {
        let digits = d.filter { $0 != "." }.drop { $0 == "0" }
        return digits.count
    }

    /// Whether the decimal literal node `dec` stands for the value of `exact` under the rule (the caller
    /// has already found them not exactly equal).
    public static func matches(decimal dec: MathNode, exact: MathNode, _ scalar: ScalarEquivalence) throws -> Bool {
        guard let (lit, negative) = literal(dec), significantDigits(lit) >= minimumSignificantDigits,
              let v = try scalar.constant(exact), v.isReal else { return false }
        let (re, _) = v.parts(ScalarEquivalence.highPrecision)
        if re.isZero || (re.sign < 0) != negative { return false }
        let places = lit.split(separator: ".", omittingEmptySubsequences: false).count > 1 ? lit.split(separator: ".", omittingEmptySubsequences: false)[1].count : 0
        guard let shown = Rational(decimal: Substring(lit.filter { $0 != "." })) else { return false }
        let mag = re.magnitude
        for nearest in [false, true] {
            if let z = mag.scaledInteger(tenPower: places, nearest: nearest), z == shown { return true }
        }
        return false
    }
}
