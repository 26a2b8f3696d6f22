import Foundation

/// safetensors files (an 8-byte little-endian header length, a JSON header of name → dtype, shape,
/// data_offsets, then the data), single or sharded with model.safetensors.index.json. Memory-mapped.
public final class SafetensorsReader {
    public enum DType: String { case F32, F16, BF16 }

    public struct Tensor {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        public let data: UnsafeRawPointer
        public let byteCount: Int
        public var elementCount: Int { shape.reduce(1, *) }
        let file: MappedFile   // keeps the map alive

        /// The values as Float32.
        public func floats() -> [Float] {
            [Float](unsafeUninitializedCapacity: elementCount) { buf, n in
                let t: GGMLType = dtype == .F32 ? .f32 : dtype == .F16 ? .f16 : .bf16
                Dequantize.row(t, data, buf.baseAddress!, elementCount)
                n = elementCount
            }
        }
    }

    public private(set) var tensors: [String: Tensor] = [:]
    /// Names in file order, for deterministic iteration.
    public private(set) var names: [String] = []

    /// `path`: a .safetensors file, or a directory with model.safetensors or an index of shards.
    public init(path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ModelFileError(path, "no such file") }
        if !isDir.boolValue { try add(file: path); return }
        let single = path + "/model.safetensors", index = path + "/model.safetensors.index.json"
        if FileManager.default.fileExists(atPath: single) { try add(file: single); return }
        guard let data = FileManager.default.contents(atPath: index) else {
            throw ModelFileError(path, "no model.safetensors or model.safetensors.index.json")
        }
        let root = try data.withUnsafeBytes { try parseJSONDocument($0, path: index, what: "the shard index") }
        guard let map = root["weight_map"], map.isObject else { throw ModelFileError(index, "no weight_map") }
        var shards: [String] = []
        for (name, file) in map.members {
            guard let f = file.string else { throw ModelFileError(index, "weight_map[\(name)] is not a file name") }
            // Shards stay inside the model directory.
            guard !f.isEmpty, !f.contains("/"), f != ".", f != ".." else { throw ModelFileError(index, "weight_map[\(name)] names \"\(f)\", outside the model directory") }
            if !shards.contains(f) { shards.append(f) }
        }
        for s in shards.sorted() { try add(file: path + "/" + s) }
        for (name, _) in map.members where tensors[name] == nil {
            throw ModelFileError(index, "tensor \(name) is listed but not in its shard")
        }
    }

    private func add(file path: String) throws {
        let f = try MappedFile(path: path)
        guard f.count >= 8 else { throw ModelFileError(path, "truncated: no header length") }
        let n = Int(UInt64(littleEndian: f.base.loadUnaligned(as: UInt64.self)))
        guard n > 1, n <= f.count - 8 else { throw ModelFileError(path, "header length \(n) is past the end of the \(f.count)-byte file") }
        let header = try parseJSONDocument(UnsafeRawBufferPointer(start: f.base + 8, count: n), path: path, what: "the header")
        let dataStart = 8 + n
        for (name, info) in header.root.members where name != "__metadata__" {
            guard let ds = info["dtype"]?.string else { throw ModelFileError(path, "tensor \(name): no dtype") }
            guard let dtype = DType(rawValue: ds) else { throw ModelFileError(path, "tensor \(name): unsupported dtype \(ds) (F32, F16, BF16)") }
            let shape = info["shape"]?.elements.compactMap(\.int) ?? []
            let offs = info["data_offsets"]?.elements.compactMap(\.int) ?? []
            guard offs.count == 2, offs[0] >= 0, offs[0] <= offs[1] else { throw ModelFileError(path, "tensor \(name): bad data_offsets") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw ModelFileError(path, "tensor \(name): bad shape") }
            let width = dtype == .F32 ? 4 : 2
            let want = shape.reduce(1, *) * width
            guard offs[1] - offs[0] == want else {
                throw ModelFileError(path, "tensor \(name): \(offs[1] - offs[0]) bytes for shape \(shape) of \(ds) (needs \(want))")
            }
            guard dataStart + offs[1] <= f.count else {
                throw ModelFileError(path, "tensor \(name): data ends at byte \(dataStart + offs[1]), past the end of the \(f.count)-byte file (truncated?)")
            }
            tensors[name] = Tensor(name: name, dtype: dtype, shape: shape, data: f.base + dataStart + offs[0], byteCount: want, file: f)
            names.append(name)
        }
    }
}
