/// Keys and values of every past position, for `slots` sequences of up to `capacity` positions:
/// [layer][slot][kvHead][position][hd], so one head's keys are a contiguous [P×hd] matrix.
///
/// Element type (`--kv-dtype`): `f16` (the default with GGUF weights in their stored types) keeps keys and
/// values as fp16, as llama.cpp's default F16 cache does, in half the memory, and attention then rounds
/// its queries and probabilities to fp16 as llama.cpp's F16 products do (`Attention`). `f32` keeps
/// everything fp32 (the default with `--dtype f32`, bit-exact with PyTorch). The memory is reserved, not
/// committed (`ReservedMemory`): only positions a sequence reaches take RAM.
public final class KVCache {
    public enum DType: String, CaseIterable, Sendable { case f32, f16 }

    public let layers: Int, slots: Int, kvHeads: Int, headDim: Int, capacity: Int
    public let dtype: DType
    public var halfPrecision: Bool { dtype == .f16 }
    /// Bytes per stored element.
    public var width: Int { dtype == .f16 ? 2 : 4 }
    public let k: UnsafeMutableRawPointer
    public let v: UnsafeMutableRawPointer
    private let kMemory: ReservedMemory, vMemory: ReservedMemory

    public init(config c: ModelConfig, capacity: Int, slots: Int = 1, dtype: DType = .f32) {
        self.dtype = dtype
        layers = c.layers
        self.slots = slots
        kvHeads = c.kvHeads
        headDim = c.headDim
        self.capacity = capacity
        let n = layers * slots * kvHeads * capacity * headDim
        let w = dtype == .f16 ? 2 : 4
        guard let km = ReservedMemory(byteCount: w * n), let vm = ReservedMemory(byteCount: w * n) else {
            fatalError("cannot reserve \(2 * w * n) bytes of address space for the KV cache")
        }
        kMemory = km; vMemory = vm
        k = km.base; v = vm.base
    }

    /// Address space a cache reserves (k and v, at fp32), nil when it overflows.
    public static func reservedBytes(_ c: ModelConfig, capacity: Int, slots: Int) -> Int? {
        var n = 8, over = false
        for f in [c.layers, slots, c.kvHeads, capacity, c.headDim] where !over { (n, over) = n.multipliedReportingOverflow(by: f) }
        return over ? nil : n
    }

    /// The most address space a cache may reserve (x86-64 user space is 128 TiB).
    public static let maxReservedBytes = 1 << 45

    /// A run whose cache could not be reserved is refused before anything is allocated.
    public static func checkReservable(_ c: ModelConfig, capacity: Int, slots: Int, path: String) throws {
        guard let n = reservedBytes(c, capacity: capacity, slots: slots), n <= maxReservedBytes else {
            throw UsageError("\(path): a KV cache of \(slots) slots × \(capacity) positions is more than \(maxReservedBytes >> 40) TiB of address space; use a smaller --batch")
        }
    }

    /// Bytes of the whole reservation.
    public var bytes: Int { 2 * width * layers * slots * kvHeads * capacity * headDim }

    /// Start (in elements) of head `h`'s [capacity × hd] block for (layer, slot).
    @inline(__always) public func offset(layer: Int, slot: Int, head: Int) -> Int {
        ((layer * slots + slot) * kvHeads + head) * capacity * headDim
    }

    /// Stores rows of k and v ([T × kvDim]) at positions start..<start+T, converted to the cache's type.
    func store(layer: Int, slot: Int, start: Int, rows: Int, k src: UnsafePointer<Float>, v vsrc: UnsafePointer<Float>) {
        let kvDim = kvHeads * headDim
        for h in 0..<kvHeads {
            let base = offset(layer: layer, slot: slot, head: h) + start * headDim
            for t in 0..<rows {
                let at = base + t * headDim, ks = src + t * kvDim + h * headDim, vs = vsrc + t * kvDim + h * headDim
                switch dtype {
                case .f32:
                    (k.assumingMemoryBound(to: Float.self) + at).update(from: ks, count: headDim)
                    (v.assumingMemoryBound(to: Float.self) + at).update(from: vs, count: headDim)
                case .f16:
                    let kd = k.assumingMemoryBound(to: Float16.self) + at, vd = v.assumingMemoryBound(to: Float16.self) + at
                    for i in 0..<headDim { kd[i] = Float16(ks[i]); vd[i] = Float16(vs[i]) }
                }
            }
        }
    }
}
