import Foundation
import Testing
import Shared

/// Corrupt model files of the reliability issue that used to load silently or crash: safetensors offsets,
/// overlaps, shifted headers, duplicate and mis-shaped tensors; GGUF duplicates, overlaps, stray biases and
/// arrays a sparse file declares; configs that drop a layer; tokenizer ids out of range. Each is one error
/// naming the file.
@Suite struct HostileFileTests {
    /// A copy of the tiny Qwen3 directory whose single safetensors header is rewritten by `edit` (header
    /// text in, header text out; the data is kept), with the header length `lengthDelta` off.
    static func editedSafetensors(lengthDelta: Int = 0, _ edit: (String) -> String) throws -> String {
        let dir = Support.tempDir() + "/m"
        try FileManager.default.copyItem(atPath: Support.fixture("engine/tiny-qwen3"), toPath: dir)
        let path = dir + "/model.safetensors"
        let b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = Int(b[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var header = Array(edit(String(decoding: b[8..<(8 + n)], as: UTF8.self)).utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = withUnsafeBytes(of: UInt64(header.count + lengthDelta).littleEndian) { Array($0) }
        out += header + b[(8 + n)...]
        try Data(out).write(to: URL(fileURLWithPath: path))
        return dir
    }

    /// The entry `"name":{…}` of a safetensors header.
    static func entry(_ header: String, _ name: String) throws -> Range<String.Index> {
        let start = try #require(header.range(of: "\"\(name)\":"))
        let end = try #require(header[start.upperBound...].firstIndex(of: "}"))
        return start.lowerBound..<header.index(after: end)
    }

    func expectError(_ path: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ModelLoader.load(path, dtype: .native)
            Issue.record("\(path) loaded, expected an error containing \(fragment)", sourceLocation: sourceLocation)
        } catch let e as ModelFileError {
            #expect(e.path.hasPrefix(path) && e.description.contains(fragment), "got: \(e)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func safetensorsOffsetsNearTwoToTheSixtyThreeAreAnError() throws {
        let dir = try Self.editedSafetensors { h in
            var h = h
            let r = h.range(of: #""data_offsets":\[[0-9]+,[0-9]+\]"#, options: .regularExpression)!
            h.replaceSubrange(r, with: #""data_offsets":[9223372036854775000,9223372036854775807]"#)
            return h
        }
        expectError(dir, "past the end")
    }

    @Test func overlappingShiftedAndDuplicateSafetensorsAreErrors() throws {
        // k_norm's bytes declared on top of q_norm's (same shape).
        let overlap = try Self.editedSafetensors { h in
            var h = h
            let q = h[try! Self.entry(h, "model.layers.0.self_attn.q_norm.weight")]
            let offs = q.range(of: #""data_offsets":\[[0-9]+,[0-9]+\]"#, options: .regularExpression)!
            let k = try! Self.entry(h, "model.layers.0.self_attn.k_norm.weight")
            let kText = String(h[k]).replacingOccurrences(of: #""data_offsets":\[[0-9]+,[0-9]+\]"#, with: String(q[offs]), options: .regularExpression)
            h.replaceSubrange(k, with: kText)
            return h
        }
        expectError(overlap, "overlaps")
        // A header length one byte short of the padded header: every tensor would read one byte early.
        let shifted = try Self.editedSafetensors(lengthDelta: -1) { $0 + "        " }
        expectError(shifted, "cover")
        // The same name twice.
        let dup = try Self.editedSafetensors { h in
            let e = String(h[try! Self.entry(h, "model.norm.weight")])
            return "{" + e + "," + h.dropFirst()
        }
        expectError(dup, "appears twice")
        // A shape that is not all integers, or that drops a dimension.
        let badShape = try Self.editedSafetensors { h in
            var h = h
            let e = try! Self.entry(h, "model.norm.weight")
            h.replaceSubrange(e, with: h[e].replacingOccurrences(of: #""shape":\[([0-9]+)\]"#, with: #""shape":[$1,"x"]"#, options: .regularExpression))
            return h
        }
        expectError(badShape, "bad shape")
        let dropped = try Self.editedSafetensors { h in
            var h = h
            let e = try! Self.entry(h, "model.embed_tokens.weight")
            h.replaceSubrange(e, with: h[e].replacingOccurrences(of: #""shape":\[([0-9]+),([0-9]+)\]"#, with: #""shape":[$1]"#, options: .regularExpression))
            return h
        }
        expectError(dropped, "bytes for shape")
    }

    /// The tiny Qwen2 as a GGUF file's bytes (our writer), and the byte position of a tensor's directory entry.
    static func gguf() throws -> [UInt8] {
        let m = try ModelLoader.load(Support.fixture("engine/tiny-qwen2"), dtype: .f32)
        let path = Support.tempDir() + "/m.gguf"
        try GGUFWriter.write(config: m.config, parameters: m.weights.flat!, tokenizer: m.tokenizer, outtype: .f32, to: path)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func save(_ bytes: [UInt8]) throws -> String {
        let path = Support.tempDir() + "/m.gguf"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Offset of the u64 data offset in `name`'s tensor directory entry (name, n_dims, dims, type, offset).
    static func offsetField(_ b: [UInt8], _ name: String) throws -> Int {
        let k = Array(name.utf8)
        let at = try #require(ByteSearch.findLast(k, in: b), "\(name) in the directory")
        let nd = Int(b[at + k.count])
        return at + k.count + 4 + 8 * nd + 4
    }

    @Test func ggufDuplicatesOverlapsAndStrayBiasesAreErrors() throws {
        let b = try Self.gguf()
        func renamed(_ from: String, _ to: String) throws -> [UInt8] {
            var c = b
            let at = try #require(ByteSearch.findLast(Array(from.utf8), in: c))
            for (i, u) in to.utf8.enumerated() { c[at + i] = u }
            return c
        }
        // A bias missing from the first layer: the others are then tensors the config does not use.
        expectError(try Self.save(renamed("blk.0.attn_q.bias", "blk.0.attn_q.bxas")), "does not use")
        expectError(try Self.save(renamed("blk.1.attn_q.bias", "blk.0.attn_q.bias")), "appears twice")
        // k's bias declared at q's bias data (v's has the same size as k's).
        var over = b
        let kOff = try Self.offsetField(b, "blk.0.attn_k.bias"), vOff = try Self.offsetField(b, "blk.0.attn_v.bias")
        for i in 0..<8 { over[vOff + i] = b[kOff + i] }
        expectError(try Self.save(over), "overlaps")
    }

    @Test func aSparseFileDeclaringAHugeArrayIsRefusedWithoutAllocating() throws {
        var b = try Self.gguf()
        let key = Array("tokenizer.ggml.token_type".utf8)
        let at = try #require(ByteSearch.find(key, in: b, from: 0))
        // value type (array) u32, item type u32, count u64.
        let count = at + key.count + 8
        withUnsafeBytes(of: UInt64(100_000_000_000).littleEndian) { for (i, u) in $0.enumerated() { b[count + i] = u } }
        let path = try Self.save(b)
        #expect(truncate(path, 1 << 40) == 0)   // 1 TB, sparse
        expectError(path, "impossible")
    }

    @Test func configsTokenizersAndTokenTypesThatDisagreeAreErrors() throws {
        // num_hidden_layers 1 while the shards hold 2.
        let dir = Support.tempDir() + "/m"
        try FileManager.default.copyItem(atPath: Support.fixture("engine/tiny-qwen2"), toPath: dir)
        let cfg = dir + "/config.json"
        var text = try String(contentsOfFile: cfg, encoding: .utf8)
        text = text.replacingOccurrences(of: #""num_hidden_layers": *[0-9]+"#, with: #""num_hidden_layers": 1"#, options: .regularExpression)
        try text.write(toFile: cfg, atomically: true, encoding: .utf8)
        expectError(dir, "does not use")
        // Added-token ids far outside any vocabulary.
        for id in ["-1000000", "100000000", "4611686018427387904"] {
            let d = Support.tempDir() + "/t"
            try FileManager.default.copyItem(atPath: Support.fixture("engine/tiny-qwen2"), toPath: d)
            let tj = d + "/tokenizer.json"
            let t = try String(contentsOfFile: tj, encoding: .utf8)
            let r = try #require(t.range(of: #""id": *[0-9]+"#, options: .regularExpression))
            try t.replacingCharacters(in: r, with: "\"id\": \(id)").write(toFile: tj, atomically: true, encoding: .utf8)
            expectError(d, "added token")
        }
        // A token_type array longer than the token list, in an otherwise valid file.
        let strings = { (a: [String]) -> [UInt8] in
            Self.u32(8) + Self.u64(UInt64(a.count)) + a.flatMap { Self.u64(UInt64($0.utf8.count)) + Array($0.utf8) }
        }
        let kv: [(String, UInt32, [UInt8])] = [
            ("tokenizer.ggml.model", 8, Self.u64(4) + Array("gpt2".utf8)),
            ("tokenizer.ggml.tokens", 9, strings(["a", "b"])),
            ("tokenizer.ggml.token_type", 9, Self.u32(5) + Self.u64(3) + Self.u32(1) + Self.u32(1) + Self.u32(3)),
        ]
        var file = Array("GGUF".utf8) + Self.u32(3) + Self.u64(0) + Self.u64(UInt64(kv.count))
        for (k, t, v) in kv { file += Self.u64(UInt64(k.utf8.count)) + Array(k.utf8) + Self.u32(t) + v }
        let path = try Self.save(file)
        #expect(throws: ModelFileError.self) { try TokenizerLoader.load(gguf: GGUFFile(path: path)) }
        do { _ = try TokenizerLoader.load(gguf: GGUFFile(path: path)) } catch { #expect("\(error)".contains("token_type has 3 entries for 2 tokens"), "\(error)") }
    }

    static func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}
