/// Byte-level BPE merging: a piece's bytes start as single-byte tokens and the pair with the best (lowest)
/// merge rank is merged until no pair has a rank, leftmost first among equals (as Hugging Face does).
public struct BPE {
    /// Merge of (left id, right id) packed into 64 bits → (rank, merged id).
    let merges: [UInt64: (rank: Int32, id: Int32)]
    /// Token id of each single byte (-1: none, the byte is dropped).
    let byteIDs: [Int32]

    @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        var sym = bytes.map { byteIDs[Int($0)] }
        if sym.contains(-1) { sym.removeAll { $0 < 0 } }
        while sym.count > 1 {
            var best = Int32.max, at = -1, merged: Int32 = 0
            for i in 0..<(sym.count - 1) {
                if let m = merges[Self.key(sym[i], sym[i + 1])], m.rank < best {
                    best = m.rank
                    at = i
                    merged = m.id
                }
            }
            if at < 0 { break }
            sym[at] = merged
            sym.remove(at: at + 1)
        }
        out += sym
    }
}
