import Foundation

/// Budget forcing (SPEC §5) against an OpenAI-compatible server. The controller is the local one
/// (`BudgetForcing`); only sampling moves to the server. Each `.sample` the controller asks for is served
/// from the tokens of one completions request that continues the exact id sequence so far:
///
///   thinking, end signals suppressed:  max_tokens = min-thinking left (and budget/room), end signals forbidden;
///                                      SCC: stop on the step marker, then one token with `0…` forbidden too
///   thinking:                          max_tokens = budget left (and room), stop on the end signals
///   answering:                         max_tokens = answer budget left (and room), stop on <|im_end|>/EOS
///
/// Tokens are fed to the controller one at a time, as the local decoder does; when it drops one (an end
/// signal becomes a wait or the delimiter) the rest of that reply is discarded and the next request
/// continues from the forced tokens. So the output is what local decoding with the server's sampler would
/// give, request boundaries aside. `--batch B` runs B sequences at once, each a thread with one request in
/// flight.
public final class RemoteThinker: ThinkingEngine {
    public let setup: ThinkingSetup
    public let client: HTTPClient
    public let server: EndpointCheck.Server
    public let temperature: Float, topP: Float
    public let concurrency: Int
    /// The text of each token a request can stop on (the end signals, answer stops, SCC's marker), decoded once.
    let stopText: [Int32: String]
    /// The context the server gives a sequence (budget auto and the room for forced closes).
    public var capacity: Int { server.context }

    let lock = NSLock()
    private var _tokensDone = 0, _requests = 0
    public var tokensDone: Int { lock.withLock { _tokensDone } }
    public var requests: Int { lock.withLock { _requests } }
    public private(set) var wallSeconds = 0.0

    public var summary: String {
        String(format: "%d tokens from %d requests to %@ in %.1f s (%.1f tok/s), %d concurrent", tokensDone, requests,
               client.base.absoluteString, wallSeconds, Double(tokensDone) / max(wallSeconds, 1e-9), concurrency)
    }

    public init(setup: ThinkingSetup, client: HTTPClient, server: EndpointCheck.Server, temperature: Float, topP: Float, concurrency: Int) {
        self.setup = setup
        self.client = client
        self.server = server
        self.temperature = temperature
        self.topP = topP
        self.concurrency = concurrency
        let stoppable = setup.base.endSignals.union(setup.base.answerStops).union(setup.base.stepMarker.map { [$0] } ?? [])
        stopText = Dictionary(uniqueKeysWithValues: stoppable.map { ($0, setup.tokenizer.decode([$0])) })
    }

    /// One budget-forced generation at one sweep setting; `what` names the record in errors.
    public func generate(prompt: [Int32], seed: UInt64, point: Int = 0, what: String) throws -> ThinkingResult {
        let started = Date()
        var ctl = setup.controller(promptTokens: prompt.count, capacity: capacity, point: point)
        let c = ctl.config
        var sequence = prompt
        var queue: ArraySlice<Int32> = []
        var seeds = SplitMix64(seed: seed, stream: "requests")
        var forbidden: [Int32] = []
        drive: while true {
            switch ctl.next() {
            case .finish:
                break drive
            case .force(let toks):
                sequence += toks
                queue = []
            case .rewind(let n):
                sequence.removeLast(n)
                queue = []
            case .sample(let suppress):
                if queue.isEmpty {
                    let used = sequence.count - prompt.count
                    var n: Int
                    var stops: [Int32] = []
                    forbidden = []
                    if ctl.phase == .thinking {
                        n = min(c.maxThinking - ctl.thinkingTokens, c.room - c.closeLength - used)
                        if suppress {
                            // logit_bias holds for the whole request: after an SCC marker it forbids `0…` for one
                            // token only, and an SCC request stops at each marker so that token gets its own request.
                            n = min(n, ctl.afterStepMarker ? 1 : c.minThinking - ctl.thinkingTokens)
                            forbidden = ctl.endingTokens.sorted()
                            stops = c.stepMarker.map { [$0] } ?? []
                        } else { stops = c.endSignals.sorted() }
                    } else {
                        n = min(c.maxAnswer + (ctl.forcedEnd ? c.finalAnswer.count : 0) - ctl.answerTokens, c.room - used)
                        stops = c.answerStops.sorted()
                    }
                    precondition(n >= 1, "the controller asked for a token with no room left")
                    let reply = try complete(CompletionAPI.Request(prompt: sequence, maxTokens: n, temperature: temperature, topP: topP,
                                                                   seed: seeds.next(), stopTokens: stops, forbidden: forbidden), what: what)
                    if reply.tokens.isEmpty {
                        throw EndpointError("\(what): the server returned no tokens (finish_reason \(reply.finish)) where \(n) were allowed")
                    }
                    if reply.tokens.count > n {
                        throw EndpointError("\(what): the server returned \(reply.tokens.count) tokens for max_tokens \(n)")
                    }
                    queue = reply.tokens[...]
                }
                let t = queue.removeFirst()
                if suppress && forbidden.contains(t) {
                    throw EndpointError("\(what): the server sampled an end-of-thinking token it was told to forbid (logit_bias ignored)")
                }
                if ctl.accept(t) {
                    sequence.append(t)
                    lock.withLock { _tokensDone += 1 }
                } else {
                    queue = []
                }
            }
        }
        return setup.result(ctl, started: started)
    }

    func complete(_ r: CompletionAPI.Request, what: String) throws -> CompletionAPI.Reply {
        lock.withLock { _requests += 1 }
        return try CompletionAPI.complete(r, client: client, server: server, vocabulary: setup.tokenizer.vocabSize,
                                          stopTexts: r.stopTokens.compactMap { stopText[$0] }, what: what)
    }

    /// Runs jobs from `next` (called on this thread only; nil: none for now, asked again after each `done`,
    /// which may make a retry) with up to `concurrency` in flight, calling `done` on this thread as each finishes; `name` says which record a job is, for errors. A sweep's settings are
    /// separate generations of the job, one after another (a server shares their prompt through its own
    /// prompt cache, if it has one). The first failure
    /// stops new work and is thrown once the jobs already running have ended (their results are still
    /// delivered, so the records before the failed one are written).
    public func run(next: () throws -> ContinuousBatcher.Job?, name: (ContinuousBatcher.Job) -> String,
                    done: (ContinuousBatcher.Job, [ThinkingResult]) throws -> Void) throws {
        let t0 = Date()
        defer { wallSeconds += Date().timeIntervalSince(t0) }
        final class Mailbox: @unchecked Sendable {
            let cond = NSCondition()
            var finished: [(ContinuousBatcher.Job, Result<[ThinkingResult], Error>)] = []
        }
        let box = Mailbox()
        var inFlight = 0, exhausted = false
        var failure: Error?
        while true {
            while failure == nil && !exhausted && inFlight < concurrency {
                guard let job = try next() else { exhausted = true; break }
                inFlight += 1
                let what = name(job)
                let thread = Thread { [self] in
                    let r = Result { try (0..<setup.options.points.count).map { try generate(prompt: job.prompt, seed: job.seed, point: $0, what: what) } }
                    box.cond.lock(); box.finished.append((job, r)); box.cond.signal(); box.cond.unlock()
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            if inFlight == 0 { break }
            box.cond.lock()
            while box.finished.isEmpty { box.cond.wait() }
            let batch = box.finished
            box.finished = []
            box.cond.unlock()
            for (job, r) in batch {
                inFlight -= 1
                switch r {
                case .success(let result): try done(job, result); exhausted = false   // a retry may follow
                case .failure(let e): if failure == nil { failure = e }
                }
            }
        }
        if let failure { throw failure }
    }
}
