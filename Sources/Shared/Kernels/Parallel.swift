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
    static var pool: WorkerPool? {
        if threads <= 1 { return nil }
        if let p = poolStorage, p.workers == threads - 1 { return p }
        poolStorage = WorkerPool(workers: threads - 1)
        return poolStorage
    }

    /// Runs `body` on `threads` contiguous parts of 0..<n (fewer when n is small), in parallel.
    /// The split depends only on n and the thread count, so results are reproducible.
    public static func forRanges(_ n: Int, minPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let t = min(threads, max(1, n / max(1, minPerThread)))
        guard t > 1, let pool else { body(0..<n); return }
        pool.run(tasks: t) { i in
            let lo = n * i / t, hi = n * (i + 1) / t
            if lo < hi { body(lo..<hi) }
        }
    }
}

final class WorkerPool: @unchecked Sendable {
    private let generation = Atomic<Int>(0)
    private let nextTask = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private var taskCount = 0
    private var job: ((Int) -> Void)?
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    static let spins = 200_000

    let workers: Int

    init(workers: Int) {
        self.workers = workers
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
        for _ in 0..<workers {
            let t = Thread { self.workerLoop() }   // workers keep the pool alive
            t.stackSize = 1 << 20
            t.start()
        }
    }

    func run(tasks n: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { b in
            job = b
            taskCount = n
            nextTask.store(0, ordering: .sequentiallyConsistent)
            remaining.store(n, ordering: .sequentiallyConsistent)
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(&mutex)
                pthread_cond_broadcast(&cond)
                pthread_mutex_unlock(&mutex)
            }
            work(b, n)
            while remaining.load(ordering: .acquiring) > 0 {}
            job = nil
        }
    }

    private func work(_ b: (Int) -> Void, _ n: Int) {
        while true {
            let i = nextTask.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue
            if i >= n { return }
            b(i)
            remaining.wrappingSubtract(1, ordering: .releasing)
        }
    }

    private func workerLoop() {
        var seen = generation.load(ordering: .acquiring)
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && spins < Self.spins { spins += 1 }
            if generation.load(ordering: .sequentiallyConsistent) == seen {
                pthread_mutex_lock(&mutex)
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(&cond, &mutex) }
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(&mutex)
            }
            seen = generation.load(ordering: .acquiring)
            if let b = job { work(b, taskCount) }
        }
    }
}
