import Glibc

/// Zero-filled memory that is reserved, not committed: an anonymous MAP_NORESERVE mapping, whose pages the
/// kernel supplies only when they are first written. The KV cache and attention scratch are sized for the
/// whole context of every slot, but take only what the live sequences touch, so a 1M-token context in a
/// model file costs address space, not RAM, and a short run stays small.
public final class ReservedMemory {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int

    /// nil when even the address space cannot be had.
    public init?(byteCount n: Int) {
        byteCount = max(n, 1)
        guard let p = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), p != MAP_FAILED else { return nil }
        base = p
    }

    deinit { munmap(base, byteCount) }

    public func floats() -> UnsafeMutablePointer<Float> { base.assumingMemoryBound(to: Float.self) }

    /// Gives pages back (they read as zero again), e.g. when a slot's sequence ends.
    public func release(offset: Int, bytes: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (offset + page - 1) / page * page, end = (offset + bytes) / page * page
        if end > start { madvise(base + start, end - start, MADV_DONTNEED) }
    }
}
