/// A GGUF (v2/v3) file: metadata, tensor directory and tensor data, read from a memory map. Every offset
/// and size is checked against the file before use, so a corrupt or truncated file is an error, not a crash.
public final class GGUFFile {
    public enum Value {
        case uint(UInt64)
        case int(Int64)
        case float(Double)
        case bool(Bool)
        case string(String)
        case array([Value])

        public var int: Int? {
            switch self {
            case .uint(let u): return u <= UInt64(Int.max) ? Int(u) : nil
            case .int(let i): return Int(i)
            default: return nil
            }
        }
        public var double: Double? {
            switch self {
            case .float(let f): return f
            case .uint, .int: return int.map(Double.init)
            default: return nil
            }
        }
        public var string: String? { if case .string(let s) = self { return s } else { return nil } }
        public var array: [Value]? { if case .array(let a) = self { return a } else { return nil } }
        public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    }

    public struct TensorInfo {
        public let name: String
        /// ggml order: dims[0] varies fastest (a weight [out, in] in PyTorch is dims [in, out] here).
        public let dims: [Int]
        public let type: GGMLType
        /// Absolute offset of the data in the file.
        public let offset: Int
        public let byteCount: Int
        public var elementCount: Int { dims.reduce(1, *) }
    }

    public let file: MappedFile
    public let version: UInt32
    public private(set) var metadata: [String: Value] = [:]
    public private(set) var tensors: [TensorInfo] = []
    private var byName: [String: Int] = [:]

    public var path: String { file.path }

    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        var r = Cursor(file: file)
        guard file.count >= 4, try r.u32() == 0x4655_4747 else { throw ModelFileError(file.path, "not a GGUF file (bad magic)") }
        version = try r.u32()
        guard version == 2 || version == 3 else { throw ModelFileError(file.path, "unsupported GGUF version \(version) (2 and 3 are read)") }
        let tensorCount = try r.count("tensor count")
        let kvCount = try r.count("metadata count")
        for _ in 0..<kvCount {
            let key = try r.string()
            metadata[key] = try r.value(type: r.u32(), depth: 0)
        }
        let alignment = metadata["general.alignment"]?.int ?? 32
        guard alignment > 0 && alignment & (alignment - 1) == 0 else { throw ModelFileError(file.path, "general.alignment \(alignment) is not a power of two") }
        var raw: [(String, [Int], UInt32, UInt64)] = []
        for _ in 0..<tensorCount {
            let name = try r.string()
            let nd = Int(try r.u32())
            guard nd >= 1 && nd <= 4 else { throw ModelFileError(file.path, "tensor \(name): \(nd) dimensions") }
            var dims: [Int] = []
            for _ in 0..<nd {
                let d = try r.u64()
                guard d > 0 && d < 1 << 40 else { throw ModelFileError(file.path, "tensor \(name): dimension \(d)") }
                dims.append(Int(d))
            }
            raw.append((name, dims, try r.u32(), try r.u64()))
        }
        let dataStart = (r.pos + alignment - 1) / alignment * alignment
        for (name, dims, t, off) in raw {
            guard let type = GGMLType(rawValue: t) else {
                throw ModelFileError(file.path, "tensor \(name) has unsupported type \(GGMLType.name(of: t)) (read: \(GGMLType.supportedNames))")
            }
            guard dims[0] % type.blockSize == 0 else { throw ModelFileError(file.path, "tensor \(name): row of \(dims[0]) is not whole \(type) blocks") }
            let (elements, overflow) = dims.reduce((1, false)) { acc, d in
                let (m, o) = acc.0.multipliedReportingOverflow(by: d)
                return (m, acc.1 || o)
            }
            guard !overflow else { throw ModelFileError(file.path, "tensor \(name): size overflows") }
            let (bytes, big) = type.rowBytes(dims[0]).multipliedReportingOverflow(by: elements / dims[0])
            guard !big, bytes <= file.count else { throw ModelFileError(file.path, "tensor \(name): \(dims) needs more bytes than the \(file.count)-byte file holds") }
            guard off < UInt64(file.count), Int(off) % alignment == 0 || version == 2 else {
                throw ModelFileError(file.path, "tensor \(name): offset \(off) is past the end or misaligned")
            }
            let abs = dataStart + Int(off)
            guard abs + bytes <= file.count else {
                throw ModelFileError(file.path, "tensor \(name): data ends at byte \(abs + bytes), past the end of the \(file.count)-byte file (truncated?)")
            }
            guard byName[name] == nil else { throw ModelFileError(file.path, "tensor \(name) appears twice in the tensor directory") }
            byName[name] = tensors.count
            tensors.append(TensorInfo(name: name, dims: dims, type: type, offset: abs, byteCount: bytes))
        }
        try checkOverlaps()
    }

    /// No two tensors may share bytes (a shifted or duplicated offset would alias weights silently).
    private func checkOverlaps() throws {
        var end = 0, previous = ""
        for t in tensors.sorted(by: { ($0.offset, $0.byteCount) < ($1.offset, $1.byteCount) }) {
            guard t.offset >= end else { throw ModelFileError(file.path, "tensor \(t.name) overlaps tensor \(previous) (data at \(t.offset), \(previous) ends at \(end))") }
            end = t.offset + t.byteCount
            previous = t.name
        }
    }

    public func tensor(_ name: String) -> TensorInfo? { byName[name].map { tensors[$0] } }

    public func data(_ t: TensorInfo) -> UnsafeRawPointer { file.base + t.offset }

    /// Reads little-endian fields with bounds checks.
    struct Cursor {
        static let maxArrayItems: UInt64 = 1 << 25
        let file: MappedFile
        var pos = 0
        /// Array items the whole metadata may still hold (a sparse file cannot make the reader allocate more).
        var itemsLeft = Cursor.maxArrayItems

        mutating func need(_ n: Int) throws {
            guard n >= 0, pos + n <= file.count else {
                throw ModelFileError(file.path, "truncated: needs \(n) bytes at offset \(pos), file has \(file.count)")
            }
        }
        mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
            try need(MemoryLayout<T>.size)
            defer { pos += MemoryLayout<T>.size }
            return T(littleEndian: file.base.loadUnaligned(fromByteOffset: pos, as: T.self))
        }
        mutating func u32() throws -> UInt32 { try load(UInt32.self) }
        mutating func u64() throws -> UInt64 { try load(UInt64.self) }
        mutating func count(_ what: String) throws -> Int {
            let n = try u64()
            // Each entry takes at least 8 bytes, which bounds any honest count by the file size.
            guard n <= UInt64(file.count / 8) else { throw ModelFileError(file.path, "\(what) \(n) is impossible for a \(file.count)-byte file") }
            return Int(n)
        }
        mutating func string() throws -> String {
            let n = try u64()
            guard n <= UInt64(file.count) else { throw ModelFileError(file.path, "string length \(n) at offset \(pos - 8) is past the end") }
            try need(Int(n))
            defer { pos += Int(n) }
            return String(decoding: UnsafeRawBufferPointer(start: file.base + pos, count: Int(n)), as: UTF8.self)
        }
        mutating func value(type: UInt32, depth: Int) throws -> Value {
            switch type {
            case 0: return .uint(UInt64(try load(UInt8.self)))
            case 1: return .int(Int64(try load(Int8.self)))
            case 2: return .uint(UInt64(try load(UInt16.self)))
            case 3: return .int(Int64(try load(Int16.self)))
            case 4: return .uint(UInt64(try load(UInt32.self)))
            case 5: return .int(Int64(try load(Int32.self)))
            case 6: return .float(Double(Float(bitPattern: try load(UInt32.self))))
            case 7: return .bool(try load(UInt8.self) != 0)
            case 8: return .string(try string())
            case 9:
                guard depth < 4 else { throw ModelFileError(file.path, "metadata arrays nested too deep") }
                let t = try u32()
                let n = try u64()
                // Each item takes at least its fixed width (a string at least its 8-byte length), so the
                // bytes left bound any honest count; and no metadata array here needs more than 2^25 items.
                let width: UInt64 = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 8: 8, 9: 12, 10: 8, 11: 8, 12: 8][t] ?? 1
                guard n <= UInt64(file.count - pos) / width, n <= itemsLeft else {
                    throw ModelFileError(file.path, "metadata array of \(n) items at offset \(pos - 12) is impossible (past the end, or over \(Self.maxArrayItems) metadata items in all)")
                }
                itemsLeft -= n
                var a: [Value] = []
                a.reserveCapacity(Int(n))
                for _ in 0..<n { a.append(try value(type: t, depth: depth + 1)) }
                return .array(a)
            case 10: return .uint(try u64())
            case 11: return .int(Int64(bitPattern: try u64()))
            case 12: return .float(Double(bitPattern: try u64()))
            default: throw ModelFileError(file.path, "unknown metadata value type \(type) at offset \(pos - 4)")
            }
        }
    }
}
