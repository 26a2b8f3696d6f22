import CJansson

/// A view of a jansson value inside a record. It holds the record (`owner`) so the value cannot be freed
/// while the view is in use: Swift may end a record's lifetime at its last use, before a view taken from
/// it is read.
public struct JSONRef {
    public let ptr: UnsafeMutablePointer<json_t>
    let owner: AnyObject?

    public init(_ ptr: UnsafeMutablePointer<json_t>, owner: AnyObject? = nil) {
        self.ptr = ptr
        self.owner = owner
    }

    private func child(_ p: UnsafeMutablePointer<json_t>) -> JSONRef { JSONRef(p, owner: owner) }

    public var type: json_type { ptr.pointee.type }
    public var isNull: Bool { type == JSON_NULL }
    public var isString: Bool { type == JSON_STRING }
    public var isObject: Bool { type == JSON_OBJECT }
    public var isArray: Bool { type == JSON_ARRAY }
    public var isNumber: Bool { type == JSON_INTEGER || type == JSON_REAL }

    public var string: String? {
        guard type == JSON_STRING, let c = json_string_value(ptr) else { return nil }
        let n = json_string_length(ptr)
        return c.withMemoryRebound(to: UInt8.self, capacity: n) {
            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
        }
    }

    /// The raw UTF-8 bytes of a string value, without copying.
    public func withStringBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard type == JSON_STRING, let c = json_string_value(ptr) else { return nil }
        return try body(UnsafeRawBufferPointer(start: c, count: json_string_length(ptr)))
    }

    public var int: Int? {
        switch type {
        case JSON_INTEGER: return Int(json_integer_value(ptr))
        case JSON_REAL:
            let d = json_real_value(ptr)
            return d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil
        default: return nil
        }
    }

    public var double: Double? {
        switch type {
        case JSON_INTEGER: return Double(json_integer_value(ptr))
        case JSON_REAL: return json_real_value(ptr)
        default: return nil
        }
    }

    public var bool: Bool? {
        switch type {
        case JSON_TRUE: return true
        case JSON_FALSE: return false
        default: return nil
        }
    }

    /// Scalars as text, the way a gold answer is read: strings as they are, integral numbers without ".0"
    /// (AMC rows store 27.0 for 27), other numbers in shortest round-trip form. Null, arrays, objects: nil.
    public var scalarText: String? {
        switch type {
        case JSON_STRING: return string
        case JSON_INTEGER: return String(json_integer_value(ptr))
        case JSON_REAL:
            let d = json_real_value(ptr)
            if d.rounded() == d && abs(d) < 1e15 { return String(Int64(d)) }
            return "\(d)"
        case JSON_TRUE: return "true"
        case JSON_FALSE: return "false"
        default: return nil
        }
    }

    public subscript(key: String) -> JSONRef? {
        guard type == JSON_OBJECT, let v = json_object_get(ptr, key) else { return nil }
        return child(v)
    }

    public var count: Int {
        switch type {
        case JSON_ARRAY: return json_array_size(ptr)
        case JSON_OBJECT: return json_object_size(ptr)
        default: return 0
        }
    }

    public var elements: [JSONRef] {
        guard type == JSON_ARRAY else { return [] }
        return (0..<json_array_size(ptr)).compactMap { json_array_get(ptr, $0).map(child) }
    }

    /// Object members in document order.
    public var members: [(key: String, value: JSONRef)] {
        guard type == JSON_OBJECT else { return [] }
        var out: [(String, JSONRef)] = []
        out.reserveCapacity(json_object_size(ptr))
        var it = json_object_iter(ptr)
        while let i = it {
            let k = json_object_iter_key(i)!
            let kl = json_object_iter_key_len(i)
            let key = k.withMemoryRebound(to: UInt8.self, capacity: kl) {
                String(decoding: UnsafeBufferPointer(start: $0, count: kl), as: UTF8.self)
            }
            out.append((key, child(json_object_iter_value(i)!)))
            it = json_object_iter_next(ptr, i)
        }
        return out
    }

    /// Strings of a string or an array of strings (how s1K stores traces); other types give [].
    public var strings: [String] {
        if let s = string { return [s] }
        return elements.compactMap { $0.string }
    }

    /// A new owned reference to this value (for moving it into another container).
    public func retained() -> UnsafeMutablePointer<json_t> { json_incref(ptr)! }
}

/// A JSON value built in Swift, turned into jansson only when stored. Objects keep member order.
public indirect enum JSONValue {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])
    case ref(JSONRef)

    /// A new jansson value holding one reference, owned by the caller.
    public func make() -> UnsafeMutablePointer<json_t> {
        switch self {
        case .string(let s):
            var s = s
            return s.withUTF8 { b in
                b.withMemoryRebound(to: CChar.self) { p -> UnsafeMutablePointer<json_t> in
                    if let base = p.baseAddress { return json_stringn_nocheck(base, b.count)! }
                    return json_string_nocheck("")!
                }
            }
        case .int(let i): return json_integer(json_int_t(i))!
        case .double(let d): return json_real(d)!
        case .bool(let b): return b ? json_true()! : json_false()!
        case .null: return json_null()!
        case .array(let items):
            let a = json_array()!
            for v in items { json_array_append_new(a, v.make()) }
            return a
        case .object(let members):
            let o = json_object()!
            for (k, v) in members { json_object_set_new_nocheck(o, k, v.make()) }
            return o
        case .ref(let r): return r.retained()
        }
    }
}
