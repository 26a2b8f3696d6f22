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

    /// One sequence in a slot: the controllers of the sweep settings that have seen exactly the same tokens
    /// so far (`members`), sharing its KV cache and sampler. When their next actions differ, the sequence
    /// forks (`drive`).
    struct Sequence {
        var job: Job
        var slot: Int
        var members: [(point: Int, ctl: BudgetForcing)]
        var sampler: Sampler
        var pos = 0
        var input: [Int32]
        var started: Date
        /// The action the members already chose (a fork starts with the one that split it off).
        var action: BudgetForcing.Action? = nil
        /// Jobs with the same prompt that arrived while it was prefilling (a record's other samples): each
        /// becomes a fork of this sequence once the prompt is in the cache, with its own seed.
        var siblings: [Job] = []
    }

    /// Whether a job whose prompt equals that of a sequence still prefilling shares that prefill (the
    /// outputs are the same either way; off only to test that).
    public var sharePrompts = true

    public let generator: ThinkingGenerator
    public var stats = GenerationStats()
    public private(set) var tokensDone = 0
    /// Tokens produced by passes without prompt chunks (the decode rate's numerator).
    public private(set) var decodeOnlyTokens = 0
    let temperature: Float, topP: Float
    /// Wall time of `run` calls, sampling and bookkeeping included.
    public private(set) var wallSeconds = 0.0
    /// Logits with the end of thinking masked [vocab].
    var masked: [Float]

    public init(_ generator: ThinkingGenerator, temperature: Float, topP: Float) {
        self.generator = generator
        self.temperature = temperature
        self.topP = topP
        masked = Array(repeating: 0, count: generator.model.config.vocabSize)
    }

    /// Runs jobs from `next` (nil: none for now) until all are done, calling `done` with each job's outputs
    /// (one per sweep setting, in `ThinkingOptions.points` order) when its last one finishes. `done` may make
    /// new work (a rejection-sampling retry), so `next` is asked again after each `done`.
    ///
    /// A sweep decodes each job once: all its settings start as the members of one sequence, which forks
    /// where their controllers first act differently (a smaller budget closes, a wait is not inserted). The
    /// fork takes a copy of the KV cache and the sampler at that point, so each output is exactly what a
    /// separate run with its setting gives. A fork with no free slot waits in a snapshot (`parked`) and has
    /// the first free slot, before any new job.
    public func run(next: () throws -> Job?, done: (Job, [ThinkingResult]) throws -> Void) throws {
        let tf = generator.transformer
        let points = generator.options.points.count
        var free = Array((0..<tf.slots).reversed())
        var active: [Sequence] = [], parked: [(Sequence, KVCache.Snapshot)] = []
        var results: [Int: (job: Job, outputs: [ThinkingResult?])] = [:]
        var exhausted = false, held: Job? = nil
        let t0 = Date()
        while true {
            while !parked.isEmpty, let slot = free.popLast() {
                var (s, snap) = parked.removeFirst()
                tf.cache.restore(snap, slot: slot)
                s.slot = slot
                active.append(s)
            }
            // New jobs: one that joins a prefill needs no slot, and one that finds no slot waits in `held` (no
            // more are pulled until it has one). With no slot free, a job is pulled only while some prefill
            // could take it, so a slow input never stalls decoding.
            while parked.isEmpty && (held != nil ? !free.isEmpty
                                     : !exhausted && (!free.isEmpty || (sharePrompts && active.contains { $0.pos < $0.job.prompt.count }))) {
                let job: Job
                if let h = held {
                    job = h
                    held = nil
                } else {
                    guard let j = try next() else { exhausted = true; break }
                    job = j
                    precondition(job.prompt.count < tf.capacity, "a prompt of \(job.prompt.count) tokens does not fit a context of \(tf.capacity)")
                    results[job.id] = (job, Array(repeating: nil, count: points))
                }
                let prompt = job.prompt
                // At most a batch of siblings per prefill, so the forks waiting for a slot stay bounded.
                if sharePrompts, let i = active.firstIndex(where: { $0.pos < $0.job.prompt.count && $0.siblings.count < tf.slots && $0.job.prompt == prompt }) {
                    active[i].siblings.append(job)
                    continue
                }
                guard let slot = free.popLast() else { held = job; break }
                active.append(Sequence(job: job, slot: slot, members: controllers(prompt.count), sampler: sampler(job),
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
            var finished: [Int] = [], forks: [Sequence] = [], complete: [Int] = []
            func finish(_ s: Sequence) {
                for m in s.members { results[s.job.id]!.outputs[m.point] = generator.result(m.ctl, started: s.started) }
                if results[s.job.id]!.outputs.allSatisfy({ $0 != nil }) { complete.append(s.job.id) }
            }
            for (gi, i) in members.enumerated() {
                let n = groups[gi].tokens.count
                active[i].input.removeFirst(n)
                active[i].pos += n
                guard active[i].input.isEmpty else { continue }
                // The sequence, then the forks it makes (they see the same logits), each until it needs input.
                // Its prompt's siblings start here, from the same cache.
                var queue: [Sequence] = active[i].siblings.map { job in
                    var f = active[i]
                    f.job = job
                    f.members = controllers(job.prompt.count)
                    f.sampler = sampler(job)
                    f.siblings = []
                    f.started = Date()
                    return f
                }
                active[i].siblings = []
                if drive(&active[i], logits[gi], fork: { queue.append($0) }) { finish(active[i]); finished.append(i) }
                var k = 0
                while k < queue.count {
                    var f = queue[k]
                    k += 1
                    if drive(&f, logits[gi], fork: { queue.append($0) }) { finish(f) } else { forks.append(f) }
                }
            }
            // A fork still names its parent's slot, whose cache this pass has not changed: copy it to a free slot,
            // or set it aside. Finished slots are freed after, so no fork overwrites a parent it copies from.
            for var f in forks {
                if let slot = free.popLast() {
                    tf.cache.copy(slot: f.slot, to: slot, positions: f.pos)
                    f.slot = slot
                    active.append(f)
                } else {
                    parked.append((f, tf.cache.snapshot(slot: f.slot, positions: f.pos)))
                }
            }
            for i in finished.sorted(by: >) { free.append(active.remove(at: i).slot) }
            for id in complete {
                let r = results.removeValue(forKey: id)!
                try done(r.job, r.outputs.map { $0! })
                exhausted = false
            }
        }
        stats.decodeTokens += decodeOnlyTokens
        wallSeconds += Date().timeIntervalSince(t0)
    }

    /// A new job's controllers, one per sweep setting.
    func controllers(_ promptTokens: Int) -> [(point: Int, ctl: BudgetForcing)] {
        let cap = generator.transformer.capacity
        return (0..<generator.options.points.count).map { (point: $0, ctl: generator.setup.controller(promptTokens: promptTokens, capacity: cap, point: $0)) }
    }

    func sampler(_ job: Job) -> Sampler { Sampler(temperature: temperature, topP: topP, seed: job.seed) }

    /// Drives a sequence whose input was consumed (`l`: its logits) until it needs input again; true when it
    /// finished. Members whose action differs from the first member's go to `fork` as new sequences, at the
    /// same position with the same sampler, their action pending (or, split by `accept`, the token fed).
    func drive(_ s: inout Sequence, _ l: UnsafeBufferPointer<Float>, fork: (Sequence) -> Void) -> Bool {
        while s.input.isEmpty {
            let action: BudgetForcing.Action
            if let a = s.action {
                action = a
                s.action = nil
            } else {
                var acts: [BudgetForcing.Action] = []
                for m in s.members.indices { acts.append(s.members[m].ctl.next()) }
                action = acts[0]
                var rest = Array(zip(s.members, acts))
                s.members = rest.filter { $0.1 == action }.map(\.0)
                rest.removeAll { $0.1 == action }
                while let a = rest.first?.1 {
                    var f = s
                    f.members = rest.filter { $0.1 == a }.map(\.0)
                    f.action = a
                    rest.removeAll { $0.1 == a }
                    fork(f)
                }
            }
            switch action {
            case .sample(let suppress):
                let tok: Int32
                if suppress {
                    // Masked on a copy: a fork may still sample the same logits unmasked.
                    let ending = s.members[0].ctl.endingTokens
                    tok = masked.withUnsafeMutableBufferPointer { m in
                        _ = m.update(fromContentsOf: l)
                        for id in ending { m[Int(id)] = -.infinity }
                        return s.sampler.sample(UnsafeBufferPointer(m))
                    }
                } else {
                    tok = s.sampler.sample(l)
                }
                var kept: [Bool] = []
                for m in s.members.indices { kept.append(s.members[m].ctl.accept(tok)) }
                if kept.contains(!kept[0]) {
                    var f = s
                    f.members = zip(s.members, kept).filter { $0.1 != kept[0] }.map(\.0)
                    s.members = zip(s.members, kept).filter { $0.1 == kept[0] }.map(\.0)
                    if !kept[0] { f.input = [tok]; tokensDone += 1 }
                    fork(f)
                }
                if kept[0] { s.input = [tok]; tokensDone += 1 }
            case .force(let toks):
                s.input = toks
            case .rewind(let n):
                // The KV entries past the new position are overwritten by the forced tokens that follow.
                s.pos -= n
            case .finish:
                return true
            }
        }
        return false
    }
}
