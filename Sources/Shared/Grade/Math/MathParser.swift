/// Recursive-descent parser from `MathToken`s to a `MathNode`: lists (`,` `;` `and` `or` `\quad`), unions,
/// relation chains, sums with `±`, products (explicit and implicit), unary minus, powers (right
/// associative), factorials, and the primaries of competition answers: numbers, variables with subscripts,
/// `\frac`, `\sqrt[n]{}`, `\binom`, functions (`\sin^2 x`, `\log_2 8`, `\ln(x)`), groups, tuples and
/// intervals, `\{…\}` sets, `|x|`, `\lfloor x \rfloor`, matrices, `\infty`, `\mathbb R`, words. Units after
/// a value (`\text{ cm}`, `cents`) are dropped. Nesting deeper than `maxDepth` is a parse failure.
public struct MathParser {
    var t: [MathToken]
    var k = 0
    var depth = 0
    public static let maxDepth = 120

    struct Failure: Error {}

    public static func parse(_ text: String) -> MathNode? {
        guard let toks = MathLexer.tokens(text), !toks.isEmpty else { return nil }
        var p = MathParser(t: toks)
        guard let n = try? p.answer(), p.k == p.t.count else { return nil }
        return n
    }

    static let functions: Set<String> = ["sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan",
                                         "sinh", "cosh", "tanh", "log", "ln", "lg", "exp", "sqrt", "abs", "asin",
                                         "acos", "atan", "arcsec", "arccsc", "arccot", "cosec", "floor", "ceil"]
    static let numberWords: [String: Int] = ["zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                                             "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                                             "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                                             "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
                                             "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                                             "eighty": 80, "ninety": 90, "hundred": 100]
    /// Words read as units (dropped after a value) rather than as products of variables.
    static let units: Set<String> = ["cm", "mm", "km", "kg", "mg", "ml", "mL", "cents", "cent", "dollars", "dollar",
                                     "units", "unit", "degrees", "degree", "deg", "meters", "meter", "metres", "inches",
                                     "inch", "feet", "foot", "ft", "miles", "mile", "mph", "hours", "hour", "hrs",
                                     "minutes", "minute", "min", "seconds", "second", "sec", "days", "day", "weeks",
                                     "years", "year", "sq", "square", "cubic", "grams", "gram", "liters", "litres",
                                     "people", "students", "ways", "pounds", "lbs", "oz", "ounces", "yards", "yd",
                                     "percent", "pct", "percentage", "points", "point", "times", "mi", "km/h", "kmh",
                                     "pages", "cups", "boxes", "books", "marbles", "apples", "numbers", "integers",
                                     "values", "solutions", "terms", "digits", "hrs", "radians", "rad", "steps"]

    mutating func enter() throws {
        depth += 1
        if depth > MathParser.maxDepth { throw Failure() }
    }

    var cur: MathToken? { k < t.count ? t[k] : nil }
    mutating func advance() { k += 1 }
    mutating func accept(_ tok: MathToken) -> Bool {
        if cur == tok { k += 1; return true }
        return false
    }
    mutating func expect(_ tok: MathToken) throws { guard accept(tok) else { throw Failure() } }

    func isSeparator(_ tok: MathToken?) -> Bool {
        switch tok {
        case .op(","), .op(";"), .separator: return true
        case .word(let w): return w == "and" || w == "or"
        case .text(let w): return ["and", "or", ","].contains(w.lowercased())
        default: return false
        }
    }

    mutating func answer() throws -> MathNode {
        var items = [try item()]
        while isSeparator(cur) {
            while isSeparator(cur) { advance() }
            if cur == nil { break }
            items.append(try item())
        }
        return items.count == 1 ? items[0] : .list(items)
    }

    mutating func item() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        var parts = [try relation()]
        while accept(.command("cup")) || accept(.letter("U")) { parts.append(try relation()) }
        return parts.count == 1 ? parts[0] : .union(parts)
    }

    mutating func relation() throws -> MathNode {
        var terms = [try expression()]
        var ops: [MathNode.RelOp] = []
        while case .rel(let op)? = cur {
            advance()
            ops.append(op)
            terms.append(try expression())
        }
        return ops.isEmpty ? terms[0] : .relation(terms, ops)
    }

    mutating func expression() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        var acc: MathNode
        if accept(.op("-")) { acc = .neg(try term()) }
        else if accept(.command("pm")) || accept(.command("mp")) { acc = .plusMinus(.number(Rational(0), decimal: nil), try term()) }
        else { _ = accept(.op("+")); acc = try term() }
        var sum: [MathNode] = [acc]
        while true {
            if accept(.op("+")) { sum.append(try term()) }
            else if accept(.op("-")) { sum.append(.neg(try term())) }
            else if accept(.command("pm")) || accept(.command("mp")) {
                let left: MathNode = sum.count == 1 ? sum[0] : .add(sum)
                sum = [.plusMinus(left, try term())]
            } else { break }
        }
        return sum.count == 1 ? sum[0] : .add(sum)
    }

    func startsFactor(_ tok: MathToken?) -> Bool {
        switch tok {
        case .number, .letter, .open("("), .open("{"), .open("lfloor"), .open("lceil"), .begin: return true
        case .word(let w): return w != "and" && w != "or" && !MathParser.units.contains(w)
        case .command(let c): return !["pm", "mp", "cup", "cap", "dots", "ldots", "cdots", "to", "setminus"].contains(c)
        default: return false
        }
    }

    /// Unit words and `\text{…}` after a value: dropped (with a following power, m^2).
    mutating func skipUnits() -> Bool {
        var skipped = false
        while true {
            switch cur {
            case .word(let w) where MathParser.units.contains(w): advance()
            case .text(let w) where !["and", "or"].contains(w.lowercased()): advance()
            case .letter(let l) where skipped && ["m", "s", "g", "h", "L"].contains(l): advance()   // km/h, m/s
            case .op("/") where skipped: advance()
            default: return skipped
            }
            skipped = true
            if cur == .op("^"), k + 1 < t.count, case .number = t[k + 1] { k += 2 }
        }
    }

    mutating func term() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        var factors = [try unary()]
        while true {
            if accept(.op("*")) { factors.append(try unary()) }
            else if accept(.op("/")) {
                let d = try unary()
                let n: MathNode = factors.count == 1 ? factors[0] : .mul(factors)
                factors = [.div(n, d)]
            } else if skipUnits() { continue }
            else if startsFactor(cur) {
                let next = try power()
                // A mixed number: an integer written directly before a fraction of integers (2\frac12 = 5/2).
                if factors.count == 1, case .number(let w, nil) = factors[0], w.isInteger, w.sign >= 0,
                   case .div(.number(let a, nil), .number(let b, nil)) = next, a.isInteger, b.isInteger {
                    factors[0] = .add([factors[0], next])
                } else {
                    factors.append(next)
                }
            } else { break }
        }
        return factors.count == 1 ? factors[0] : .mul(factors)
    }

    mutating func unary() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        if accept(.op("-")) { return .neg(try unary()) }
        if accept(.op("+")) { return try unary() }
        return try power()
    }

    mutating func power() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        let base = try postfix()
        if accept(.op("^")) {
            let e = try exponent()
            var node = MathNode.pow(base, e)
            while accept(.op("!")) { node = .factorial(node) }
            return node
        }
        return base
    }

    /// A superscript: a braced group, or a signed single primary (plain `2^10` takes the whole number).
    mutating func exponent() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        if accept(.op("-")) { return .neg(try exponent()) }
        if accept(.op("+")) { return try exponent() }
        if accept(.open("{")) {
            let inner = try answer()
            try expect(.close("}"))
            return inner
        }
        let base = try primary()
        if accept(.op("^")) { return .pow(base, try exponent()) }
        return base
    }

    mutating func postfix() throws -> MathNode {
        var node = try primary()
        while accept(.op("!")) { node = .factorial(node) }
        return node
    }

    /// A LaTeX macro argument: `{…}`, or a single token (`\frac12`: the first digit of a number).
    mutating func macroArgument() throws -> MathNode {
        if accept(.open("{")) {
            let inner = try answer()
            try expect(.close("}"))
            return inner
        }
        if case .number(let d, let e, let r)? = cur, e == 0, r.isEmpty, d.count > 1, !d.contains(".") {
            t[k] = .number(String(d.dropFirst()), exponent: 0, repeating: "")
            return .number(Rational(Int(String(d.first!))!), decimal: nil)
        }
        return try primary()
    }

    static func number(_ digits: String, exponent: Int, repeating: String) -> MathNode? {
        guard var v = Rational(decimal: Substring(digits)) else { return nil }
        if !repeating.isEmpty {
            // 0.1\overline{6}: add 0.0666… = 6 / (9 · 10^(decimals)).
            let decimals = digits.split(separator: ".", omittingEmptySubsequences: false).last?.count ?? 0
            guard let rep = Rational(decimal: Substring(repeating)), let nines = Rational.tenPower(repeating.count) - Rational(1),
                  let scale = nines * Rational.tenPower(decimals), let add = rep / scale, let sum = v + add else { return nil }
            v = sum
        }
        if exponent != 0 {
            guard let p = Rational(10).power(exponent), let scaled = v * p else { return nil }
            v = scaled
        }
        let literal = digits.contains(".") && repeating.isEmpty && exponent == 0 ? digits : nil
        return .number(v, decimal: literal)
    }

    mutating func primary() throws -> MathNode {
        try enter(); defer { depth -= 1 }
        guard let tok = cur else { throw Failure() }
        advance()
        switch tok {
        case .number(let d, let e, let r):
            guard let n = MathParser.number(d, exponent: e, repeating: r) else { throw Failure() }
            return n
        case .letter(let l):
            if ["f", "g", "h"].contains(l), cur == .open("(") {
                advance()
                let args = try commaList(until: [")"])
                return .apply(l, args.0)
            }
            var name = l
            if accept(.op("_")) { name += "_" + (try subscriptName()) }
            if name == "e" { return .constant(.e) }
            if name == "i" { return .constant(.i) }
            return .symbol(name)
        case .word(let w):
            if let v = MathParser.numberWords[w.lowercased()] { return .number(Rational(v), decimal: nil) }
            switch w {
            case "pi": return .constant(.pi)
            case "inf", "infty", "infinity": return .constant(.infinity)
            case "sqrt": return .root(try functionArgument(), index: .number(Rational(2), decimal: nil))
            default: break
            }
            if MathParser.functions.contains(w) { return try function(w) }
            // Letters run together are a product of variables (xy = x·y).
            return .mul(w.map { c -> MathNode in
                let s = String(c)
                return s == "e" ? .constant(.e) : s == "i" ? .constant(.i) : .symbol(s)
            })
        case .text(let w):
            return .text(w.lowercased())
        case .command(let c):
            return try command(c)
        case .open("("), .open("["):
            let opener: Character = tok == .open("(") ? "(" : "["
            let (items, close) = try commaList(until: [")", "]"])
            if items.count == 1 && opener == "(" && close == ")" { return items[0] }
            if items.count == 1, case .matrix = items[0] { return items[0] }   // \left[\begin{array}…\right]
            return .tuple(items, open: opener, close: Character(close))
        case .open("{"):
            let (items, _) = try commaList(until: ["}"])
            return items.count == 1 ? items[0] : .set(items)
        case .open("\\{"):
            if accept(.close("\\}")) { return .emptySet }
            let (items, _) = try commaList(until: ["\\}"])
            return .set(items)
        case .open("lfloor"), .open("lceil"):
            let inner = try answer()
            let name = tok == .open("lfloor") ? "floor" : "ceil"
            try expect(.close(name == "floor" ? "rfloor" : "rceil"))
            return .function(name, [inner])
        case .op("|"):
            let inner = try expression()
            try expect(.op("|"))
            return .function("abs", [inner])
        case .begin(let env):
            return try matrix(env)
        default:
            throw Failure()
        }
    }

    mutating func subscriptName() throws -> String {
        if accept(.open("{")) {
            var name = ""
            while let c = cur, c != .close("}") {
                switch c {
                case .number(let d, _, _): name += d
                case .letter(let l): name += l
                case .word(let w): name += w
                case .op(let o): name += o
                default: throw Failure()
                }
                advance()
            }
            try expect(.close("}"))
            return name
        }
        switch cur {
        case .number(let d, _, _)?:
            // a_10: plain text means a sub 10 (as 2^10 means 1024).
            advance()
            return d
        case .letter(let l)?: advance(); return l
        default: throw Failure()
        }
    }

    /// Items separated by commas up to one of the closing brackets; returns them and the bracket.
    mutating func commaList(until closers: Set<String>) throws -> ([MathNode], String) {
        var items: [MathNode] = []
        while true {
            items.append(try item())
            if accept(.op(",")) || accept(.op(";")) { continue }
            if case .close(let c)? = cur, closers.contains(c) { advance(); return (items, c) }
            throw Failure()
        }
    }

    mutating func matrix(_ env: String) throws -> MathNode {
        guard ["pmatrix", "bmatrix", "matrix", "vmatrix", "Bmatrix", "array", "smallmatrix"].contains(env) else { throw Failure() }
        var rows: [[MathNode]] = [[]]
        while true {
            if case .end(let e)? = cur, e == env { advance(); break }
            if cur == nil { throw Failure() }
            if accept(.rowBreak) { rows.append([]); continue }
            if accept(.op("&")) { continue }
            rows[rows.count - 1].append(try item())
        }
        rows.removeAll { $0.isEmpty }
        guard !rows.isEmpty else { throw Failure() }
        return .matrix(rows)
    }

    /// The argument of a function written without parentheses: `\sin 2x` is sin(2x).
    mutating func functionArgument() throws -> MathNode {
        if cur == .open("(") { return try primary() }
        if cur == .open("{") { return try macroArgument() }
        var factors = [try power()]
        while startsFactor(cur), cur != .open("(") {
            if case .command(let c)? = cur, MathParser.functions.contains(c) { break }
            factors.append(try power())
        }
        return factors.count == 1 ? factors[0] : .mul(factors)
    }

    mutating func function(_ raw: String) throws -> MathNode {
        var name = ["asin": "arcsin", "acos": "arccos", "atan": "arctan", "cosec": "csc", "lg": "log10"][raw] ?? raw
        var base: MathNode?
        var exp: MathNode?
        for _ in 0..<2 {
            if accept(.op("_")) { base = try macroArgument() }
            else if accept(.op("^")) { exp = try exponent() }
        }
        if let e = exp, case .neg(.number(let one, _)) = e, one == Rational(1), ["sin", "cos", "tan", "sec", "csc", "cot"].contains(name) {
            name = "arc" + name
            exp = nil
        }
        let arg = try functionArgument()
        var node: MathNode = .function(name, base.map { [arg, $0] } ?? [arg])
        if let e = exp { node = .pow(node, e) }
        return node
    }

    mutating func command(_ c: String) throws -> MathNode {
        switch c {
        case "frac", "over":
            let a = try macroArgument(), b = try macroArgument()
            return .div(a, b)
        case "sqrt":
            var index: MathNode = .number(Rational(2), decimal: nil)
            if accept(.open("[")) {
                index = try answer()
                try expect(.close("]"))
            }
            return .root(try macroArgument(), index: index)
        case "binom", "choose":
            let a = try macroArgument(), b = try macroArgument()
            return .function("binom", [a, b])
        case "pi": return .constant(.pi)
        case "infty", "infin": return .constant(.infinity)
        case "reals": return .realLine
        case "emptyset": return .emptySet
        case "pm", "mp": return .plusMinus(.number(Rational(0), decimal: nil), try power())
        case "exp": return .function("exp", [try functionArgument()])
        case "e": return .constant(.e)
        default:
            if MathParser.functions.contains(c) { return try function(c) }
            // Any other command names something (\zzz, \angle): a symbol of that name.
            if ["dots", "ldots", "cdots", "vdots", "cap", "setminus", "to", "sum", "prod", "int", "lim"].contains(c) { throw Failure() }
            return .symbol("\\" + c)
        }
    }
}
