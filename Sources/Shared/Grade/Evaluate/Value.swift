/// A complex number as the evaluator computes it: exact (rational parts) while every step is rational,
/// else approximate (MPFR parts at the evaluation's precision). A nil imaginary part is zero.
public enum Value {
    case exact(Rational, Rational?)
    case approx(Real, Real?)

    public var isReal: Bool {
        switch self {
        case .exact(_, let im): return im == nil || im!.isZero
        case .approx(_, let im): return im == nil || im!.isZero
        }
    }

    public var exactReal: Rational? {
        if case .exact(let re, let im) = self, im == nil || im!.isZero { return re }
        return nil
    }

    /// Both parts at `precision` (exact parts are rounded once).
    public func parts(_ precision: Int) -> (Real, Real?) {
        switch self {
        case .exact(let re, let im):
            return (Real(re, precision: precision), im.flatMap { $0.isZero ? nil : Real($0, precision: precision) })
        case .approx(let re, let im): return (re, im)
        }
    }

    public var isFinite: Bool {
        switch self {
        case .exact: return true
        case .approx(let re, let im): return re.isFinite && (im?.isFinite ?? true)
        }
    }
}
