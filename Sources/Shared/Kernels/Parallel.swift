import Foundation
import Synchronization

/// Data-parallel loops on a pool of persistent worker threads. A decode step runs ~200 small parallel
/// loops (one per weight matrix), so waking threads through the scheduler each time would cost more than
/// the work: idle workers spin briefly on a generation counter before sleeping on a condition variable.
/// Threads = `--threads` (default: all cores); the calling thread does one share of every loop.
public enum Parallel {
    /// Set before the first parallel loop (tools set it from --threads at start).
    nonisolated(unsafe) public static var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Created on first use with `threads - 1` workers; they live as long as the process.
    nonisolated(unsafe) static var poolStorage: WorkerPool?
    static let creation = NSLock()
    static var pool: WorkerPool? {
        if threads <= 1 { return nil }
        creation.lock()
        defer { creation.unlock() }
        if let p = poolStorage, p.workers == threads - 1 { return p }
        poolStorage = WorkerPool(workers: threads - 1)
        return poolStorage
    }

    /// Runs `body` on `threads` contiguous parts of 0..<n (fewer when n is small), in parallel.
    /// The split depends only on n and the thread count, so results are reproducible.
    public static func forRanges(_ n: Int, minPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let t = min(threads, max(1, n / max(1, minPerThread)))
        withoutActuallyEscaping(body) { body in
            let part = { (i: Int) in
                let lo = n * i / t, hi = n * (i + 1) / t
                if lo < hi { body(lo..<hi) }
            }
            // One caller at a time owns the pool; another concurrent caller (tests run in parallel) does
            // its parts itself, in order. Parts are the same either way, so results are too.
            guard t > 1, let pool, pool.tryAcquire() else { for i in 0..<t { part(i) }; return }
            defer { pool.release() }
            pool.run(tasks: t, part)
        }
    }
}

/// The pool behind `Parallel`. A call publishes its loop body (by address: it lives on the caller's stack
/// for the call) and bumps `generation`; tasks are claimed from `next`, which carries the generation in
/// its high half, so a worker that wakes late can never claim a task of a later call with an earlier
/// body. The caller claims tasks too and returns when all are completed, never waiting on a worker that
/// has not started (a preempted or sleeping worker just does nothing that round).
final class WorkerPool: @unchecked Sendable {
    private let generation = Atomic<Int>(0)
    private let next = Atomic<Int>(0)        // generation << 42 | task count << 21 | next task index
    private let completed = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let jobAddress = Atomic<Int>(0)  // UnsafePointer<(Int) -> Void> of the current call
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = .allocate(capacity: 1)
    private let cond: UnsafeMutablePointer<pthread_cond_t> = .allocate(capacity: 1)
    static let spins = 2_000_000
    let workers: Int
    private let owner = NSLock()

    func tryAcquire() -> Bool { owner.try() }
    func release() { owner.unlock() }

    init(workers: Int) {
        self.workers = workers
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
        for _ in 0..<workers {
            let t = Thread { self.workerLoop() }   // workers keep the pool alive
            t.stackSize = 1 << 20
            t.start()
        }
    }

    func run(tasks n: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { b in
            withUnsafePointer(to: b) { ptr in
                let g = generation.load(ordering: .relaxed) + 1
                jobAddress.store(Int(bitPattern: UnsafeRawPointer(ptr)), ordering: .relaxed)
                precondition(n < 1 << 21)
                completed.store(0, ordering: .relaxed)
                next.store(g << 42 | n << 21, ordering: .relaxed)
                generation.store(g, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_broadcast(cond)
                    pthread_mutex_unlock(mutex)
                }
                work(g, ptr)
                while completed.load(ordering: .acquiring) < n {}
            }
        }
    }

    /// Claims and runs tasks of generation g until none are left. The task count comes from the same
    /// word as the claim, so it always belongs to generation g.
    private func work(_ g: Int, _ job: UnsafePointer<(Int) -> Void>) {
        while true {
            let cur = next.load(ordering: .acquiring)
            let idx = cur & 0x1F_FFFF, n = (cur >> 21) & 0x1F_FFFF
            guard cur >> 42 == g, idx < n else { return }
            guard next.compareExchange(expected: cur, desired: cur + 1, ordering: .acquiringAndReleasing).exchanged else { continue }
            job.pointee(idx)
            completed.wrappingAdd(1, ordering: .releasing)
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && spins < Self.spins { spins += 1 }
            if generation.load(ordering: .sequentiallyConsistent) == seen {
                pthread_mutex_lock(mutex)
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(cond, mutex) }
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            seen = generation.load(ordering: .acquiring)
            // The address is only followed after a task of generation `seen` is claimed, which proves
            // the call that published it is still running.
            if let p = UnsafeRawPointer(bitPattern: jobAddress.load(ordering: .acquiring)) {
                work(seen, p.assumingMemoryBound(to: ((Int) -> Void).self))
            }
        }
    }
}
