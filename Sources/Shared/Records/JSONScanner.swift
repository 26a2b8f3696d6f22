/// A JSON syntax error at a 0-based byte offset of the scanned text.
public struct JSONSyntaxError: Error {
    public let message: String
    public let offset: Int
}

/// One member of an object, as byte offsets into the scanned text. The key span includes its quotes.
public struct JSONMember {
    public var keyStart: Int
    public var keyEnd: Int
    public var valueStart: Int
    public var valueEnd: Int
    /// The key holds a backslash escape, so its raw bytes are not its text.
    public var keyEscaped: Bool
}

/// A validating JSON scanner over raw bytes (RFC 8259 plus strict UTF-8: no overlong forms, no surrogates
/// encoded directly or as lone `\u` escapes). It builds no tree: callers get byte spans and decode only the
/// values they read, which is what lets a record pass through a tool at several hundred MB/s (jansson
/// builds a full tree at ~85 MB/s). Plain runs of string bytes are skipped eight at a time.
public struct JSONScanner {
    let p: UnsafeRawPointer
    let n: Int
    public var i: Int
    static let maxDepth = 512

    public init(_ p: UnsafeRawPointer, count: Int, at i: Int = 0) {
        self.p = p
        self.n = count
        self.i = i
    }

    @inline(__always) func byte(_ k: Int) -> UInt8 { p.load(fromByteOffset: k, as: UInt8.self) }

    func fail(_ m: String, at k: Int? = nil) -> JSONSyntaxError { JSONSyntaxError(message: m, offset: k ?? i) }

    func unexpected() -> JSONSyntaxError {
        if i >= n { return fail("unexpected end of line (truncated JSON)") }
        let c = byte(i)
        if c >= 0x20 && c < 0x7F { return fail("unexpected '\(Character(Unicode.Scalar(c)))'") }
        return fail("unexpected byte 0x\(String(c, radix: 16, uppercase: true))")
    }

    @inline(__always) public mutating func skipSpace() {
        while i < n {
            let c = byte(i)
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// Validates one value starting at `i` (no leading space) and leaves `i` just past it.
    public mutating func value(depth: Int = 0) throws(JSONSyntaxError) {
        guard i < n else { throw unexpected() }
        switch byte(i) {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"): try object(depth: depth + 1) { _ in }
        case UInt8(ascii: "["): try array(depth: depth + 1) { _, _ in }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw unexpected()
        }
    }

    /// Validates an object at `i`, calling `member` for each member in order.
    public mutating func object(depth: Int = 1, _ member: (JSONMember) -> Void) throws(JSONSyntaxError) {
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        i += 1
        skipSpace()
        if i < n && byte(i) == UInt8(ascii: "}") { i += 1; return }
        while true {
            guard i < n, byte(i) == UInt8(ascii: "\"") else { throw i < n ? fail("expected a string key") : unexpected() }
            let ks = i
            let escaped = try string()
            let ke = i
            skipSpace()
            guard i < n, byte(i) == UInt8(ascii: ":") else { throw i < n ? fail("expected ':' after a key") : unexpected() }
            i += 1
            skipSpace()
            let vs = i
            try value(depth: depth)
            member(JSONMember(keyStart: ks, keyEnd: ke, valueStart: vs, valueEnd: i, keyEscaped: escaped))
            skipSpace()
            guard i < n else { throw unexpected() }
            let c = byte(i)
            i += 1
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else { i -= 1; throw fail("expected ',' or '}' in an object") }
            skipSpace()
        }
    }

    /// Validates an array at `i`, calling `element` with each element's span.
    public mutating func array(depth: Int = 1, _ element: (Int, Int) -> Void) throws(JSONSyntaxError) {
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        i += 1
        skipSpace()
        if i < n && byte(i) == UInt8(ascii: "]") { i += 1; return }
        while true {
            let s = i
            try value(depth: depth)
            element(s, i)
            skipSpace()
            guard i < n else { throw unexpected() }
            let c = byte(i)
            i += 1
            if c == UInt8(ascii: "]") { return }
            guard c == UInt8(ascii: ",") else { i -= 1; throw fail("expected ',' or ']' in an array") }
            skipSpace()
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let w = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount {
            guard i + k < n, byte(i + k) == w[k] else { i += k; throw unexpected() }
        }
        i += word.utf8CodeUnitCount
    }

    mutating func number() throws(JSONSyntaxError) {
        if byte(i) == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(byte(i)) else { throw fail("a number needs digits") }
        if byte(i) == UInt8(ascii: "0") {
            i += 1
            if i < n && isDigit(byte(i)) { throw fail("numbers may not have leading zeros") }
        } else {
            while i < n && isDigit(byte(i)) { i += 1 }
        }
        if i < n && byte(i) == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(byte(i)) else { throw fail("a fraction needs digits after '.'") }
            while i < n && isDigit(byte(i)) { i += 1 }
        }
        if i < n && (byte(i) | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < n && (byte(i) == UInt8(ascii: "+") || byte(i) == UInt8(ascii: "-")) { i += 1 }
            guard i < n, isDigit(byte(i)) else { throw fail("an exponent needs digits") }
            while i < n && isDigit(byte(i)) { i += 1 }
        }
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Validates a string at `i` (on its opening quote); returns whether it holds escapes.
    mutating func string() throws(JSONSyntaxError) -> Bool {
        i += 1
        var escaped = false
        while true {
            // Eight bytes at a time while none is a quote, backslash, control byte or non-ASCII.
            while i + 8 <= n {
                let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if Self.hasSpecialByte(w) { break }
                i += 8
            }
            guard i < n else { throw fail("unterminated string (truncated JSON)") }
            let c = byte(i)
            if c == UInt8(ascii: "\"") { i += 1; return escaped }
            if c == UInt8(ascii: "\\") {
                escaped = true
                try escape()
            } else if c < 0x20 {
                throw fail("raw control character 0x\(String(c, radix: 16, uppercase: true)) in a string (must be escaped)")
            } else if c < 0x80 {
                i += 1
            } else {
                try utf8Sequence()
            }
        }
    }

    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `w` is '"', '\', below 0x20 or at least 0x80.
    @inline(__always) static func hasSpecialByte(_ w: UInt64) -> Bool {
        let quote = w ^ (ones &* 0x22)
        let slash = w ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroSlash = (slash &- ones) & ~slash
        let control = w &- (ones &* 0x20)   // high bit set where a byte < 0x20 (for ASCII bytes)
        return ((zeroQuote | zeroSlash | control | w) & highs) != 0
    }

    mutating func escape() throws(JSONSyntaxError) {
        guard i + 1 < n else { i += 1; throw fail("unterminated string (truncated JSON)") }
        let e = byte(i + 1)
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            let u = try hex4(at: i + 2)
            if u >= 0xD800 && u < 0xDC00 {
                guard i + 7 < n, byte(i + 6) == UInt8(ascii: "\\"), byte(i + 7) == UInt8(ascii: "u"),
                      case let lo = try hex4(at: i + 8), lo >= 0xDC00 && lo < 0xE000
                else { throw fail("lone high surrogate \\u\(String(u, radix: 16)) (invalid Unicode)") }
                i += 12
            } else if u >= 0xDC00 && u < 0xE000 {
                throw fail("lone low surrogate \\u\(String(u, radix: 16)) (invalid Unicode)")
            } else {
                i += 6
            }
        default:
            i += 1
            throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
        }
    }

    func hex4(at k: Int) throws(JSONSyntaxError) -> UInt32 {
        guard k + 4 <= n else { throw fail("truncated \\u escape", at: k) }
        var v: UInt32 = 0
        for j in 0..<4 {
            let c = byte(k + j)
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - 0x57
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - 0x37
            default: throw fail("invalid \\u escape (needs four hex digits)", at: k + j)
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// One multi-byte UTF-8 sequence at `i` (RFC 3629 table: no overlongs, no surrogates, at most U+10FFFF).
    mutating func utf8Sequence() throws(JSONSyntaxError) {
        let c = byte(i)
        var len = 0
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: throw invalidUTF8(c)
        }
        guard i + len <= n else { throw fail("truncated UTF-8 sequence") }
        let c1 = byte(i + 1)
        guard c1 >= lo && c1 <= hi else { throw invalidUTF8(c) }
        for k in 2..<max(2, len) where byte(i + k) & 0xC0 != 0x80 { throw invalidUTF8(c) }
        i += len
    }

    func invalidUTF8(_ c: UInt8) -> JSONSyntaxError {
        fail("invalid UTF-8 (sequence starting with byte 0x\(String(c, radix: 16, uppercase: true)))")
    }

    /// Validates a whole text holding exactly one JSON object (surrounding space allowed) and returns its
    /// top-level members and the object's span.
    public static func scanObject(_ b: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> (members: [JSONMember], start: Int, end: Int) {
        guard let base = b.baseAddress else { throw JSONSyntaxError(message: "empty line", offset: 0) }
        var s = JSONScanner(base, count: b.count)
        s.skipSpace()
        guard s.i < s.n else { throw s.fail("empty line") }
        let start = s.i
        guard s.byte(s.i) == UInt8(ascii: "{") else {
            try s.value()
            throw JSONSyntaxError(message: "not a JSON object (a record must be one object per line)", offset: start)
        }
        var members: [JSONMember] = []
        members.reserveCapacity(12)
        try s.object { members.append($0) }
        let end = s.i
        s.skipSpace()
        if s.i < s.n { throw s.fail("unexpected text after the object") }
        return (members, start, end)
    }

    /// Validates a whole text holding one JSON value and returns its span.
    public static func scanValue(_ b: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> (start: Int, end: Int) {
        guard let base = b.baseAddress else { throw JSONSyntaxError(message: "empty document", offset: 0) }
        var s = JSONScanner(base, count: b.count)
        s.skipSpace()
        let start = s.i
        try s.value()
        let end = s.i
        s.skipSpace()
        if s.i < s.n { throw s.fail("unexpected text after the JSON value") }
        return (start, end)
    }
}
