import Foundation

/// Writes fp32 tensors as one safetensors file: an 8-byte header length, a JSON header (padded with
/// spaces to 8 bytes, as the reference writer does) and the data in header order.
public enum SafetensorsWriter {
    public static func write(_ tensors: [(name: String, shape: [Int], data: UnsafePointer<Float>)], to path: String) throws {
        var entries: [(String, JSONValue)] = [("__metadata__", .object([("format", .string("pt"))]))]
        var off = 0
        for t in tensors {
            let n = t.shape.reduce(1, *) * 4
            entries.append((t.name, .object([("dtype", .string("F32")), ("shape", .array(t.shape.map { .int($0) })),
                                             ("data_offsets", .array([.int(off), .int(off + n)]))])))
            off += n
        }
        var header = JSONValue.object(entries).bytes
        while header.count % 8 != 0 { header.append(0x20) }
        guard let out = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw IOFailure("\(path): cannot create") }
        defer { try? out.close() }
        var len = UInt64(header.count).littleEndian
        try out.write(contentsOf: Data(bytes: &len, count: 8))
        try out.write(contentsOf: Data(header))
        for t in tensors {
            try out.write(contentsOf: Data(bytes: t.data, count: t.shape.reduce(1, *) * 4))
        }
    }
}
