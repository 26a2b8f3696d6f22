/// The 12-byte scale field of Q4_K and Q5_K (ggml `get_scale_min_k4`): eight 6-bit scales and eight 6-bit
/// mins, one pair per 32 values of a 256-value super-block.
enum KQuantScales {
    /// (scale, min) of sub-block j (0..<8).
    @inline(__always)
    static func scaleMin(_ q: UnsafeRawPointer, _ j: Int) -> (Float, Float) {
        func b(_ k: Int) -> UInt8 { q.load(fromByteOffset: k, as: UInt8.self) }
        if j < 4 { return (Float(b(j) & 63), Float(b(j + 4) & 63)) }
        return (Float((b(j + 4) & 0x0F) | ((b(j - 4) >> 6) << 4)), Float((b(j + 4) >> 4) | ((b(j) >> 6) << 4)))
    }
}
