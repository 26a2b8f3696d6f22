/// What s1-think needs of a budget-forcing backend: the local transformer with continuous batching
/// (`ContinuousBatcher`) or an OpenAI-compatible server (`RemoteThinker`). Both take jobs on the calling
/// thread and report each result there, so records are written in input order whichever decodes.
public protocol ThinkingEngine: AnyObject {
    var setup: ThinkingSetup { get }
    /// Tokens of context a sequence has (prompt, thinking and answer).
    var capacity: Int { get }
    var tokensDone: Int { get }
    /// One line for the run's summary on stderr.
    var summary: String { get }
    /// Runs jobs from `next` (nil: no more) until all are done, calling `done` as each finishes with one
    /// result per sweep setting (`ThinkingOptions.points`); `name` says which record a job is, for errors.
    func run(next: () throws -> ContinuousBatcher.Job?, name: (ContinuousBatcher.Job) -> String,
             done: (ContinuousBatcher.Job, [ThinkingResult]) throws -> Void) throws
}

extension ContinuousBatcher: ThinkingEngine {
    public var setup: ThinkingSetup { generator.setup }
    public var capacity: Int { generator.transformer.capacity }

    public func run(next: () throws -> Job?, name: (Job) -> String, done: (Job, [ThinkingResult]) throws -> Void) throws {
        try run(next: next, done: done)
    }

    public var summary: String {
        String(format: "prefill %d tokens, decode %.1f tok/s, %d tokens generated in %.1f s (%.1f tok/s overall), batch %d, %d threads, peak RSS %@",
               stats.prefillTokens, stats.decodeRate, tokensDone, wallSeconds, Double(tokensDone) / max(wallSeconds, 1e-9),
               generator.transformer.slots, Parallel.threads, ProcessStats.mib(ProcessStats.peakRSS))
    }
}
