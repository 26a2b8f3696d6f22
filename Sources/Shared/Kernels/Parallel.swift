import Glibc
import Dispatch

/// Splits `0..<n` into one contiguous range per thread and runs them concurrently (the calling thread
/// takes a share). Threads = `--threads`, set once per process.
public enum Parallel {
    nonisolated(unsafe) public static var threads = max(1, min(64, sysconfThreads()))

    static func sysconfThreads() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    @inline(__always)
    public static func forRanges(_ n: Int, minPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let t = min(threads, max(1, n / max(1, minPerThread)))
        if t <= 1 { body(0..<n); return }
        DispatchQueue.concurrentPerform(iterations: t) { i in
            let lo = n * i / t, hi = n * (i + 1) / t
            if lo < hi { body(lo..<hi) }
        }
    }
}
