import CKernels
/// Keys and values of every past position, for `slots` sequences of up to `capacity` positions:
/// [layer][slot][kvHead][position][row], so one head's keys are a contiguous run of P rows of hd values.
///
/// Element type (`--kv-dtype`): `f16` (the default with GGUF weights in their stored types) keeps keys and
/// values as fp16, as llama.cpp's default F16 cache does, in half the memory, and attention then rounds
/// its queries and probabilities to fp16 as llama.cpp's F16 products do (`Attention`). `f32` keeps
/// everything fp32 (the default with `--dtype f32`, bit-exact with PyTorch). `q8_0` stores each row as
/// ggml's Q8_0 blocks (an fp16 scale and 32 int8 codes: 34 bytes per 32 values, 53% of fp16), for long
/// contexts; attention reads the dequantized values in fp32. The memory is reserved, not committed
/// (`ReservedMemory`): only positions a sequence reaches take RAM.
public final class KVCache {
    public enum DType: String, CaseIterable, Sendable {
        case f32, f16, q8_0
        /// Bytes of one row of hd values (hd a multiple of 32 for Q8_0).
        func rowBytes(_ hd: Int) -> Int { self == .f32 ? 4 * hd : self == .f16 ? 2 * hd : hd / 32 * 34 }
        var kernelType: s1_kv_type { self == .f32 ? S1_KV_F32 : self == .f16 ? S1_KV_F16 : S1_KV_Q8_0 }
    }

    public let layers: Int, slots: Int, kvHeads: Int, headDim: Int, capacity: Int
    public let dtype: DType
    public var halfPrecision: Bool { dtype == .f16 }
    /// Bytes of one stored row (one position of one KV head).
    public let rowBytes: Int
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
        precondition(dtype != .q8_0 || headDim % 32 == 0, "a Q8_0 KV cache needs a head size that is a multiple of 32")
        rowBytes = dtype.rowBytes(headDim)
        let n = layers * slots * kvHeads * capacity * rowBytes
        guard let km = ReservedMemory(byteCount: n), let vm = ReservedMemory(byteCount: n) else {
            fatalError("cannot reserve \(2 * n) bytes of address space for the KV cache")
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
    /// A Q8_0 cache on a model whose head size is not a multiple of 32 is refused the same way.
    public static func checkReservable(_ c: ModelConfig, capacity: Int, slots: Int, dtype: DType? = nil, path: String) throws {
        if dtype == .q8_0 && c.headDim % 32 != 0 {
            throw UsageError("\(path): --kv-dtype q8_0 needs a head size that is a multiple of 32, and this model's is \(c.headDim); use f16")
        }
        guard let n = reservedBytes(c, capacity: capacity, slots: slots), n <= maxReservedBytes else {
            throw UsageError("\(path): a KV cache of \(slots) slots × \(capacity) positions is more than \(maxReservedBytes >> 40) TiB of address space; use a smaller --batch")
        }
    }

    /// Bytes of the whole reservation.
    public var bytes: Int { 2 * rowBytes * layers * slots * kvHeads * capacity }

    /// Start (in bytes) of head `h`'s run of `capacity` rows for (layer, slot).
    @inline(__always) public func offset(layer: Int, slot: Int, head: Int) -> Int {
        ((layer * slots + slot) * kvHeads + head) * capacity * rowBytes
    }

    /// Stores rows of k and v ([T × kvDim]) at positions start..<start+T, converted to the cache's type.
    func store(layer: Int, slot: Int, start: Int, rows: Int, k src: UnsafePointer<Float>, v vsrc: UnsafePointer<Float>) {
        let kvDim = kvHeads * headDim
        for h in 0..<kvHeads {
            let base = offset(layer: layer, slot: slot, head: h) + start * rowBytes
            for t in 0..<rows {
                let at = base + t * rowBytes, ks = src + t * kvDim + h * headDim, vs = vsrc + t * kvDim + h * headDim
                switch dtype {
                case .f32:
                    (k + at).assumingMemoryBound(to: Float.self).update(from: ks, count: headDim)
                    (v + at).assumingMemoryBound(to: Float.self).update(from: vs, count: headDim)
                case .f16:
                    let kd = (k + at).assumingMemoryBound(to: Float16.self), vd = (v + at).assumingMemoryBound(to: Float16.self)
                    for i in 0..<headDim { kd[i] = Float16(ks[i]); vd[i] = Float16(vs[i]) }
                case .q8_0:
                    Self.quantizeQ8_0(ks, k + at, headDim)
                    Self.quantizeQ8_0(vs, v + at, headDim)
                }
            }
        }
    }

    /// One row as ggml's Q8_0 (d = max|x| / 127 as fp16, codes round(x / d), half away from zero), with
    /// non-finite values taken as 0 rather than trapping: a broken model's NaN must not crash the run.
    static func quantizeQ8_0(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, _ n: Int) {
        for b in 0..<(n / 32) {
            let xb = x + 32 * b, blk = dst + 34 * b
            var amax: Float = 0
            for j in 0..<32 where xb[j].isFinite { amax = Swift.max(amax, abs(xb[j])) }
            let d = amax / 127, id: Float = d != 0 ? 1 / d : 0
            blk.storeBytes(of: Float16(d).bitPattern, toByteOffset: 0, as: UInt16.self)
            for j in 0..<32 {
                let c = xb[j].isFinite ? (xb[j] * id).rounded(.toNearestOrAwayFromZero) : 0
                blk.storeBytes(of: Int8(Swift.max(-127, Swift.min(127, c))), toByteOffset: 2 + j, as: Int8.self)
            }
        }
    }
}
