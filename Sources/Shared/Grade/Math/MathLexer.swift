/// Tokens of an answer written in LaTeX or plain math. Presentation is dropped here, so the parser only
/// sees mathematics: `$`, `\(`, `\left`, spacing commands, `\displaystyle`, degree marks (`^\circ`, `°`),
/// percent signs, ordinal suffixes (`3^{\text{rd}}`, `3rd`). Numbers are read whole: thousands separators
/// (`1,000`, `1 000`, `25{,}000`, `12,\!500`), `.6`, scientific `1.6e-19`, repeating `0.\overline{6}`.
/// `\text{…}` content becomes a word token, or is read as math when it holds math (`\text{5}`).
public enum MathToken: Equatable, Sendable {
    /// Digits with at most one `.`; `exponent` from scientific notation; `repeating` digits of `\overline{}`.
    case number(String, exponent: Int, repeating: String)
    case letter(String)         // a one-letter variable, or a Greek letter name (alpha)
    case word(String)           // a run of two or more ASCII letters
    case command(String)        // \frac → "frac"
    case op(String)             // + - * / ^ _ ! ' | & , ;
    case open(String)           // ( [ { and "\{" for a set brace, "lfloor", "lceil"
    case close(String)
    case rel(MathNode.RelOp)
    case text(String)           // \text{…} words
    case separator              // \quad, \qquad
    case begin(String), end(String)
    case rowBreak               // \\ in matrices
}

public struct MathLexer {
    let s: [Unicode.Scalar]
    var i = 0
    var out: [MathToken] = []
    /// Open brackets around the current position: inside them a bare comma separates (\{100,101\}).
    var depth = 0
    /// Inputs longer than this are not parsed (they fall back to string comparison).
    public static let maxScalars = 4000

    public static func tokens(_ text: String) -> [MathToken]? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= maxScalars else { return nil }
        var lx = MathLexer(s: scalars)
        return lx.run() ? lx.out : nil
    }

    static let skipCommands: Set<String> = [
        "left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "bigg", "Bigg", "biggl", "biggr", "middle",
        "displaystyle", "textstyle", "limits", "boxed", "fbox", "circ", "degree", "degrees", "mathord", "mathop",
        "hfill", "nonumber", "notag", "strut", "phantom", "it", "rm", "bf", "cal", "mathcal", "ensuremath",
    ]
    static let textCommands: Set<String> = ["text", "textbf", "textit", "textrm", "mbox", "mathrm", "mathit", "mathbf",
                                            "textsf", "mathsf", "texttt", "emph", "textnormal", "hbox", "textup"]
    static let greek: Set<String> = ["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
                                     "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau",
                                     "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
                                     "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega"]
    static let relations: [String: MathNode.RelOp] = [
        "le": .le, "leq": .le, "leqslant": .le, "ge": .ge, "geq": .ge, "geqslant": .ge, "lt": .lt, "gt": .gt,
        "ne": .ne, "neq": .ne, "in": .member, "approx": .approx, "equiv": .eq, "simeq": .approx,
    ]
    static let mathCommands: Set<String> = ["frac", "dfrac", "tfrac", "cfrac", "sqrt", "pi", "infty", "cdot", "times",
                                            "pm", "mp", "boxed", "binom", "sin", "cos", "tan", "log", "ln", "exp",
                                            "begin", "end", "cup", "mathbb", "div", "quad", "qquad", "overline"]

    static func knownCommand(_ name: String) -> Bool {
        mathCommands.contains(name) || skipCommands.contains(name) || textCommands.contains(name)
            || relations[name] != nil || greek.contains(name)
    }

    func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }
    static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 48 && $0.value <= 57 } ?? false }
    static func isLetter(_ c: Unicode.Scalar?) -> Bool {
        guard let v = c?.value else { return false }
        return (v >= 65 && v <= 90) || (v >= 97 && v <= 122)
    }

    mutating func run() -> Bool {
        while i < s.count {
            let c = s[i]
            switch c {
            case " ", "\t", "\n", "\r", "$", "~", "%": i += 1
            case "0"..."9": number()
            case ".":
                if MathLexer.isDigit(peek(1)) { number() } else { i += 1 }   // a sentence's full stop
            case "\\": if !command() { return false }
            case "!" where peek(1) == "=":
                out.append(.rel(.ne)); i += 2
            case ":" where i > 0 && !out.isEmpty:
                // A ratio a:b is a/b (so 12:00 is undefined, never equal to 1:00).
                out.append(.op("/")); i += 1
            case "+", "-", "*", "/", "!", "'", "|", "&", ",", ";", "_":
                out.append(.op(String(c))); i += 1
            case "^":
                i += 1
                skipDegreeOrOrdinal()
            case "(", "[", "{": out.append(.open(String(c))); i += 1; depth += 1
            case ")", "]", "}": out.append(.close(String(c))); i += 1; depth -= 1
            case "=": out.append(.rel(.eq)); i += 1
            case "<", ">":
                i += 1
                let strict = peek() != "="
                if !strict { i += 1 }
                out.append(.rel(c == "<" ? (strict ? .lt : .le) : (strict ? .gt : .ge)))
            case "≤": out.append(.rel(.le)); i += 1
            case "≥": out.append(.rel(.ge)); i += 1
            case "≠": out.append(.rel(.ne)); i += 1
            case "∈": out.append(.rel(.member)); i += 1
            case "−", "–": out.append(.op("-")); i += 1
            case "×", "·", "⋅", "∙": out.append(.op("*")); i += 1
            case "÷": out.append(.op("/")); i += 1
            case "π": out.append(.command("pi")); i += 1
            case "∞": out.append(.command("infty")); i += 1
            case "√": out.append(.command("sqrt")); i += 1
            case "±": out.append(.command("pm")); i += 1
            case "∪": out.append(.command("cup")); i += 1
            case "∅": out.append(.command("emptyset")); i += 1
            case "ℝ": out.append(.command("reals")); i += 1
            case "°", "\u{2032}": i += 1
            case "²", "³":
                out.append(.op("^")); out.append(.number(c == "²" ? "2" : "3", exponent: 0, repeating: "")); i += 1
            default:
                if MathLexer.isLetter(c) {
                    word()
                } else if c.properties.isAlphabetic {
                    out.append(.letter(String(c))); i += 1
                } else {
                    return false
                }
            }
        }
        return true
    }

    /// After `^`: a degree mark or an ordinal suffix is dropped with it; otherwise `^` is emitted.
    mutating func skipDegreeOrOrdinal() {
        let save = i
        var braced = false
        while peek() == " " { i += 1 }
        if peek() == "{" { braced = true; i += 1; while peek() == " " { i += 1 } }
        if peek() == "\\" {
            let name = readName(at: i + 1)
            if name == "circ" || name == "degree" {
                i += 1 + name.count
                if braced { while peek() == " " { i += 1 }; if peek() == "}" { i += 1 } }
                return
            }
            if MathLexer.textCommands.contains(name) {
                var j = i + 1 + name.count
                if j < s.count, s[j] == "{", let close = matching(j) {
                    let inner = String(String.UnicodeScalarView(s[(j + 1)..<close])).trimmingWhitespace().lowercased()
                    if ["st", "nd", "rd", "th", "o", "circ"].contains(inner) {
                        j = close + 1
                        i = j
                        if braced { while peek() == " " { i += 1 }; if peek() == "}" { i += 1 } }
                        return
                    }
                }
            }
        }
        if !braced, let c = peek(), c == "o" , !MathLexer.isLetter(peek(1)) { i += 1; return }   // 90^o
        i = save
        out.append(.op("^"))
    }

    func readName(at j: Int) -> String {
        var k = j
        var name = ""
        while k < s.count, MathLexer.isLetter(s[k]) { name.unicodeScalars.append(s[k]); k += 1 }
        return name
    }

    /// Index of the `}` closing the `{` at j.
    func matching(_ j: Int) -> Int? {
        var depth = 0
        var k = j
        while k < s.count {
            switch s[k] {
            case "\\": k += 1
            case "{": depth += 1
            case "}": depth -= 1; if depth == 0 { return k }
            default: break
            }
            k += 1
        }
        return nil
    }

    /// A thousands separator followed by exactly three digits (and no fourth) at j: its length, else nil.
    func thousandsGroup(at j: Int) -> Int? {
        var k = j
        let seps: [[Unicode.Scalar]] = [["{", ",", "}"], [",", "\\", "!"], [",", "\\", ","], ["\\", ","], [","], [" "], ["\\", " "], ["\u{202F}"], ["\u{2009}"]]
        for sep in seps where k + sep.count <= s.count && Array(s[k..<(k + sep.count)]) == sep {
            k += sep.count
            var extra = 0
            if sep.count > 1 { while k < s.count, s[k] == " " { k += 1; extra += 1 } }
            if sep == [","], (k < s.count && s[k] == " ") || depth > 0 { return nil }   // "1, 234" and (100,101) are lists
            guard k + 3 <= s.count, (0..<3).allSatisfy({ MathLexer.isDigit(s[k + $0]) }), !MathLexer.isDigit(peekAt(k + 3)) else { return nil }
            return sep.count + extra
        }
        return nil
    }

    func peekAt(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }

    mutating func number() {
        var digits = ""
        var intDigits = 0
        while MathLexer.isDigit(peek()) { digits.unicodeScalars.append(s[i]); i += 1; intDigits += 1 }
        if intDigits >= 1 && intDigits <= 3 {
            // Thousands groups only when every group fits: 1,000,000 or 1 000; a failed group ends the number.
            var j = i
            var groups: [String] = []
            while let sep = thousandsGroup(at: j) {
                j += sep
                groups.append(String(String.UnicodeScalarView(s[j..<(j + 3)])))
                j += 3
            }
            if !groups.isEmpty { digits += groups.joined(); i = j }
        }
        if peek() == ".", MathLexer.isDigit(peek(1)) || (peek(1) == "\\" && readName(at: i + 2) == "overline") {
            digits += "."
            i += 1
            while MathLexer.isDigit(peek()) { digits.unicodeScalars.append(s[i]); i += 1 }
        }
        var repeating = ""
        if peek() == "\\", readName(at: i + 1) == "overline", digits.contains(".") {
            let j = i + 1 + "overline".count
            if j < s.count, s[j] == "{", let close = matching(j) {
                let inner = String(String.UnicodeScalarView(s[(j + 1)..<close])).filter { $0 != " " }
                if !inner.isEmpty, inner.allSatisfy({ $0.isASCII && $0.isNumber }) { repeating = inner; i = close + 1 }
            } else if MathLexer.isDigit(peekAt(j)) {
                repeating = String(s[j]); i = j + 1
            }
        }
        var exponent = 0
        if let e = peek(), e == "e" || e == "E" {
            var j = i + 1
            var sign = 1
            if let sc = peekAt(j), sc == "-" || sc == "+" || sc == "−" { sign = sc == "+" ? 1 : -1; j += 1 }
            if MathLexer.isDigit(peekAt(j)) && !MathLexer.isLetter(peekAt(j + 1)) {
                var k = j
                var ds = ""
                while MathLexer.isDigit(peekAt(k)) { ds.unicodeScalars.append(s[k]); k += 1 }
                if let v = Int(ds), v <= 100_000 { exponent = sign * v; i = k }
            }
        }
        out.append(.number(digits, exponent: exponent, repeating: repeating))
        // Ordinal suffixes written plainly: 3rd, 21st.
        let suffix = readName(at: i)
        if ["st", "nd", "rd", "th"].contains(suffix) { i += 2 }
    }

    mutating func word() {
        let name = readName(at: i)
        i += name.count
        out.append(name.count == 1 ? .letter(name) : .word(name))
    }

    mutating func command() -> Bool {
        guard let n = peek(1) else { i += 1; return true }
        if n == "\\", MathLexer.isLetter(peek(2)), MathLexer.knownCommand(readName(at: i + 2)) {
            i += 1   // `\\left(` written with a doubled backslash (escaped twice): the command
            return command()
        }
        if !MathLexer.isLetter(n) {
            i += 2
            switch n {
            case "{": out.append(.open("\\{")); depth += 1
            case "}": out.append(.close("\\}")); depth -= 1
            case "\\": out.append(.rowBreak)
            case "|": out.append(.op("|"))
            case ",", "!", ";", ":", " ", ">", "(", ")", "[", "]", "$", "%", "&", "#", "\n", "\t": break
            default: return false
            }
            return true
        }
        var name = readName(at: i + 1)
        // \quadx: a spacing command run into the next letters.
        for sp in ["qquad", "quad"] where name.hasPrefix(sp) && name.count > sp.count && !MathLexer.knownCommand(name) {
            name = sp
        }
        i += 1 + name.count
        if MathLexer.skipCommands.contains(name) {
            if name == "left" || name == "right", peek() == "." { i += 1 }   // \left. … \right|
            return true
        }
        if MathLexer.textCommands.contains(name) { return textArgument(name) }
        if let r = MathLexer.relations[name] { out.append(.rel(r)); return true }
        switch name {
        case "cdot", "times", "ast", "star": out.append(.op("*"))
        case "div": out.append(.op("/"))
        case "quad", "qquad": out.append(.separator)
        case "pmod":
            // a \equiv 2 \pmod{11}: the modulus qualifies the relation and is not part of the value.
            while peek() == " " { i += 1 }
            if peek() == "{", let close = matching(i) { i = close + 1 }
        case "lbrace": out.append(.open("\\{"))
        case "rbrace": out.append(.close("\\}"))
        case "langle": out.append(.open("("))
        case "rangle": out.append(.close(")"))
        case "lfloor", "lceil": out.append(.open(name))
        case "rfloor", "rceil": out.append(.close(name))
        case "lvert", "rvert", "vert", "mid": out.append(.op("|"))
        case "dfrac", "tfrac", "cfrac": out.append(.command("frac"))
        case "dbinom", "tbinom": out.append(.command("binom"))
        case "R", "Reals", "reals": out.append(.command("reals"))
        case "varnothing": out.append(.command("emptyset"))
        case "mathbb", "mathbbm", "Bbb":
            var j = i
            while peekAt(j) == " " { j += 1 }
            var letter = ""
            if peekAt(j) == "{", let close = matching(j) {
                letter = String(String.UnicodeScalarView(s[(j + 1)..<close])).trimmingWhitespace(); i = close + 1
            } else if MathLexer.isLetter(peekAt(j)) { letter = String(s[j]); i = j + 1 }
            guard letter == "R" else { return false }
            out.append(.command("reals"))
        case "operatorname":
            guard peek() == "{", let close = matching(i) else { return false }
            out.append(.word(String(String.UnicodeScalarView(s[(i + 1)..<close])).trimmingWhitespace()))
            i = close + 1
        case "begin", "end":
            guard peek() == "{", let close = matching(i) else { return false }
            let env = String(String.UnicodeScalarView(s[(i + 1)..<close])).trimmingWhitespace()
            i = close + 1
            if name == "begin", env == "array" || env == "tabular", peek() == "{", let c2 = matching(i) { i = c2 + 1 }
            out.append(name == "begin" ? .begin(env) : .end(env))
        default:
            if MathLexer.greek.contains(name) { out.append(.letter(name)) } else { out.append(.command(name)) }
        }
        return true
    }

    /// `\text{…}`-like: words become a text token; math inside (digits, operators) is lexed in place.
    mutating func textArgument(_ name: String) -> Bool {
        while peek() == " " { i += 1 }
        var inner: [Unicode.Scalar]
        if peek() == "{" {
            guard let close = matching(i) else { return false }
            inner = Array(s[(i + 1)..<close])
            i = close + 1
        } else if let c = peek() {
            inner = [c]; i += 1
        } else { return true }
        let text = String(String.UnicodeScalarView(inner)).trimmingWhitespace()
        if text.isEmpty { return true }
        let wordy = text.unicodeScalars.allSatisfy { MathLexer.isLetter($0) || $0 == " " || $0 == "-" || $0 == "'" || $0 == "." }
        if wordy && !(text.count == 1 && (name.hasPrefix("math"))) {
            out.append(.text(text))
            return true
        }
        guard var sub = Optional(MathLexer(s: inner)), sub.run() else { return false }
        out += sub.out
        return true
    }
}
