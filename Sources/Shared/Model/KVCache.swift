/// Keys and values of every past position, preallocated for `slots` sequences of up to `capacity`
/// positions: [layer][slot][kvHead][position][hd], so one head's keys are a contiguous [P×hd] matrix.
/// With `halfPrecision` (GGUF weights in their stored types), keys and values are rounded to fp16 as they
/// are stored, as llama.cpp's default F16 cache holds them, and attention rounds its queries and
/// probabilities to fp16 as llama.cpp's F16 matrix products do (`Attention`); fp32 weights
/// (`--dtype f32`) keep everything fp32 to match PyTorch. The storage itself stays fp32 for now. The memory
/// is reserved, not committed (`ReservedMemory`): only positions a sequence reaches take RAM.
public final class KVCache {
    public let layers: Int, slots: Int, kvHeads: Int, headDim: Int, capacity: Int
    public let halfPrecision: Bool
    public let k: UnsafeMutablePointer<Float>
    public let v: UnsafeMutablePointer<Float>
    private let kMemory: ReservedMemory, vMemory: ReservedMemory

    public init(config c: ModelConfig, capacity: Int, slots: Int = 1, halfPrecision: Bool = false) {
        self.halfPrecision = halfPrecision
        layers = c.layers
        self.slots = slots
        kvHeads = c.kvHeads
        headDim = c.headDim
        self.capacity = capacity
        let n = layers * slots * kvHeads * capacity * headDim
        guard let km = ReservedMemory(byteCount: 4 * n), let vm = ReservedMemory(byteCount: 4 * n) else {
            fatalError("cannot reserve \(8 * n) bytes of address space for the KV cache")
        }
        kMemory = km; vMemory = vm
        k = km.floats(); v = vm.floats()
    }

    /// Address space the cache reserves (k and v), nil when it overflows.
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

    public var bytes: Int { 2 * 4 * layers * slots * kvHeads * capacity * headDim }

    /// Start of head `h`'s [capacity × hd] block for (layer, slot).
    @inline(__always) public func offset(layer: Int, slot: Int, head: Int) -> Int {
        ((layer * slots + slot) * kvHeads + head) * capacity * headDim
    }

    /// Stores rows of k and v ([T × kvDim]) at positions start..<start+T.
    func store(layer: Int, slot: Int, start: Int, rows: Int, k src: UnsafePointer<Float>, v vsrc: UnsafePointer<Float>) {
        let kvDim = kvHeads * headDim
        for h in 0..<kvHeads {
            let base = offset(layer: layer, slot: slot, head: h) + start * headDim
            for t in 0..<rows {
                (k + base + t * headDim).update(from: src + t * kvDim + h * headDim, count: headDim)
                (v + base + t * headDim).update(from: vsrc + t * kvDim + h * headDim, count: headDim)
                if halfPrecision {
                    Attention.roundToHalf(k + base + t * headDim, headDim)
                    Attention.roundToHalf(v + base + t * headDim, headDim)
                }
            }
        }
    }
}
