import CJansson

/// One JSONL record: a jansson object plus, while nobody has changed it, the exact bytes of its input line.
/// An unchanged record is written back byte for byte (fields a tool does not own pass through untouched,
/// numbers keep their spelling); a changed one is serialized from the object, which keeps member order.
public final class Record {
    public let object: UnsafeMutablePointer<json_t>
    public private(set) var original: [UInt8]?
    /// Where the record came from, for messages: source name and 1-based line number.
    public let source: String
    public let line: Int

    /// Takes ownership of one reference to `object`.
    public init(object: UnsafeMutablePointer<json_t>, original: [UInt8]? = nil, source: String = "-", line: Int = 0) {
        self.object = object
        self.original = original
        self.source = source
        self.line = line
    }

    public convenience init(_ members: [(String, JSONValue)], source: String = "-", line: Int = 0) {
        self.init(object: JSONValue.object(members).make(), source: source, line: line)
    }

    deinit { json_decref(object) }

    public var root: JSONRef { JSONRef(object, owner: self) }
    public subscript(key: String) -> JSONRef? { root[key] }
    public func string(_ key: String) -> String? { root[key]?.string }
    public func has(_ key: String) -> Bool { json_object_get(object, key) != nil }
    public var keys: [String] { root.members.map(\.key) }

    /// Sets a field: an existing key keeps its position, a new one goes last.
    public func set(_ key: String, _ value: JSONValue) {
        original = nil
        json_object_set_new_nocheck(object, key, value.make())
    }

    public func remove(_ key: String) {
        if json_object_del(object, key) == 0 { original = nil }
    }

    /// Appends to the array field `key`, creating it when absent.
    public func append(_ key: String, _ value: JSONValue) {
        original = nil
        if let a = json_object_get(object, key), a.pointee.type == JSON_ARRAY {
            json_array_append_new(a, value.make())
        } else {
            json_object_set_new_nocheck(object, key, JSONValue.array([value]).make())
        }
    }

    /// Serialized form without the trailing newline.
    public func jsonBytes() -> [UInt8] {
        if let o = original { return o }
        var out: [UInt8] = []
        JSONSerializer.write(object, into: &out)
        return out
    }

    public var jsonString: String { String(decoding: jsonBytes(), as: UTF8.self) }
}
