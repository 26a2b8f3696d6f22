import Foundation
import Testing
import Shared

/// Corrupt or truncated model files give a clear error naming the file, never a crash.
@Suite struct ModelFileTests {
    /// A small GGUF v3 file: one metadata string and the given tensors (name, ggml dims, type, data).
    func gguf(magic: String = "GGUF", version: UInt32 = 3, tensors: [(String, [Int], UInt32, [UInt8])],
              offsets: [UInt64]? = nil) -> [UInt8] {
        var b: [UInt8] = Array(magic.utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { b += $0 } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); b += Array(s.utf8) }
        u32(version); u64(UInt64(tensors.count)); u64(1)
        str("general.architecture"); u32(8); str("llama")
        var off: UInt64 = 0
        var offs: [UInt64] = []
        for (name, dims, type, data) in tensors {
            str(name); u32(UInt32(dims.count)); for d in dims { u64(UInt64(d)) }; u32(type)
            offs.append(off)
            u64(offsets?[offs.count - 1] ?? off)
            off += UInt64((data.count + 31) / 32 * 32)
        }
        while b.count % 32 != 0 { b.append(0) }
        for (_, _, _, data) in tensors { b += data; while b.count % 32 != 0 { b.append(0) } }
        return b
    }

    func write(_ bytes: [UInt8], _ name: String) -> String {
        let p = Support.tempDir() + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func expectError(_ path: String, _ fragment: String, _ open: (String) throws -> Void) {
        do {
            try open(path)
            Issue.record("\(path) opened without error, expected \(fragment)")
        } catch let e as ModelFileError {
            #expect(e.path.hasPrefix(path) && e.description.contains(fragment), "got: \(e)")
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    let floats: [UInt8] = [Float](repeating: 1.5, count: 8).withUnsafeBytes { Array($0) }

    @Test func aValidGGUFReadsBack() throws {
        let p = write(gguf(tensors: [("a", [4, 2], 0, floats)]), "ok.gguf")
        let g = try GGUFFile(path: p)
        #expect(g.metadata["general.architecture"]?.string == "llama")
        let t = try #require(g.tensor("a"))
        #expect(t.dims == [4, 2] && t.type == .f32 && t.byteCount == 32)
        #expect(g.data(t).load(fromByteOffset: 28, as: Float.self) == 1.5)
    }

    @Test func corruptGGUFFilesAreErrorsNamingTheFile() {
        let open: (String) throws -> Void = { _ = try GGUFFile(path: $0) }
        expectError(write(gguf(magic: "GGML", tensors: []), "magic.gguf"), "bad magic", open)
        expectError(write(gguf(version: 9, tensors: []), "version.gguf"), "unsupported GGUF version 9", open)
        let whole = gguf(tensors: [("a", [4, 2], 0, floats)])
        expectError(write(Array(whole.prefix(40)), "header-cut.gguf"), "truncated", open)
        expectError(write(Array(whole.prefix(whole.count - 8)), "data-cut.gguf"), "past the end", open)
        expectError(write(gguf(tensors: [("a", [4, 2], 0, floats)], offsets: [1 << 40]), "offset.gguf"), "past the end", open)
        // Q4_K is read now; IQ2_XXS (16) is not, and the error names the type and the tensor.
        expectError(write(gguf(tensors: [("k", [256], 16, [UInt8](repeating: 0, count: 66))]), "type.gguf"), "tensor k has unsupported type IQ2_XXS", open)
        // A row that is not whole blocks of its type.
        expectError(write(gguf(tensors: [("k", [200], 12, [UInt8](repeating: 0, count: 144))]), "rows.gguf"), "is not whole Q4_K blocks", open)
        expectError(write(gguf(tensors: [("q", [30], 2, [UInt8](repeating: 0, count: 18))]), "blocks.gguf"), "not whole Q4_0 blocks", open)
        expectError(write([0x47, 0x47], "tiny.gguf"), "bad magic", open)
        expectError(write([], "empty.gguf"), "empty file", open)
    }

    /// A safetensors file from a header text and data bytes.
    func safetensors(_ header: String, _ data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
        var b: [UInt8] = []
        withUnsafeBytes(of: (declaredLength ?? UInt64(header.utf8.count)).littleEndian) { b += $0 }
        return b + Array(header.utf8) + data
    }

    @Test func corruptSafetensorsAreErrorsNamingTheFile() {
        let open: (String) throws -> Void = { _ = try SafetensorsReader(path: $0) }
        let good = #"{"w":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]}}"#
        expectError(write(safetensors(good, floats, declaredLength: 1 << 30), "len.safetensors"), "header length", open)
        expectError(write(safetensors("{not json", []), "json.safetensors"), "the header is not a JSON object", open)
        expectError(write(safetensors(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, [UInt8](repeating: 0, count: 8)), "dtype.safetensors"), "unsupported dtype I64", open)
        expectError(write(safetensors(#"{"w":{"dtype":"F32","shape":[3,4],"data_offsets":[0,32]}}"#, floats), "shape.safetensors"), "needs 48", open)
        expectError(write(safetensors(good, Array(floats.prefix(20))), "cut.safetensors"), "past the end", open)
    }

    @Test func aConfigThatDisagreesWithTheTensorsIsAnError() throws {
        let src = Support.fixture("engine/tiny-qwen2")
        let d = Support.tempDir() + "/bad-config"
        try FileManager.default.copyItem(atPath: src, toPath: d)
        var cfg = try String(contentsOfFile: d + "/config.json", encoding: .utf8)
        cfg = cfg.replacingOccurrences(of: "\"intermediate_size\": 64", with: "\"intermediate_size\": 96")
        try cfg.write(toFile: d + "/config.json", atomically: true, encoding: .utf8)
        expectError(d, "the config needs 96×32") { _ = try ModelLoader.load($0, dtype: .f32) }
        try FileManager.default.removeItem(atPath: d + "/model-00002-of-00003.safetensors")
        expectError(d, "model-00002-of-00003.safetensors") { _ = try ModelLoader.load($0, dtype: .f32) }
    }

    @Test func toolsExitWith65OnABadModelFile() throws {
        let p = write(gguf(magic: "GGML", tensors: []), "bad.gguf")
        let r = try Support.run("s1-think", ["--raw", "--model", p], stdin: "hello\n")
        #expect(r.status == 65)
        #expect(r.stderr.contains(p) && r.stderr.contains("bad magic"))
        let s = try Support.run("s1-sft", ["--eval-only", "--model", p], stdin: "")
        #expect(s.status == 65 && s.stderr.contains("bad magic"))
    }

    @Test func halfPrecisionSafetensorsReadAsTheirValues() throws {
        let full = try ModelLoader.load(Support.fixture("engine/tiny-qwen2"), dtype: .f32).weights.flat!
        for (dir, relErr) in [("tiny-qwen2-bf16", 1.0 / 256), ("tiny-qwen2-f16", 1.0 / 2048)] {
            let half = try ModelLoader.load(Support.fixture("engine/" + dir), dtype: .f32).weights.flat!
            #expect(half.count == full.count)
            // Rounding to nearest is within half an ulp: relative 2^-9 (bf16) / 2^-12 (f16) for values that are
            // normal in f16 (above 6.1e-5; tiny ones lose relative precision as subnormals).
            var worst = 0.0
            for i in 0..<full.count where abs(full.base[i]) > 1e-4 {
                worst = max(worst, Double(abs(half.base[i] - full.base[i]) / abs(full.base[i])))
            }
            #expect(worst > 0 && worst <= relErr, "\(dir): worst relative rounding \(worst)")
        }
    }
}
