import CJansson

/// Compact JSON text from a jansson value. Written here rather than with json_dumpb because jansson prints
/// reals with 17 significant digits (0.1 becomes 0.10000000000000001); Swift's shortest round-trip form
/// keeps numbers as a reader typed them.
public enum JSONSerializer {
    public static func write(_ v: UnsafeMutablePointer<json_t>, into out: inout [UInt8]) {
        switch v.pointee.type {
        case JSON_OBJECT:
            out.append(UInt8(ascii: "{"))
            var first = true
            var it = json_object_iter(v)
            while let i = it {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                let k = json_object_iter_key(i)!
                writeString(UnsafeRawBufferPointer(start: k, count: json_object_iter_key_len(i)), into: &out)
                out.append(UInt8(ascii: ":"))
                write(json_object_iter_value(i)!, into: &out)
                it = json_object_iter_next(v, i)
            }
            out.append(UInt8(ascii: "}"))
        case JSON_ARRAY:
            out.append(UInt8(ascii: "["))
            for idx in 0..<json_array_size(v) {
                if idx > 0 { out.append(UInt8(ascii: ",")) }
                write(json_array_get(v, idx)!, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case JSON_STRING:
            writeString(UnsafeRawBufferPointer(start: json_string_value(v), count: json_string_length(v)), into: &out)
        case JSON_INTEGER:
            out.append(contentsOf: String(json_integer_value(v)).utf8)
        case JSON_REAL:
            let d = json_real_value(v)
            // Integral reals keep a fractional part so they stay reals when read back.
            out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case JSON_TRUE: out.append(contentsOf: "true".utf8)
        case JSON_FALSE: out.append(contentsOf: "false".utf8)
        default: out.append(contentsOf: "null".utf8)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public static func writeString(_ b: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        let n = b.count
        var i = 0
        while i < n {
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
}
