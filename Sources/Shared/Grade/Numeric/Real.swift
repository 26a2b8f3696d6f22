import CMPFR

/// Correctly rounded real numbers on MPFR at a chosen precision (the judge uses 256 and 384 bits, and
/// reads the difference between the two as the error of the result). Immutable like `Rational`. NaN and
/// infinities can arise (log 0, overflow); callers treat them as "no value here".
public final class Real: @unchecked Sendable {
    let p: UnsafeMutablePointer<__mpfr_struct>
    public let precision: Int

    public init(precision: Int) {
        self.precision = precision
        p = .allocate(capacity: 1)
        mpfr_init2(p, mpfr_prec_t(precision))
    }

    deinit {
        mpfr_clear(p)
        p.deallocate()
    }

    public convenience init(_ q: Rational, precision: Int) {
        self.init(precision: precision)
        mpfr_set_q(p, q.p, MPFR_RNDN)
    }

    public convenience init(_ v: Int, precision: Int) {
        self.init(precision: precision)
        mpfr_set_si(p, v, MPFR_RNDN)
    }

    public static func pi(precision: Int) -> Real { let r = Real(precision: precision); mpfr_const_pi(r.p, MPFR_RNDN); return r }
    public static func e(precision: Int) -> Real { let one = Real(1, precision: precision); return one.map(mpfr_exp) }

    public var isFinite: Bool { mpfr_number_p(p) != 0 }
    public var isZero: Bool { s1_mpfr_zero_p(p) != 0 }
    public var sign: Int { Int(s1_mpfr_sgn(p)) }
    /// Binary exponent e with 2^(e-1) ≤ |x| < 2^e; very negative for zero.
    public var exponent: Int { s1_mpfr_regular_p(p) != 0 ? Int(s1_mpfr_exp(p)) : Int.min / 4 }

    func map(_ f: (UnsafeMutablePointer<__mpfr_struct>, UnsafePointer<__mpfr_struct>, mpfr_rnd_t) -> Int32) -> Real {
        let r = Real(precision: precision)
        _ = f(r.p, p, MPFR_RNDN)
        return r
    }

    func zip(_ b: Real, _ f: (UnsafeMutablePointer<__mpfr_struct>, UnsafePointer<__mpfr_struct>, UnsafePointer<__mpfr_struct>, mpfr_rnd_t) -> Int32) -> Real {
        let r = Real(precision: max(precision, b.precision))
        _ = f(r.p, p, b.p, MPFR_RNDN)
        return r
    }

    public static func + (a: Real, b: Real) -> Real { a.zip(b, mpfr_add) }
    public static func - (a: Real, b: Real) -> Real { a.zip(b, mpfr_sub) }
    public static func * (a: Real, b: Real) -> Real { a.zip(b, mpfr_mul) }
    public static func / (a: Real, b: Real) -> Real { a.zip(b, mpfr_div) }
    public static prefix func - (a: Real) -> Real { a.map(mpfr_neg) }
    public var magnitude: Real { map(mpfr_abs) }

    public func pow(_ b: Real) -> Real { zip(b, mpfr_pow) }
    public func atan2(_ x: Real) -> Real { zip(x, mpfr_atan2) }
    public func hypot(_ b: Real) -> Real { zip(b, mpfr_hypot) }

    public enum Function: String, CaseIterable, Sendable {
        case sqrt, cbrt, exp, log, log2, log10, sin, cos, tan, sec, csc, cot, asin, acos, atan
        case sinh, cosh, tanh, asinh, acosh, atanh, gamma, floor, ceil
    }

    /// Trigonometric functions of an argument whose unit in the last place exceeds 2π carry no
    /// information (the rounding of x decides the value), and MPFR's argument reduction would need π to
    /// about as many bits as x's exponent (`\sin(x^{e^{x}})` took 13 s): such values are NaN, not a number.
    static let periodic: Set<Function> = [.sin, .cos, .tan, .sec, .csc, .cot]

    public func apply(_ f: Function) -> Real {
        if Real.periodic.contains(f) && exponent > precision + 2 { return Real(precision: precision) }
        switch f {
        case .sqrt: return map(mpfr_sqrt)
        case .cbrt: return map(mpfr_cbrt)
        case .exp: return map(mpfr_exp)
        case .log: return map(mpfr_log)
        case .log2: return map(mpfr_log2)
        case .log10: return map(mpfr_log10)
        case .sin: return map(mpfr_sin)
        case .cos: return map(mpfr_cos)
        case .tan: return map(mpfr_tan)
        case .sec: return map(mpfr_sec)
        case .csc: return map(mpfr_csc)
        case .cot: return map(mpfr_cot)
        case .asin: return map(mpfr_asin)
        case .acos: return map(mpfr_acos)
        case .atan: return map(mpfr_atan)
        case .sinh: return map(mpfr_sinh)
        case .cosh: return map(mpfr_cosh)
        case .tanh: return map(mpfr_tanh)
        case .asinh: return map(mpfr_asinh)
        case .acosh: return map(mpfr_acosh)
        case .atanh: return map(mpfr_atanh)
        case .gamma: return map(mpfr_gamma)
        case .floor: let r = Real(precision: precision); _ = mpfr_floor(r.p, p); return r
        case .ceil: let r = Real(precision: precision); _ = mpfr_ceil(r.p, p); return r
        }
    }

    /// The value times 10^k, rounded to an integer toward −∞ (`floor`) or to nearest (`round`), as a Rational.
    public func scaledInteger(tenPower k: Int, nearest: Bool) -> Rational? {
        guard isFinite, k >= 0, k <= 100_000 else { return nil }
        let ten = Real(Rational.tenPower(k), precision: precision + 4 * k + 64)
        let prod = Real(precision: precision + 4 * k + 64)
        _ = mpfr_mul(prod.p, p, ten.p, MPFR_RNDN)
        let z = Rational()
        _ = nearest ? mpfr_round(prod.p, prod.p) : mpfr_floor(prod.p, prod.p)
        _ = mpfr_get_z(&z.p.pointee._mp_num, prod.p, MPFR_RNDN)
        return z
    }

    public static func compare(_ a: Real, _ b: Real) -> Int { Int(mpfr_cmp(a.p, b.p).signum()) }
}
