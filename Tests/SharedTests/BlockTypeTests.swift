import Foundation
import Testing
import Shared

/// Every GGML block type dequantizes exactly as gguf-py's numpy reference does (random and extreme blocks,
/// `scripts/make-quant-fixtures.py`), and each type's table entry agrees with ggml's block sizes.
@Suite struct BlockTypeTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    @Test func everyTypeDequantizesLikeTheNumpyReference() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Support.fixture("formats/quants.json")))
        let fixtures = try JSONSerialization.jsonObject(with: data) as! [String: [String: Any]]
        try #require(fixtures.count >= 14)
        for (name, f) in fixtures.sorted(by: { $0.key < $1.key }) where name != "quantize" {
            let type = try #require(GGMLType(rawValue: UInt32(f["raw"] as! Int)), "\(name)")
            #expect(type.description == name)
            let raw = BlockTypeTests.bytes(f["hex"] as! String)
            let want = BlockTypeTests.bytes(f["values"] as! String).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            #expect(raw.count % type.blockBytes == 0 && want.count == raw.count / type.blockBytes * type.blockSize, "\(name)")
            var got = [Float](repeating: .nan, count: want.count)
            raw.withUnsafeBytes { src in got.withUnsafeMutableBufferPointer { Dequantize.row(type, src.baseAddress!, $0.baseAddress!, want.count) } }
            let bad = zip(got, want).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
            #expect(bad.isEmpty, "\(name): \(bad.count) of \(want.count) values differ, first at \(bad.first?.offset ?? -1): \(bad.first.map { "\($0.element.0) vs \($0.element.1)" } ?? "")")
        }
    }

    @Test func quantizersWriteTheBlocksTheNumpyReferenceWrites() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Support.fixture("formats/quants.json")))
        let q = (try JSONSerialization.jsonObject(with: data) as! [String: Any])["quantize"] as! [String: String]
        let x = BlockTypeTests.bytes(q["input"]!).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        for type in [GGMLType.f16, .bf16, .q8_0, .q4_0, .q4_1] {
            let want = BlockTypeTests.bytes(q[type.description]!)
            var got = [UInt8](repeating: 0, count: type.rowBytes(x.count))
            x.withUnsafeBufferPointer { src in got.withUnsafeMutableBytes { type.quantize!(src.baseAddress!, $0.baseAddress!, x.count) } }
            let diff = zip(got, want).filter { $0 != $1 }.count
            #expect(got.count == want.count && diff == 0, "\(type): \(diff) of \(want.count) bytes differ")
        }
    }

    /// A diverged checkpoint (NaN or ±∞ weights) quantized at load or written as GGUF must not trap: the
    /// non-finite block gets codes, and the finite blocks of the same row are exactly what they are alone.
    @Test func quantizersNeverTrapOnNonFiniteWeightsAndLeaveOtherBlocksAlone() throws {
        let finite = (0..<32).map { Float(sin(Double($0) * 0.7)) * 0.05 }
        let bad: [Float] = [.nan, .infinity, -.infinity] + (3..<32).map { Float($0) * 0.01 }
        for type in [GGMLType.q8_0, .q4_0, .q4_1, .f16, .bf16] {
            var row = [UInt8](repeating: 0, count: type.rowBytes(64)), alone = [UInt8](repeating: 0, count: type.rowBytes(32))
            (bad + finite).withUnsafeBufferPointer { src in row.withUnsafeMutableBytes { type.quantize!(src.baseAddress!, $0.baseAddress!, 64) } }
            finite.withUnsafeBufferPointer { src in alone.withUnsafeMutableBytes { type.quantize!(src.baseAddress!, $0.baseAddress!, 32) } }
            #expect(Array(row[type.rowBytes(32)...]) == alone, "\(type)")
        }
    }
}
