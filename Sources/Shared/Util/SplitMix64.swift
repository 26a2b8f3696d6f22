/// A seeded generator whose stream is fixed by its seed alone, on every platform and Swift version
/// (the standard library's generators promise no such thing). Used wherever a seed must reproduce a result.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one item of a seeded run (a record, a row), independent of how many came before.
    public init(seed: UInt64, stream: String) {
        var h: UInt64 = 0xcbf29ce484222325  // FNV-1a of the stream name, mixed with the seed
        for b in stream.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        state = seed ^ h
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e3779b97f4a7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
        z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in 0..<n, unbiased, using only this generator's own stream.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// Fisher–Yates with this generator's stream (stable across platforms, unlike `shuffle(using:)`).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
    }
}
