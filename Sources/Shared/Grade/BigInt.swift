/// Arbitrary-size signed integers, just enough for exact answer comparison: parse, +, −, ×, compare.
/// (Equality of rationals a/b = c/d is checked as a·d = c·b, so no division is needed.)
public struct BigInt: Equatable, Comparable, CustomStringConvertible {
    /// Magnitude in base 10^9, least significant limb first, no leading zero limbs (zero = []).
    var limbs: [UInt32]
    var negative: Bool
    static let base: UInt64 = 1_000_000_000

    public init(_ v: Int) {
        negative = v < 0
        var m = v.magnitude
        limbs = []
        while m > 0 { limbs.append(UInt32(m % UInt(Self.base))); m /= UInt(Self.base) }
    }

    init(limbs: [UInt32], negative: Bool) {
        var l = limbs
        while l.last == 0 { l.removeLast() }
        self.limbs = l
        self.negative = l.isEmpty ? false : negative
    }

    /// Decimal digits with an optional sign; nil for anything else.
    public init?(_ s: Substring) {
        var digits = s
        var neg = false
        if let f = digits.first, f == "-" || f == "+" { neg = f == "-"; digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var l: [UInt32] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -9, limitedBy: digits.startIndex) ?? digits.startIndex
            l.append(UInt32(digits[start..<end])!)
            end = start
        }
        self.init(limbs: l, negative: neg)
    }

    public var isZero: Bool { limbs.isEmpty }

    static func compareMagnitude(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }

    static func addMagnitude(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        var carry: UInt64 = 0
        for i in 0..<max(a.count, b.count) {
            let s = UInt64(i < a.count ? a[i] : 0) + UInt64(i < b.count ? b[i] : 0) + carry
            out.append(UInt32(s % base))
            carry = s / base
        }
        if carry > 0 { out.append(UInt32(carry)) }
        return out
    }

    /// a − b for |a| ≥ |b|.
    static func subMagnitude(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        var borrow: Int64 = 0
        for i in 0..<a.count {
            var d = Int64(a[i]) - Int64(i < b.count ? b[i] : 0) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += Int64(base) }
            out.append(UInt32(d))
        }
        return out
    }

    public static func + (a: BigInt, b: BigInt) -> BigInt {
        if a.negative == b.negative { return BigInt(limbs: addMagnitude(a.limbs, b.limbs), negative: a.negative) }
        if compareMagnitude(a.limbs, b.limbs) >= 0 { return BigInt(limbs: subMagnitude(a.limbs, b.limbs), negative: a.negative) }
        return BigInt(limbs: subMagnitude(b.limbs, a.limbs), negative: b.negative)
    }

    public static prefix func - (a: BigInt) -> BigInt { BigInt(limbs: a.limbs, negative: !a.negative) }
    public static func - (a: BigInt, b: BigInt) -> BigInt { a + (-b) }

    public static func * (a: BigInt, b: BigInt) -> BigInt {
        if a.isZero || b.isZero { return BigInt(0) }
        var acc = [UInt64](repeating: 0, count: a.limbs.count + b.limbs.count + 1)
        for (i, x) in a.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, y) in b.limbs.enumerated() {
                let t = acc[i + j] + UInt64(x) * UInt64(y) + carry
                acc[i + j] = t % base
                carry = t / base
            }
            var k = i + b.limbs.count
            while carry > 0 {
                let t = acc[k] + carry
                acc[k] = t % base
                carry = t / base
                k += 1
            }
        }
        return BigInt(limbs: acc.map { UInt32($0) }, negative: a.negative != b.negative)
    }

    public static func < (a: BigInt, b: BigInt) -> Bool {
        if a.negative != b.negative { return a.negative }
        let c = compareMagnitude(a.limbs, b.limbs)
        return a.negative ? c > 0 : c < 0
    }

    /// 10^k.
    public static func tenPower(_ k: Int) -> BigInt {
        var limbs = [UInt32](repeating: 0, count: k / 9)
        var top: UInt32 = 1
        for _ in 0..<(k % 9) { top *= 10 }
        limbs.append(top)
        return BigInt(limbs: limbs, negative: false)
    }

    public var description: String {
        if limbs.isEmpty { return "0" }
        var s = negative ? "-" : ""
        s += String(limbs.last!)
        for l in limbs.dropLast().reversed() {
            let d = String(l)
            s += String(repeating: "0", count: 9 - d.count) + d
        }
        return s
    }
}

/// An exact rational number p/q (q ≠ 0, sign anywhere). Equality by cross-multiplication.
public struct Rational: Equatable, CustomStringConvertible {
    public var num: BigInt
    public var den: BigInt

    public init(_ num: BigInt, _ den: BigInt = BigInt(1)) {
        self.num = num
        self.den = den
    }

    public static func == (a: Rational, b: Rational) -> Bool { a.num * b.den == b.num * a.den }
    public static func + (a: Rational, b: Rational) -> Rational { Rational(a.num * b.den + b.num * a.den, a.den * b.den) }
    public static prefix func - (a: Rational) -> Rational { Rational(-a.num, a.den) }
    public static func * (a: Rational, b: Rational) -> Rational { Rational(a.num * b.num, a.den * b.den) }
    /// nil when dividing by zero.
    public static func / (a: Rational, b: Rational) -> Rational? { b.num.isZero ? nil : Rational(a.num * b.den, a.den * b.num) }

    public var description: String { "\(num)/\(den)" }
}
