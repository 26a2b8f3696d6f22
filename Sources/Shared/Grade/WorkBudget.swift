import Glibc

/// The judge's time budget per answer (the grading issue: about 50 ms). Past it the verdict is
/// not-equal with a `judge_note`, so no answer can stall a report. Checked cheaply: the clock is read
/// every 64 steps.
public final class WorkBudget {
    public static let perAnswerMilliseconds: UInt64 = 50
    public struct Exceeded: Error {}

    let deadline: UInt64
    var steps = 0
    public private(set) var exceeded = false

    public init(milliseconds: UInt64 = WorkBudget.perAnswerMilliseconds) {
        deadline = WorkBudget.now() + milliseconds * 1_000_000
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Throws once the budget is spent.
    public func tick() throws {
        if exceeded { throw Exceeded() }
        steps &+= 1
        if steps & 63 == 0, WorkBudget.now() > deadline {
            exceeded = true
            throw Exceeded()
        }
    }
}
