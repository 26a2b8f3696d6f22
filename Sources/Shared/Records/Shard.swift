/// `--shard K/N`: the records whose `id` hashes to shard K of N (SHA-256 of the id's UTF-8, its first 8 bytes
/// big-endian, mod N). The split depends on the id alone: stable whatever the input order, the machine or
/// the other records, so N runs on N machines cover the input exactly once, and `s1-filter merge` restores
/// the order.
public struct Shard: Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index))
        self.index = index
        self.count = count
    }

    /// Parses "K/N" (0 ≤ K < N ≤ 2^20).
    public init?(_ spec: String) {
        let parts = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), (1...(1 << 20)).contains(n), (0..<n).contains(k) else { return nil }
        self.init(index: k, count: n)
    }

    public static func of(id: String, count: Int) -> Int {
        let d = SHA256.hash(id.utf8)
        let h = d.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(h % UInt64(count))
    }

    public func contains(id: String) -> Bool { Shard.of(id: id, count: count) == index }

    public var description: String { "\(index)/\(count)" }
}
