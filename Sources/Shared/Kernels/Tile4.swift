/// The indices of a 4-wide tile (weight rows or sequences) starting at `first`, clamped to `last`: a short
/// last tile repeats `last`, so the kernels run the full tile and simply do not store the copies.
struct Tile4 {
    let index: SIMD4<Int>

    @inline(__always) init(_ first: Int, last: Int) {
        index = SIMD4(first, min(first + 1, last), min(first + 2, last), min(first + 3, last))
    }

    @inline(__always) subscript(_ k: Int) -> Int { index[k] }

    /// Whether slot k repeats the last index rather than holding its own.
    @inline(__always) func isCopy(_ k: Int) -> Bool { index[k] != index[0] + k }
}
