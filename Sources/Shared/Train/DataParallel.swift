import CMPIShim

/// The ranks of a data-parallel job under mpirun. s1-sft: each rank computes the gradient of a fixed share
/// of every global batch, and the shares are summed with MPI_Allreduce, so every rank applies the same
/// update and the loss curve is the 1-process curve. s1-think: each rank decodes its `--shard` of the
/// records and rank 0 merges them in input order. Without mpirun this is rank 0 of 1 and nothing is
/// communicated.
public final class DataParallel: @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// Bytes sent to the reduction by this rank since the start (the benchmark's communication figure).
    public private(set) var bytesReduced = 0

    public static let shared = DataParallel()

    private init() {
        var r: Int32 = 0, s: Int32 = 1
        let status = s1_mpi_init(&r, &s)
        if status < 0 {
            Log.line("\(DataParallel.tool): error: \(String(cString: s1_mpi_error()))")
            s1_mpi_abort(70)
        }
        rank = Int(r)
        size = Int(s)
        if size > 1 {
            s1_mpi_on_stop("\(DataParallel.tool): error: rank \(rank) of \(size): the job was stopped (another rank died or was killed); the last complete checkpoint is kept, continue with --resume")
        }
    }

    public var isRoot: Bool { rank == 0 }

    static var tool: String { String(CommandLine.arguments.first?.split(separator: "/").last ?? "s1") }

    /// How a batch is shared out (between ranks, and within a rank between threads): longest first, each
    /// to the least loaded part, so the split depends only on the batch and the part count. Returns the
    /// batch indices of each part, longest first.
    public static func shares(_ lengths: [Int], parts: Int) -> [[Int]] {
        var load = [Int](repeating: 0, count: parts), share = [[Int]](repeating: [], count: parts)
        for i in lengths.indices.sorted(by: { (lengths[$0], -$0) > (lengths[$1], -$1) }) {
            let r = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            share[r].append(i)
            load[r] += lengths[i]
        }
        return share
    }

    /// In-place sums over every rank (no-ops in a 1-process run).
    public func sum(_ p: UnsafeMutablePointer<Float>, count n: Int) throws {
        guard size > 1 else { return }
        bytesReduced += 4 * n
        guard s1_mpi_allreduce_sum_f32(p, n) == 0 else { throw TrainingFailure("MPI_Allreduce of the gradients failed") }
    }

    public func sum(_ values: inout [Double]) throws {
        guard size > 1 else { return }
        bytesReduced += 8 * values.count
        let ok = values.withUnsafeMutableBufferPointer { s1_mpi_allreduce_sum_f64($0.baseAddress!, $0.count) }
        guard ok == 0 else { throw TrainingFailure("MPI_Allreduce failed") }
    }

    public func barrier() { if size > 1 { _ = s1_mpi_barrier() } }

    public func finish() { s1_mpi_finalize() }
}
