import CGMP
import Glibc

/// Exact rational numbers on GMP's mpq (always reduced, denominator positive). The judge compares numbers
/// as these: `1/2004!` and `1/2006!` differ, `0.75` is 3/4 exactly. Immutable: every operation makes a new
/// value. Operations whose result would be too large to be an answer (more than `maxBits`) return nil
/// instead of allocating without bound.
public final class Rational: CustomStringConvertible, @unchecked Sendable {
    let p: UnsafeMutablePointer<__mpq_struct>
    /// Size cap on numerators and denominators, in bits (1000000! has ~18.5M bits; answers have far fewer).
    public static let maxBits = 1 << 20

    init() {
        p = .allocate(capacity: 1)
        __gmpq_init(p)
    }

    deinit {
        __gmpq_clear(p)
        p.deallocate()
    }

    public convenience init(_ v: Int) {
        self.init()
        __gmpq_set_si(p, v, 1)
    }

    public convenience init(_ num: Int, _ den: Int) {
        self.init()
        precondition(den != 0)
        __gmpq_set_si(p, num, 1)
        let d = Rational(den)
        __gmpq_div(p, p, d.p)
    }

    /// Decimal digits, an optional sign and an optional fraction point; nil for anything else.
    public convenience init?(decimal s: Substring) {
        var body = s
        var negative = false
        if let f = body.first, f == "-" || f == "+" { negative = f == "-"; body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], frac = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && frac.isEmpty), body.utf8.count <= 100_000,
              whole.utf8.allSatisfy({ $0 &- 48 < 10 }), frac.utf8.allSatisfy({ $0 &- 48 < 10 }) else { return nil }
        self.init()
        let digits = String(whole) + String(frac)
        let num = Rational.integerDigits(digits.isEmpty ? "0" : digits)
        __gmpq_set(p, num.p)
        if !frac.isEmpty {
            let ten = Rational.tenPower(frac.utf8.count)
            __gmpq_div(p, p, ten.p)
        }
        if negative { __gmpq_neg(p, p) }
    }

    static func integerDigits(_ digits: String) -> Rational {
        let r = Rational()
        _ = digits.withCString { __gmpz_set_str(&r.p.pointee._mp_num, $0, 10) }
        return r
    }

    public static func tenPower(_ k: Int) -> Rational {
        let r = Rational()
        __gmpz_ui_pow_ui(&r.p.pointee._mp_num, 10, UInt(k))
        return r
    }

    public var isZero: Bool { p.pointee._mp_num._mp_size == 0 }
    public var sign: Int { Int(p.pointee._mp_num._mp_size.signum()) }
    public var isInteger: Bool { __gmpz_cmp_ui(&p.pointee._mp_den, 1) == 0 }
    /// Bits of numerator plus denominator: the cost of further arithmetic.
    public var bits: Int { Int(__gmpz_sizeinbase(&p.pointee._mp_num, 2) + __gmpz_sizeinbase(&p.pointee._mp_den, 2)) }

    /// The value as an Int when it is an integer that fits.
    public var intValue: Int? {
        guard isInteger, __gmpz_fits_slong_p(&p.pointee._mp_num) != 0 else { return nil }
        return __gmpz_get_si(&p.pointee._mp_num)
    }

    public var numerator: Rational { let r = Rational(); __gmpz_set(&r.p.pointee._mp_num, &p.pointee._mp_num); return r }
    public var denominator: Rational { let r = Rational(); __gmpz_set(&r.p.pointee._mp_num, &p.pointee._mp_den); return r }

    static func binary(_ a: Rational, _ b: Rational, _ f: (UnsafeMutablePointer<__mpq_struct>, UnsafePointer<__mpq_struct>, UnsafePointer<__mpq_struct>) -> Void) -> Rational? {
        guard a.bits + b.bits <= 2 * maxBits else { return nil }
        let r = Rational()
        f(r.p, a.p, b.p)
        return r.bits <= maxBits ? r : nil
    }

    public static func + (a: Rational, b: Rational) -> Rational? { binary(a, b) { __gmpq_add($0, $1, $2) } }
    public static func - (a: Rational, b: Rational) -> Rational? { binary(a, b) { __gmpq_sub($0, $1, $2) } }
    public static func * (a: Rational, b: Rational) -> Rational? { binary(a, b) { __gmpq_mul($0, $1, $2) } }
    /// nil for division by zero.
    public static func / (a: Rational, b: Rational) -> Rational? {
        b.isZero ? nil : binary(a, b) { __gmpq_div($0, $1, $2) }
    }
    public static prefix func - (a: Rational) -> Rational { let r = Rational(); __gmpq_neg(r.p, a.p); return r }
    public var magnitude: Rational { let r = Rational(); __gmpq_abs(r.p, p); return r }

    /// a^k for an integer k; nil when the result would exceed `maxBits` (or 0^negative).
    public func power(_ k: Int) -> Rational? {
        if k == 0 { return Rational(1) }
        if isZero { return k > 0 ? Rational(0) : nil }
        let n = k.magnitude
        guard n <= UInt(Self.maxBits), UInt(bits) * n <= UInt(Self.maxBits) + 64 else { return nil }
        let r = Rational()
        __gmpz_pow_ui(&r.p.pointee._mp_num, &p.pointee._mp_num, n)
        __gmpz_pow_ui(&r.p.pointee._mp_den, &p.pointee._mp_den, n)
        return k > 0 ? r : Rational(1) / r
    }

    /// The exact k-th root when there is one (both numerator and denominator perfect powers), else nil.
    public func exactRoot(_ k: Int) -> Rational? {
        guard k >= 1 else { return nil }
        if k == 1 { return self }
        if sign < 0 && k % 2 == 0 { return nil }
        let r = Rational()
        let a = __gmpz_root(&r.p.pointee._mp_num, &p.pointee._mp_num, UInt(k))
        let b = __gmpz_root(&r.p.pointee._mp_den, &p.pointee._mp_den, UInt(k))
        guard a != 0 && b != 0 else { return nil }
        __gmpq_canonicalize(r.p)
        return r
    }

    /// n! for 0 ≤ n ≤ 20000 (about 250,000 bits); nil otherwise.
    public func factorial() -> Rational? {
        guard let n = intValue, n >= 0, n <= 20_000 else { return nil }
        let r = Rational()
        __gmpz_fac_ui(&r.p.pointee._mp_num, UInt(n))
        return r
    }

    /// Floor as a Rational (an integer).
    public func floor() -> Rational {
        let r = Rational()
        __gmpz_fdiv_q(&r.p.pointee._mp_num, &p.pointee._mp_num, &p.pointee._mp_den)
        return r
    }

    public static func compare(_ a: Rational, _ b: Rational) -> Int { Int(__gmpq_cmp(a.p, b.p).signum()) }
    public static func == (a: Rational, b: Rational) -> Bool { __gmpq_equal(a.p, b.p) != 0 }

    public var description: String {
        guard let c = __gmpq_get_str(nil, 10, p) else { return "?" }
        defer { free(c) }
        return String(cString: c)
    }
}

