/// s1's difficulty stage: drop questions a tagged model solved (any graded output of that tag correct),
/// optionally keep only long traces. Outputs not yet graded (no `correct`) never count as solved; the
/// tool reports how many records had no graded output for a tag so a missing s1-score step shows.
public struct DifficultyFilter {
    public let tags: [String]
    public let minTrace: Int?
    public let length: TraceLength

    public init(tags: [String], minTrace: Int?, length: TraceLength) {
        self.tags = tags
        self.minTrace = minTrace
        self.length = length
    }

    public enum Verdict: Equatable { case keep, solvedBy(String), shortTrace }

    public func judge(_ r: Record, ungraded: (String) -> Void) -> Verdict {
        let outs = r["outputs"]?.elements ?? []
        for tag in tags {
            let mine = outs.filter { $0["model"]?.string == tag }
            let graded = mine.filter { $0["correct"]?.bool != nil }
            if graded.isEmpty { ungraded(tag) }
            if graded.contains(where: { $0["correct"]?.bool == true }) { return .solvedBy(tag) }
        }
        if let m = minTrace, length.measure(r) < m { return .shortTrace }
        return .keep
    }
}
