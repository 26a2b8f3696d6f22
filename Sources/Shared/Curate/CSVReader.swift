/// RFC 4180 CSV, streamed: quoted fields may hold commas, doubled quotes and newlines. The first row is the
/// header; each later row becomes a record whose fields are the header names, in order, as strings.
public final class CSVReader {
    private let source: ByteSource
    private var buf = [UInt8](repeating: 0, count: 1 << 16)
    private var pos = 0, end = 0, eof = false
    public private(set) var lineNumber = 1
    public private(set) var header: [String] = []
    public let name: String

    public init(_ source: ByteSource) throws {
        self.source = source
        name = source.name
        guard let h = try nextFields() else { throw InputError(name, line: 1, "empty CSV file (no header row)") }
        header = h.map { $0.hasPrefix("\u{FEFF}") ? String($0.dropFirst()) : $0 }
    }

    private func byte() throws -> UInt8? {
        if pos == end {
            if eof { return nil }
            end = try buf.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, capacity: $0.count) }
            pos = 0
            if end == 0 { eof = true; return nil }
        }
        pos += 1
        return buf[pos - 1]
    }

    private func peekByte() throws -> UInt8? {
        guard let b = try byte() else { return nil }
        pos -= 1
        return b
    }

    /// One row's fields, or nil at end of input. Returns the 1-based line the row started on via `rowLine`.
    public private(set) var rowLine = 1

    public func nextFields() throws -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var sawAny = false
        rowLine = lineNumber
        while true {
            guard let c = try byte() else {
                if inQuotes { throw InputError(name, line: rowLine, "unterminated quoted field at end of file") }
                if !sawAny { return nil }
                fields.append(String(decoding: field, as: UTF8.self))
                return fields
            }
            sawAny = true
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if try peekByte() == UInt8(ascii: "\"") { _ = try byte(); field.append(c) } else { inQuotes = false }
                } else {
                    if c == 0x0A { lineNumber += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inQuotes = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true)
            case 0x0D: break
            case 0x0A:
                lineNumber += 1
                if fields.isEmpty && field.isEmpty { rowLine = lineNumber; continue }  // blank line
                fields.append(String(decoding: field, as: UTF8.self))
                return fields
            default: field.append(c)
            }
        }
    }

    /// Next data row as a JSON object keyed by the header, or nil at end.
    public func next() throws -> Record? {
        guard let f = try nextFields() else { return nil }
        if f.count != header.count {
            throw InputError(name, line: rowLine, "row has \(f.count) fields, the header has \(header.count)")
        }
        return Record(zip(header, f).map { ($0, JSONValue.string($1)) }, source: name, line: rowLine)
    }
}
