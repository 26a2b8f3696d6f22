/// The string form answers fall back to when they do not parse (SPEC §7: a parse failure is compared as
/// normalized text, never as "equal"): presentation removed (math delimiters, spacing commands,
/// `\left`/`\right`, `\text` wrappers, a final period), `\dfrac` as `\frac`, white space and case ignored.
public enum AnswerText {
    /// Commands dropped (with their backslash) and the two spelled differently.
    static let droppedCommands: Set<String> = ["left", "right", "displaystyle", "text", "mathrm", "textbf", "mbox"]
    static let renamed: [String: String] = ["dfrac": "frac", "tfrac": "frac"]

    /// One pass over the bytes (this runs for every verdict).
    public static func normalized(_ s: String) -> String {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            let c = u[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "$"), UInt8(ascii: "~"): i += 1
            case UInt8(ascii: "\\"):
                guard i + 1 < u.count else { i += 1; continue }
                let n = u[i + 1]
                if "!,;: ()[]".utf8.contains(n) { i += 2; continue }
                var j = i + 1
                while j < u.count, (u[j] | 0x20) >= 0x61 && (u[j] | 0x20) <= 0x7A { j += 1 }
                if j == i + 1 {   // \{ \} \\ \%: kept as written
                    out.append(c); out.append(n); i += 2; continue
                }
                let name = String(decoding: u[(i + 1)..<j], as: UTF8.self)
                i = j
                if droppedCommands.contains(name) { continue }
                out.append(c)
                out += Array((renamed[name] ?? name).utf8)
            case 0x41...0x5A: out.append(c | 0x20); i += 1
            default: out.append(c); i += 1
            }
        }
        while out.last == UInt8(ascii: ".") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
