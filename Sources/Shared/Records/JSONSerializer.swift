/// Compact JSON text from a `JSONValue`. Reals are printed in Swift's shortest round-trip form (0.1 stays
/// 0.1), and integral reals keep their ".0" so they stay reals when read back.
public enum JSONSerializer {
    public static func write(_ v: JSONValue, into out: inout [UInt8]) {
        switch v {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let s): writeString(s, into: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .ref(let r): out.append(contentsOf: r.raw)
        }
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { writeString(UnsafeRawBufferPointer($0), into: &out) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public static func writeString(_ b: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        let n = b.count
        var i = 0
        while i < n {
            // Runs of bytes that need no escaping are copied whole; eight are tested at once.
            while i + 8 <= n && !needsEscape(b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { i += 8 }
            guard i < n else { break }
            let c = b[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { i += 1; continue }
            if i > start { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[start..<i])) }
            switch c {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            default:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            }
            i += 1
            start = i
        }
        if n > start { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[start..<n])) }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any byte of `w` is '"', '\' or below 0x20 (UTF-8 bytes ≥ 0x80 pass through unescaped).
    @inline(__always) static func needsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22), slash = w ^ (ones &* 0x5C)
        let ascii = w & ~highs   // clear high bits so the control test sees 7-bit values only
        let control = ((ascii &- ones &* 0x20) & ~w) & highs
        return (((quote &- ones) & ~quote) | ((slash &- ones) & ~slash)) & highs != 0 || control != 0
    }
}
