import Foundation

/// Continuous batching for budget-forced generation: up to `slots` sequences decode together (one
/// weight pass per layer for all of them), and a finished sequence's slot is refilled from the job source
/// at once. Each sequence owns its controller, budget, sampler and seed, and the transformer keeps every
/// sequence's arithmetic independent of its neighbours, so results do not depend on the batch size.
public final class ContinuousBatcher {
    public struct Job {
        public var id: Int
        /// The rendered thinking prompt as token ids (`ThinkingGenerator.promptTokens`), shorter than the
        /// context: a record's samples share it, and the caller rejects what does not fit.
        public var prompt: [Int32]
        public var seed: UInt64
        public init(id: Int, prompt: [Int32], seed: UInt64) {
            self.id = id
            self.prompt = prompt
            self.seed = seed
        }
    }

    struct Sequence {
        var job: Job
        var slot: Int
        var ctl: BudgetForcing
        var sampler: Sampler
        var pos = 0
        var input: [Int32]
        var started: Date
    }

    public let generator: ThinkingGenerator
    public var stats = GenerationStats()
    public private(set) var tokensDone = 0
    /// Tokens produced by passes without prompt chunks (the decode rate's numerator).
    public private(set) var decodeOnlyTokens = 0
    let temperature: Float, topP: Float
    /// Wall time of `run` calls, sampling and bookkeeping included.
    public private(set) var wallSeconds = 0.0

    public init(_ generator: ThinkingGenerator, temperature: Float, topP: Float) {
        self.generator = generator
        self.temperature = temperature
        self.topP = topP
    }

    /// Runs jobs from `next` (nil: no more) until all are done, calling `done` as each finishes.
    public func run(next: () throws -> Job?, done: (Job, ThinkingResult) throws -> Void) throws {
        let tf = generator.transformer
        var free = Array((0..<tf.slots).reversed())
        var active: [Sequence] = []
        var exhausted = false
        let t0 = Date()
        while true {
            while !exhausted, let slot = free.last {
                guard let job = try next() else { exhausted = true; break }
                free.removeLast()
                let prompt = job.prompt
                precondition(prompt.count < tf.capacity, "a prompt of \(prompt.count) tokens does not fit a context of \(tf.capacity)")
                active.append(Sequence(job: job, slot: slot, ctl: generator.setup.controller(promptTokens: prompt.count, capacity: tf.capacity),
                                       sampler: Sampler(temperature: temperature, topP: topP, seed: job.seed),
                                       input: prompt, started: Date()))
                stats.prefillTokens += prompt.count
            }
            if active.isEmpty { break }
            // This pass: decode steps first (they always fit), then prompt chunks while rows remain.
            var groups: [Transformer.Group] = [], members: [Int] = []
            var rows = 0
            let order = active.indices.sorted { (active[$0].input.count > 2 ? 1 : 0, $0) < (active[$1].input.count > 2 ? 1 : 0, $1) }
            for i in order {
                let n = min(tf.maxChunk, active[i].input.count)
                if rows + n > tf.maxRows { continue }
                groups.append(Transformer.Group(slot: active[i].slot, start: active[i].pos, tokens: Array(active[i].input.prefix(n))))
                members.append(i)
                rows += n
            }
            let tp = Date()
            let logits = tf.forward(groups)
            // Passes that carry a prompt chunk count as prefill time, the rest as decode time.
            let dt = Date().timeIntervalSince(tp)
            if groups.contains(where: { $0.tokens.count > 2 }) { stats.prefillSeconds += dt } else { stats.decodeSeconds += dt; decodeOnlyTokens += groups.count }
            var finished: [Int] = []
            for (gi, i) in members.enumerated() {
                let n = groups[gi].tokens.count
                active[i].input.removeFirst(n)
                active[i].pos += n
                guard active[i].input.isEmpty else { continue }
                let l = logits[gi]
                drive: while true {
                    switch active[i].ctl.next() {
                    case .sample(let suppress):
                        if suppress {
                            let m = UnsafeMutablePointer(mutating: l.baseAddress!)
                            for id in active[i].ctl.endingTokens { m[Int(id)] = -.infinity }
                        }
                        let tok = active[i].sampler.sample(l)
                        if active[i].ctl.accept(tok) {
                            active[i].input = [tok]
                            tokensDone += 1
                            break drive
                        }
                    case .force(let toks):
                        active[i].input = toks
                        break drive
                    case .rewind(let n):
                        // The KV entries past the new position are overwritten by the forced tokens that follow.
                        active[i].pos -= n
                    case .finish:
                        finished.append(i)
                        break drive
                    }
                }
            }
            for i in finished.sorted(by: >) {
                let s = active.remove(at: i)
                free.append(s.slot)
                try done(s.job, generator.result(s.ctl, started: s.started))
            }
        }
        stats.decodeTokens += decodeOnlyTokens
        wallSeconds += Date().timeIntervalSince(t0)
    }
}
