import Glibc

/// A view of one value inside validated JSON text: a span of a `JSONBuffer`, which it keeps alive.
/// Nothing is decoded until asked for; string escapes are undone only for strings that have them.
public struct JSONRef {
    public let buffer: JSONBuffer
    public let start: Int
    public let end: Int
    /// The members of an object, when already known (a record's top level), so lookups need not rescan.
    let index: [JSONMember]?

    public init(_ buffer: JSONBuffer, _ start: Int, _ end: Int, index: [JSONMember]? = nil) {
        self.buffer = buffer
        self.start = start
        self.end = end
        self.index = index
    }

    /// The value's JSON text exactly as it was written.
    public var raw: UnsafeRawBufferPointer { buffer.bytes(start, end) }
    var first: UInt8 { buffer.base.load(fromByteOffset: start, as: UInt8.self) }

    public var isNull: Bool { first == UInt8(ascii: "n") }
    public var isString: Bool { first == UInt8(ascii: "\"") }
    public var isObject: Bool { first == UInt8(ascii: "{") }
    public var isArray: Bool { first == UInt8(ascii: "[") }
    public var isBool: Bool { first == UInt8(ascii: "t") || first == UInt8(ascii: "f") }
    public var isNumber: Bool { first == UInt8(ascii: "-") || (first &- 0x30) < 10 }

    /// The UTF-8 bytes of a string value: the buffer itself when the string has no escapes, else a
    /// decoded copy that lives for the call.
    public func withStringBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard isString else { return nil }
        let inner = buffer.bytes(start + 1, end - 1)
        if inner.isEmpty || memchr(inner.baseAddress!, 0x5C, inner.count) == nil { return try body(inner) }
        let decoded = JSONStringDecoder.decode(inner)
        return try decoded.withUnsafeBytes(body)
    }

    public var string: String? { withStringBytes { String(decoding: $0, as: UTF8.self) } }

    /// The number's literal text, as written.
    public var numberLiteral: String? { isNumber ? String(decoding: raw, as: UTF8.self) : nil }
    var isIntegerLiteral: Bool { !raw.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") } }

    public var int: Int? {
        guard let lit = numberLiteral else { return nil }
        if isIntegerLiteral, let i = Int(lit) { return i }
        guard let d = Double(lit), d.rounded() == d, abs(d) < 9e15 else { return nil }
        return Int(d)
    }

    public var double: Double? { numberLiteral.flatMap { Double($0) } }

    public var bool: Bool? { isBool ? first == UInt8(ascii: "t") : nil }

    /// Scalars as text, the way a gold answer is read: strings as they are, integers as written (any size),
    /// integral reals without ".0" (AMC rows store 27.0 for 27), other reals in shortest round-trip form.
    /// Null, arrays, objects: nil.
    public var scalarText: String? {
        if isString { return string }
        if let b = bool { return b ? "true" : "false" }
        guard let lit = numberLiteral else { return nil }
        if isIntegerLiteral { return lit }
        guard let d = Double(lit) else { return lit }
        if d.rounded() == d && abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    func scanner(at k: Int) -> JSONScanner { JSONScanner(UnsafeRawPointer(buffer.base), count: end, at: k) }

    /// Calls `body` with each member's raw key span (inside the quotes) and value, in document order.
    func forEachMember(_ body: (JSONMember) -> Void) {
        guard isObject else { return }
        if let index { return index.forEach(body) }
        var s = scanner(at: start)
        try! s.object { body($0) }   // the text was validated when the buffer was made
    }

    /// The member named `key` (the last one, should a key repeat).
    public subscript(key: String) -> JSONRef? {
        var found: JSONRef?
        forEachMember { m in if JSONRef.key(buffer, m, equals: key) { found = JSONRef(buffer, m.valueStart, m.valueEnd) } }
        return found
    }

    static func key(_ buffer: JSONBuffer, _ m: JSONMember, equals key: String) -> Bool {
        let raw = buffer.bytes(m.keyStart + 1, m.keyEnd - 1)
        if m.keyEscaped { return keyText(buffer, m) == key }
        var key = key
        return key.withUTF8 { k in k.count == raw.count && (k.count == 0 || memcmp(k.baseAddress!, raw.baseAddress!, k.count) == 0) }
    }

    static func keyText(_ buffer: JSONBuffer, _ m: JSONMember) -> String {
        let raw = buffer.bytes(m.keyStart + 1, m.keyEnd - 1)
        if !m.keyEscaped { return String(decoding: raw, as: UTF8.self) }
        return String(decoding: JSONStringDecoder.decode(raw), as: UTF8.self)
    }

    public var count: Int {
        var c = 0
        if isArray {
            var s = scanner(at: start)
            try! s.array { _, _ in c += 1 }
        } else {
            forEachMember { _ in c += 1 }
        }
        return c
    }

    public var elements: [JSONRef] {
        guard isArray else { return [] }
        var out: [JSONRef] = []
        var s = scanner(at: start)
        try! s.array { a, b in out.append(JSONRef(buffer, a, b)) }
        return out
    }

    /// Object members in document order.
    public var members: [(key: String, value: JSONRef)] {
        var out: [(key: String, value: JSONRef)] = []
        forEachMember { m in out.append((JSONRef.keyText(buffer, m), JSONRef(buffer, m.valueStart, m.valueEnd))) }
        return out
    }

    /// Strings of a string or an array of strings (how s1K stores traces); other types give [].
    public var strings: [String] {
        if let s = string { return [s] }
        return elements.compactMap { $0.string }
    }
}

/// Undoes JSON string escapes. Input is validated string content (between the quotes), so every escape is
/// well formed and surrogate escapes come in pairs.
enum JSONStringDecoder {
    static func decode(_ b: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        let n = b.count
        while i < n {
            // Copy the run up to the next backslash whole.
            let rest = n - i
            let hit = memchr(b.baseAddress! + i, 0x5C, rest)
            let run = hit.map { UnsafeRawPointer($0) - (b.baseAddress! + i) } ?? rest
            if run > 0 { out.append(contentsOf: UnsafeRawBufferPointer(start: b.baseAddress! + i, count: run)) }
            i += run
            guard i < n else { break }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var u = hex4(b, i)
                i += 4
                if u >= 0xD800 && u < 0xDC00 {
                    let lo = hex4(b, i + 2)
                    i += 6
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                }
                appendUTF8(u, &out)
            default: out.append(e)   // \" \\ \/
            }
        }
        return out
    }

    static func hex4(_ b: UnsafeRawBufferPointer, _ k: Int) -> UInt32 {
        var v: UInt32 = 0
        for j in 0..<4 {
            let c = b[k + j]
            v = v << 4 | UInt32(c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57)
        }
        return v
    }

    static func appendUTF8(_ u: UInt32, _ out: inout [UInt8]) {
        switch u {
        case ..<0x80: out.append(UInt8(u))
        case ..<0x800: out += [UInt8(0xC0 | u >> 6), UInt8(0x80 | u & 0x3F)]
        case ..<0x10000: out += [UInt8(0xE0 | u >> 12), UInt8(0x80 | (u >> 6) & 0x3F), UInt8(0x80 | u & 0x3F)]
        default: out += [UInt8(0xF0 | u >> 18), UInt8(0x80 | (u >> 12) & 0x3F), UInt8(0x80 | (u >> 6) & 0x3F), UInt8(0x80 | u & 0x3F)]
        }
    }
}

/// A JSON value built in Swift. Objects keep member order; `.ref` is a value read from input, written back
/// as its original text.
public indirect enum JSONValue {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])
    case ref(JSONRef)

    /// Compact JSON text.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        JSONSerializer.write(self, into: &out)
        return out
    }
}
