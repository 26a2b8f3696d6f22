import Glibc

/// Substring search over raw bytes.
public enum ByteSearch {
    /// Whether `needle` occurs in `hay`: memchr (vectorized) to each occurrence of the first byte, then
    /// memcmp. Meant for needles that start with a rare byte, such as "[asy]".
    public static func contains(_ hay: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let m = needle.utf8CodeUnitCount, n = hay.count
        guard m <= n, let h = hay.baseAddress else { return m == 0 }
        guard m > 0 else { return true }
        let first = Int32(needle.utf8Start[0])
        var i = 0
        while i + m <= n, let hit = memchr(h + i, first, n - m + 1 - i) {
            let at = UnsafeRawPointer(hit) - h
            if memcmp(h + at, needle.utf8Start, m) == 0 { return true }
            i = at + 1
        }
        return false
    }

    /// ASCII case-insensitive search, for short haystacks (field values such as a source_type).
    public static func containsIgnoringCase(_ hay: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount, p = needle.utf8Start
        guard n <= hay.count else { return n == 0 }
        @inline(__always) func lower(_ c: UInt8) -> UInt8 { c &- 65 < 26 ? c + 32 : c }
        for i in 0...(hay.count - n) {
            var j = 0
            while j < n && lower(hay[i + j]) == lower(p[j]) { j += 1 }
            if j == n { return true }
        }
        return false
    }
}

/// Finds any of a fixed set of needles in one pass over the text. Each position is tested against a table
/// of the needles' first two bytes (64 KiB), so text is read once however many needles there are; only
/// positions whose two bytes start some needle are compared in full.
public struct MultiNeedleSearch {
    let needles: [[UInt8]]
    /// For each 16-bit pair (first byte in the low half): 0 if no needle starts with it, else 1 + the index
    /// of the first needle in `order` that does; needles sharing a start are adjacent in `order`.
    let table: [UInt16]
    let order: [Int]

    public init(_ strings: [String]) {
        let ns = strings.map { Array($0.utf8) }
        precondition(ns.allSatisfy { $0.count >= 2 } && ns.count < 0xFFFF)
        let o = ns.indices.sorted { (Self.key(ns[$0]), $0) < (Self.key(ns[$1]), $1) }
        var t = [UInt16](repeating: 0, count: 1 << 16)
        for (pos, k) in o.enumerated().reversed() { t[Self.key(ns[k])] = UInt16(pos + 1) }
        needles = ns
        order = o
        table = t
    }

    static func key(_ n: [UInt8]) -> Int { Int(n[0]) | Int(n[1]) << 8 }

    public func contains(_ hay: UnsafeRawBufferPointer) -> Bool {
        let n = hay.count
        guard n >= 2, let base = hay.baseAddress else { return false }
        return table.withUnsafeBufferPointer { t in
            var i = 0
            while i + 1 < n {
                let k = Int(base.loadUnaligned(fromByteOffset: i, as: UInt16.self).littleEndian)
                let slot = t[k]
                if slot != 0 && matchesAt(i, slot: Int(slot) - 1, k, base, n) { return true }
                i += 1
            }
            return false
        }
    }

    private func matchesAt(_ i: Int, slot: Int, _ k: Int, _ base: UnsafeRawPointer, _ n: Int) -> Bool {
        var s = slot
        while s < order.count {
            let needle = needles[order[s]]
            guard Self.key(needle) == k else { return false }
            if i + needle.count <= n && needle.withUnsafeBytes({ memcmp(base + i, $0.baseAddress!, needle.count) == 0 }) { return true }
            s += 1
        }
        return false
    }
}

extension ByteSearch {
    /// First index of `needle` in `hay` at or after `from`.
    public static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == needle[0] {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension ByteSearch {
    /// Last index of `needle` in `hay`.
    public static func findLast(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            if hay[i] == needle[0] {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i -= 1
        }
        return nil
    }
}
