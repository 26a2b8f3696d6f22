import Foundation

/// Forking a sequence (budget sweeps, issue 15): its first n positions of every layer and KV head are copied
/// to another slot, or set aside in a snapshot while no slot is free and put back when one is. The bytes are
/// copied as stored (fp32, fp16 or Q8_0 rows), so a fork continues exactly as the sequence it came from would have.
///
///   slot layout [layer][slot][kvHead][position][row]: one fork moves layers × kvHeads runs of n rows
extension KVCache {
    /// Keys and values of one sequence's first `positions` positions, off the cache.
    public struct Snapshot {
        public let positions: Int
        let k: [UInt8], v: [UInt8]
        public var bytes: Int { k.count + v.count }
    }

    /// Bytes of one (layer, head) run of `positions` positions.
    @inline(__always) func runBytes(_ positions: Int) -> Int { positions * rowBytes }

    /// Copies the first `positions` positions of slot `from` over slot `to`.
    public func copy(slot from: Int, to: Int, positions: Int) {
        precondition(positions <= capacity && from != to)
        let n = runBytes(positions)
        for l in 0..<layers {
            for h in 0..<kvHeads {
                let src = offset(layer: l, slot: from, head: h), dst = offset(layer: l, slot: to, head: h)
                (k + dst).copyMemory(from: k + src, byteCount: n)
                (v + dst).copyMemory(from: v + src, byteCount: n)
            }
        }
    }

    /// The first `positions` positions of `slot`, copied out.
    public func snapshot(slot: Int, positions: Int) -> Snapshot {
        let n = runBytes(positions), runs = layers * kvHeads
        func take(_ base: UnsafeMutableRawPointer) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: n * runs) { buf, count in
                for l in 0..<layers {
                    for h in 0..<kvHeads {
                        let at = (l * kvHeads + h) * n
                        UnsafeMutableRawPointer(buf.baseAddress! + at).copyMemory(from: base + offset(layer: l, slot: slot, head: h), byteCount: n)
                    }
                }
                count = n * runs
            }
        }
        return Snapshot(positions: positions, k: take(k), v: take(v))
    }

    /// Puts a snapshot back into `slot` (its first `positions` positions).
    public func restore(_ s: Snapshot, slot: Int) {
        let n = runBytes(s.positions)
        func put(_ bytes: [UInt8], _ base: UnsafeMutableRawPointer) {
            bytes.withUnsafeBytes { src in
                for l in 0..<layers {
                    for h in 0..<kvHeads {
                        (base + offset(layer: l, slot: slot, head: h)).copyMemory(from: src.baseAddress! + (l * kvHeads + h) * n, byteCount: n)
                    }
                }
            }
        }
        put(s.k, k)
        put(s.v, v)
    }
}
