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
        guard FileManager.default.fileExists(atPath: index) else { throw ModelFileError(path, "no model.safetensors or model.safetensors.index.json") }
        let data = try MappedFile.document(index)
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
        let declared = UInt64(littleEndian: f.base.loadUnaligned(as: UInt64.self))
        guard declared > 1, declared <= UInt64(f.count - 8) else { throw ModelFileError(path, "header length \(declared) is past the end of the \(f.count)-byte file") }
        let n = Int(declared)
        let header = try parseJSONDocument(UnsafeRawBufferPointer(start: f.base + 8, count: n), path: path, what: "the header")
        let dataStart = 8 + n, dataBytes = f.count - dataStart
        var spans: [(start: Int, end: Int, name: String)] = []
        for (name, info) in header.root.members where name != "__metadata__" {
            guard tensors[name] == nil else { throw ModelFileError(path, "tensor \(name) appears twice") }
            guard let ds = info["dtype"]?.string else { throw ModelFileError(path, "tensor \(name): no dtype") }
            guard let dtype = DType(rawValue: ds) else { throw ModelFileError(path, "tensor \(name): unsupported dtype \(ds) (F32, F16, BF16)") }
            guard let shapeItems = info["shape"]?.elements, shapeItems.count <= 8 else { throw ModelFileError(path, "tensor \(name): no shape") }
            let shape = shapeItems.compactMap(\.int)
            guard shape.count == shapeItems.count, shape.allSatisfy({ $0 >= 0 && $0 < 1 << 40 }) else { throw ModelFileError(path, "tensor \(name): bad shape") }
            let width = dtype == .F32 ? 4 : 2
            var want = width, overflow = false
            for d in shape { (want, overflow) = overflow ? (want, true) : want.multipliedReportingOverflow(by: d) }
            guard !overflow else { throw ModelFileError(path, "tensor \(name): shape \(shape) overflows") }
            let offItems = info["data_offsets"]?.elements ?? []
            let offs = offItems.compactMap(\.int)
            guard offItems.count == 2, offs.count == 2, offs[0] >= 0, offs[0] <= offs[1] else { throw ModelFileError(path, "tensor \(name): bad data_offsets") }
            guard offs[1] <= dataBytes else {
                throw ModelFileError(path, "tensor \(name): data ends at byte \(offs[1]) of the data, past the end of the file's \(dataBytes) data bytes (truncated?)")
            }
            guard offs[1] - offs[0] == want else {
                throw ModelFileError(path, "tensor \(name): \(offs[1] - offs[0]) bytes for shape \(shape) of \(ds) (needs \(want))")
            }
            spans.append((offs[0], offs[1], name))
            tensors[name] = Tensor(name: name, dtype: dtype, shape: shape, data: f.base + dataStart + offs[0], byteCount: want, file: f)
            names.append(name)
        }
        // The data is covered exactly, as the format requires: no overlaps, no holes, nothing after the last
        // tensor (a shifted header length or offset shows up here).
        let sorted = spans.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end {
            throw ModelFileError(path, "tensor \(b.name) overlaps tensor \(a.name) (data_offsets from \(b.start), \(a.name) ends at \(a.end))")
        }
        var at = 0
        for s in sorted {
            guard s.start == at else { throw ModelFileError(path, "tensor \(s.name) starts at \(s.start) of the data, leaving a hole after byte \(at)") }
            at = s.end
        }
        guard at == dataBytes else { throw ModelFileError(path, "the tensors cover \(at) bytes but the file holds \(dataBytes) data bytes (header length or offsets shifted?)") }
    }
}
