/// One JSONL record: its validated JSON text plus an index of its top-level members. Reading a field decodes
/// just that field; a record nobody changed is written back byte for byte (fields a tool does not own pass
/// through untouched, numbers keep their spelling). A change re-serializes the record once, keeping member
/// order and the other members' text.
public final class Record {
    public private(set) var buffer: JSONBuffer
    /// The object's span in `buffer` (a line may carry surrounding space, which passes through).
    private var objectStart: Int
    private var objectEnd: Int
    private var index: [JSONMember]?
    /// Where the record came from, for messages: source name and 1-based line number.
    public let source: String
    public let line: Int

    init(buffer: JSONBuffer, start: Int, end: Int, index: [JSONMember]?, source: String, line: Int) {
        self.buffer = buffer
        objectStart = start
        objectEnd = end
        self.index = index
        self.source = source
        self.line = line
    }

    /// Validates one line of JSON text as a record.
    public static func parse(_ bytes: UnsafeRawBufferPointer, source: String = "-", line: Int = 0) throws(JSONSyntaxError) -> Record {
        let (members, start, end) = try JSONScanner.scanObject(bytes)
        return Record(buffer: JSONBuffer(copying: bytes), start: start, end: end, index: members, source: source, line: line)
    }

    public convenience init(_ members: [(String, JSONValue)], source: String = "-", line: Int = 0) {
        let buf = JSONBuffer(JSONValue.object(members).bytes)
        self.init(buffer: buf, start: 0, end: buf.count, index: nil, source: source, line: line)
    }

    /// A record holding a copy of an object found inside another document, re-serialized without the
    /// whitespace (newlines included) the document may have had.
    public convenience init(copying object: JSONRef, source: String = "-", line: Int = 0) {
        precondition(object.isObject)
        let buf = JSONBuffer(JSONMinifier.minify(object.raw))
        self.init(buffer: buf, start: 0, end: buf.count, index: nil, source: source, line: line)
    }

    private var members: [JSONMember] {
        if let index { return index }
        var m: [JSONMember] = []
        var s = JSONScanner(UnsafeRawPointer(buffer.base), count: objectEnd, at: objectStart)
        try! s.object { m.append($0) }   // built from validated or self-serialized text
        index = m
        return m
    }

    private func find(_ key: String) -> JSONMember? {
        members.last { JSONRef.key(buffer, $0, equals: key) }
    }

    public var root: JSONRef { JSONRef(buffer, objectStart, objectEnd, index: members) }
    public subscript(key: String) -> JSONRef? { find(key).map { JSONRef(buffer, $0.valueStart, $0.valueEnd) } }
    public func string(_ key: String) -> String? { self[key]?.string }
    public func has(_ key: String) -> Bool { find(key) != nil }
    public var keys: [String] { members.map { JSONRef.keyText(buffer, $0) } }

    /// Sets a field: an existing key keeps its position, a new one goes last.
    public func set(_ key: String, _ value: JSONValue) {
        var m = root.members.map { ($0.key, JSONValue.ref($0.value)) }
        if let k = m.lastIndex(where: { $0.0 == key }) { m[k].1 = value } else { m.append((key, value)) }
        replace(with: m)
    }

    public func remove(_ key: String) {
        guard has(key) else { return }
        replace(with: root.members.filter { $0.key != key }.map { ($0.key, .ref($0.value)) })
    }

    /// Appends to the array field `key`, creating it when absent (or when it holds something else).
    public func append(_ key: String, _ value: JSONValue) {
        if let a = self[key], a.isArray {
            set(key, .array(a.elements.map { .ref($0) } + [value]))
        } else {
            set(key, .array([value]))
        }
    }

    private func replace(with m: [(String, JSONValue)]) {
        buffer = JSONBuffer(JSONValue.object(m).bytes)
        objectStart = 0
        objectEnd = buffer.count
        index = nil
    }

    /// The record's text without the trailing newline.
    public var raw: UnsafeRawBufferPointer { buffer.bytes }

    /// The input line as it was, when it differed from what was parsed (a CR before the newline, a byte-order
    /// mark): what a rejects file gets, byte for byte.
    public internal(set) var originalLine: [UInt8]?
    public func jsonBytes() -> [UInt8] { Array(buffer.bytes) }
    public var jsonString: String { String(decoding: buffer.bytes, as: UTF8.self) }
}

/// Drops the whitespace between tokens of valid JSON text (strings are copied as they are).
enum JSONMinifier {
    static func minify(_ b: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var inString = false, escaped = false
        for c in b {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
                out.append(c)
            } else if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 {
                out.append(c)
            }
        }
        return out
    }
}
