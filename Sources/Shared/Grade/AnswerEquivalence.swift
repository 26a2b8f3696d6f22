/// Whether a parsed answer equals a parsed gold answer (SPEC §7, as extended by the grading issue): by
/// structure first — lists and sets in any order, tuples and matrices in order, intervals and inequalities
/// as sets of reals, relations up to rearrangement and a non-zero factor, labels (`x = 5`) dropped, `±`
/// as its two values, words case-blind — and scalars by computation (`ScalarEquivalence`) with the decimal
/// rule. No tolerance anywhere.
public struct AnswerEquivalence {
    let scalar: ScalarEquivalence

    public init(budget: WorkBudget) { scalar = ScalarEquivalence(budget: budget) }

    /// The letter a node spells: a one-letter variable, or `e` / `i` read as constants.
    static func letter(_ n: MathNode) -> String? {
        switch n {
        case .symbol(let s) where s.count == 1: return s.lowercased()
        case .constant(.e): return "e"
        case .constant(.i): return "i"
        default: return nil
        }
    }

    /// The word an answer spells, if it is one: `\text{Even}`, or letters run together (`even`).
    static func word(_ n: MathNode) -> String? {
        switch n {
        case .text(let s): return s.lowercased().split(whereSeparator: { $0 == " " }).joined(separator: " ")
        case .mul(let xs):
            let letters = xs.map(letter)
            return letters.contains(nil) ? nil : letters.map { $0! }.joined()
        default: return letter(n)
        }
    }

    /// a ± b as its two values (recursively, at most 16 variants); other nodes as themselves.
    static func expandPlusMinus(_ n: MathNode) -> [MathNode] {
        switch n {
        case .plusMinus(let a, let b):
            return expandPlusMinus(a).flatMap { x in expandPlusMinus(b).flatMap { y in [MathNode.add([x, .neg(y)]), .add([x, y])] } }.prefix(16).map { $0 }
        case .add(let xs) where xs.contains(where: { if case .plusMinus = $0 { return true }; return false }):
            var variants: [[MathNode]] = [[]]
            for x in xs { variants = variants.flatMap { v in expandPlusMinus(x).map { v + [$0] } }.prefix(16).map { $0 } }
            return variants.map { .add($0) }
        case .neg(let a): return expandPlusMinus(a).map { .neg($0) }
        default: return [n]
        }
    }

    static func hasPlusMinus(_ n: MathNode) -> Bool {
        switch n {
        case .plusMinus: return true
        case .add(let xs): return xs.contains(where: hasPlusMinus)
        case .neg(let a): return hasPlusMinus(a)
        default: return false
        }
    }

    /// Elements of an unordered answer (a set, a bare list, a ± expression); nil for anything else.
    static func elements(_ n: MathNode) -> [MathNode]? {
        switch n {
        case .set(let xs), .list(let xs): return xs.flatMap(expandPlusMinus)
        case .emptySet: return []
        default: return hasPlusMinus(n) ? expandPlusMinus(n) : nil
        }
    }

    static func isIntervalLike(_ n: MathNode) -> Bool {
        switch n {
        case .realLine, .union: return true
        case .tuple(let xs, let o, let c): return xs.count == 2 && (o != "(" || c != ")" || xs.contains { IntervalSet.infinity($0) != nil })
        case .relation(_, let ops): return ops.contains { $0.isInequality || $0 == .ne }
        default: return false
        }
    }

    public func equal(_ p: MathNode, _ g: MathNode) throws -> Bool {
        try scalar.budget.tick()
        // The same canonical spelling is the same answer (numbers print as exact rationals).
        if CanonicalPrinter.print(p) == CanonicalPrinter.print(g) { return true }
        // One-element lists are their element.
        if case .list(let xs) = p, xs.count == 1 { return try equal(xs[0], g) }
        if case .list(let xs) = g, xs.count == 1 { return try equal(p, xs[0]) }
        // Words.
        if case .text = p, let a = AnswerEquivalence.word(p), let b = AnswerEquivalence.word(g) { return a == b }
        if case .text = g, let a = AnswerEquivalence.word(p), let b = AnswerEquivalence.word(g) { return a == b }
        // Values assigned to named variables: (x, y) = (6, 5) against x = 6, y = 5, or x = y = 0.
        if let ap = RelationEquivalence.assignments(p), let ag = RelationEquivalence.assignments(g), ap.count > 1 || ag.count > 1 {
            guard Set(ap.keys) == Set(ag.keys) else { return false }
            for (k, v) in ap where !(try equal(v, ag[k]!)) { return false }
            return true
        }
        if case .relation(let tp, let op) = p, case .relation(let tg, let og) = g {
            // Both relations: as equations or inequalities up to a factor, then as sets of reals, then
            // as labelled values (x = 5 against x = 5.0), then term by term.
            if let r = try RelationEquivalence.proportional(p, g, scalar), r { return true }
            if let a = try IntervalSet.from(p, scalar), let b = try IntervalSet.from(g, scalar) { return try a.equal(b, scalar) }
            if let a = RelationEquivalence.labelledValue(p), let b = RelationEquivalence.labelledValue(g), sameLabel(tp[0], tg[0]) {
                return try equal(a, b)
            }
            guard op == og, tp.count == tg.count else { return false }
            for (a, b) in zip(tp, tg) where !(try equal(a, b)) { return false }
            return true
        }
        // Labels: x = 5 against 5.
        if let v = RelationEquivalence.labelledPrediction(p) { return try equal(v, g) }
        if let v = RelationEquivalence.labelledValue(g) { return try equal(p, v) }
        // Sets of reals: intervals and inequalities.
        if AnswerEquivalence.isIntervalLike(p) || AnswerEquivalence.isIntervalLike(g) {
            if let a = try IntervalSet.from(p, scalar), let b = try IntervalSet.from(g, scalar) { return try a.equal(b, scalar) }
        }
        if case .relation = p { return false }
        if case .relation = g { return false }
        // Unordered collections.
        if let eg = AnswerEquivalence.elements(g) {
            if let ep = AnswerEquivalence.elements(p) { return try unordered(ep, eg) }
            if case .tuple(let xs, "(", ")") = p { return try unordered(xs, eg) }
            return false
        }
        if let ep = AnswerEquivalence.elements(p) {
            if case .tuple(let xs, "(", ")") = g { return try ordered(ep, xs) }
            return false
        }
        switch (p, g) {
        case (.tuple(let a, let oa, let ca), .tuple(let b, let ob, let cb)):
            return oa == ob && ca == cb && a.count == b.count ? try ordered(a, b) : false
        case (.matrix(let a), .matrix(let b)):
            guard a.count == b.count, zip(a, b).allSatisfy({ $0.count == $1.count }) else { return false }
            return try ordered(a.flatMap { $0 }, b.flatMap { $0 })
        case (.matrix(let m), .tuple(let xs, "(", ")")), (.tuple(let xs, "(", ")"), .matrix(let m)):
            let flat = m.flatMap { $0 }
            return (m.count == 1 || m.allSatisfy { $0.count == 1 }) && flat.count == xs.count ? try ordered(flat, xs) : false
        case (.realLine, .realLine), (.emptySet, .emptySet): return true
        default: break
        }
        guard p.isScalar, g.isScalar else { return false }
        return try scalarEqual(p, g)
    }

    func sameLabel(_ a: MathNode, _ b: MathNode) -> Bool {
        if case .symbol(let x) = a, case .symbol(let y) = b { return x == y }
        return true
    }

    func scalarEqual(_ p: MathNode, _ g: MathNode) throws -> Bool {
        if try scalar.equal(p, g) == true { return true }
        // A decimal of 8+ significant digits stands for the exact value it rounds or truncates.
        if DecimalRule.literal(p) != nil, DecimalRule.literal(g) == nil, try DecimalRule.matches(decimal: p, exact: g, scalar) { return true }
        if DecimalRule.literal(g) != nil, DecimalRule.literal(p) == nil, try DecimalRule.matches(decimal: g, exact: p, scalar) { return true }
        // Units written as single letters after a value (5 m^2) when the gold has no such variable.
        if let stripped = Units.strip(p, keeping: g.symbols) { return try scalarEqual(stripped, g) }
        return false
    }

    func ordered(_ a: [MathNode], _ b: [MathNode]) throws -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where !(try equal(x, y)) { return false }
        return true
    }

    /// Exact values of constant members as keys (nil when any member is not an exact constant), so sets of
    /// numbers compare in O(n log n) rather than pairwise.
    func exactKeys(_ xs: [MathNode]) throws -> Set<String>? {
        var keys = Set<String>()
        let ev = Evaluator(precision: 64, variables: [:], budget: scalar.budget)
        for x in xs {
            guard x.isScalar, x.symbols.isEmpty, DecimalRule.literal(x) == nil || xs.count > 8,
                  case .exact(let re, let im)? = try ev.value(x) else { return nil }
            keys.insert(re.description + "|" + (im?.description ?? "0"))
        }
        return keys
    }

    /// Same members, ignoring order and repeats.
    func unordered(_ a: [MathNode], _ b: [MathNode]) throws -> Bool {
        if a.count > 8 || b.count > 8, let ka = try exactKeys(a), let kb = try exactKeys(b) { return ka == kb }
        let ua = try distinct(a), ub = try distinct(b)
        guard ua.count == ub.count else { return false }
        var used = [Bool](repeating: false, count: ub.count)
        outer: for x in ua {
            for (j, y) in ub.enumerated() where !used[j] {
                if try equal(x, y) { used[j] = true; continue outer }
            }
            return false
        }
        return true
    }

    func distinct(_ xs: [MathNode]) throws -> [MathNode] {
        var out: [MathNode] = []
        for x in xs where !(try out.contains { try equal(x, $0) }) { out.append(x) }
        return out
    }
}

/// Single-letter units after a numeric value (`5 m^2`, `3 s`): stripped only when the other answer has
/// no variable of that name.
enum Units {
    static let letters: Set<String> = ["m", "s", "g", "h", "L", "J", "N", "W", "V", "A", "K"]

    static func isUnit(_ n: MathNode, _ keeping: Set<String>) -> Bool {
        switch n {
        case .symbol(let s): return letters.contains(s) && !keeping.contains(s)
        case .pow(.symbol(let s), .number): return letters.contains(s) && !keeping.contains(s)
        default: return false
        }
    }

    static func strip(_ n: MathNode, keeping: Set<String>) -> MathNode? {
        guard case .mul(var xs) = n, xs.count >= 2 else { return nil }
        var stripped = false
        while xs.count > 1, let last = xs.last, isUnit(last, keeping) { xs.removeLast(); stripped = true }
        guard stripped, xs.allSatisfy({ $0.symbols.isEmpty }) else { return nil }
        return xs.count == 1 ? xs[0] : .mul(xs)
    }
}
