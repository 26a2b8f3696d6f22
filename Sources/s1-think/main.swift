import ArgumentParser
import Foundation
import Shared

struct Think: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s1-think",
        abstract: "Generate from a model: budget-forced thinking (s1), plain continuation (--raw) or tokenization (--tokenize).",
        discussion: """
        Input lines are records (the prompt is `question`, else `prompt`; with --raw, `prompt_ids` gives token ids) or, when a line is not JSON, the line \
        itself as the question. Each record gets one object appended to `outputs`.
        """)

    @Option(help: "A GGUF file or a Hugging Face directory (config.json, safetensors, tokenizer.json).")
    var model: String?

    @Option(help: "Decode on this OpenAI-compatible server (vLLM, SGLang, llama.cpp's server) instead: its base URL, e.g. http://gpu1:8000.")
    var endpoint: String?

    @Option(help: "With --endpoint: the served model's name, as GET /v1/models lists it.")
    var servedModel: String?

    @Option(help: "With --endpoint: the served model's tokenizer (its GGUF, Hugging Face directory or tokenizer.json); prompts are rendered and tokenized here.")
    var tokenizer: String?

    @Option(help: "With --endpoint: read the API key from this environment variable (it is sent only as the Authorization header).")
    var apiKeyEnv: String?

    @Option(help: "With --endpoint: seconds a request may wait for the connection or for the next bytes of its reply.")
    var timeout: Double = 600

    @Option(help: "With --endpoint: seconds the startup checks wait for the server.")
    var connectTimeout: Double = 10

    @Option(help: "With --endpoint: retries of a request that failed with 429, 5xx, a timeout or a dropped connection (exponential backoff).")
    var retries = 5

    @Option(help: "The context per sequence: locally, at most the model's (a smaller one bounds `auto` budgets and the KV cache); with --endpoint, when the server does not report it.")
    var context: Int?

    @Option(help: "Thinking budget in tokens (generated and forced), or auto = context − prompt − closing − 100. A list (256,512,1024) sweeps: one output per budget, the thinking decoded once and forked.")
    var maxThinkingTokens: String = "auto"

    @Option(help: "Suppress the end of thinking until this many thinking tokens exist.")
    var minThinkingTokens = 0

    @Option(help: "The first N times the model ends its thinking, drop that and append --wait-string instead. A list (0,1,2) sweeps, as budgets do.")
    var wait = "0"

    @Option(help: "What a wait appends (the paper also tries Hmm, Alternatively and the empty string).")
    var waitString = "Wait"

    @Option(help: "Most answer tokens after the thinking.")
    var maxAnswerTokens = 4096

    @Option(help: "Samples per record (needs --temperature > 0), for majority voting.")
    var samples = 1

    @Option(help: "Prompt-conditioned control: tokens:N (TCC), steps:N (SCC: thinking ends at <|im_start|>0), class:short or class:long (appended to the question).")
    var control: String?

    @Option(help: "Rejection sampling: resample until the thinking has at most this many tokens…")
    var rejectOver: Int?

    @Option(help: "…trying at most this many times (the last try is kept).")
    var maxTries = 8

    @Option(help: "The system prompt (default: s1's).")
    var system: String = ChatTemplate.defaultSystem

    @Option(help: "Skip records whose `id` already appears in this JSONL file (continue a killed run).")
    var skipIds: String?

    @Option(help: "Sequences decoded together (continuous batching); results do not depend on it.")
    var batch = 8

    @Flag(help: "Progress on stderr (records, tokens/s) even when stderr is not a terminal.")
    var progress = false

    @Flag(help: "No template and no thinking: continue the prompt verbatim until <|im_end|>/EOS or --max-tokens.")
    var raw = false

    @Option(help: "With --raw: most tokens to generate.")
    var maxTokens = 256

    @Flag(help: "No generation: add `tokens`, the ids of the question text as given.")
    var tokenize = false

    @Option(help: "native (keep the file's weights), f32 (dequantize everything; matches PyTorch fp32), or q8_0/q4_0/q4_1 (quantize the matrices at load: a fine-tuned fp32 checkpoint decodes at quantized speed).")
    var dtype: String = "native"

    @Option(help: "KV cache elements: auto (f16 with the file's weights, f32 with --dtype f32), f16, f32, or q8_0 (ggml's 8-bit blocks: 53% of f16's memory, for long contexts).")
    var kvDtype = "auto"

    /// nil = the default for the weights.
    var kvDType: KVCache.DType? { KVCache.DType(rawValue: kvDtype) }

    @Option(help: "0 = greedy.")
    var temperature: Float = 0

    @Option(help: "Nucleus sampling mass.")
    var topP: Float = 1

    @Option(help: "Sampling seed; each record draws from its own stream of it.")
    var seed: UInt64 = 0

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "The `model` field of outputs (default: the model's file name).")
    var tag: String?

    @Flag(help: "Keep generating past <|im_end|>/EOS (benchmarks measure a fixed number of tokens).")
    var ignoreEOS = false

    @Argument(help: "Input files (stdin when none).")
    var inputs: [String] = []

    @OptionGroup var io: RecordIOOptions
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        if endpoint == nil {
            guard model != nil else { throw ValidationError("--model is required (or --endpoint with --served-model and --tokenizer)") }
            if servedModel != nil || tokenizer != nil || apiKeyEnv != nil { throw ValidationError("--served-model, --tokenizer and --api-key-env go with --endpoint") }
        } else {
            guard let e = endpoint, let u = URL(string: e), ["http", "https"].contains(u.scheme ?? ""), u.host != nil else {
                throw ValidationError("--endpoint is an http:// or https:// URL")
            }
            guard servedModel != nil else { throw ValidationError("--endpoint needs --served-model (the name GET /v1/models lists)") }
            guard tokenizer != nil || model != nil else { throw ValidationError("--endpoint needs --tokenizer (the served model's GGUF, directory or tokenizer.json)") }
            if raw { throw ValidationError("--raw decodes locally; with --endpoint, s1-think does budget-forced thinking only") }
            if dtype != "native" || kvDtype != "auto" || threads != nil { throw ValidationError("--dtype, --kv-dtype and --threads are for local decoding, not --endpoint") }
            if !(timeout > 0 && timeout <= 86_400) || !(connectTimeout > 0 && connectTimeout <= 3600) { throw ValidationError("--timeout and --connect-timeout are seconds, above 0") }
            if !(0...100).contains(retries) { throw ValidationError("--retries must be between 0 and 100") }
        }
        if let c = context, c < 2 || c > 1 << 24 { throw ValidationError("--context must be between 2 and 16777216") }
        guard WeightDType(rawValue: dtype) != nil else { throw ValidationError("--dtype is native, f32, q8_0, q4_0 or q4_1") }
        if kvDtype != "auto" && KVCache.DType(rawValue: kvDtype) == nil { throw ValidationError("--kv-dtype is auto, f16, f32 or q8_0") }
        if let t = threads, !(1...1024).contains(t) { throw ValidationError("--threads must be between 1 and 1024") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        guard let budgets = Self.budgets(maxThinkingTokens) else {
            throw ValidationError("--max-thinking-tokens is auto, a number or a list of distinct numbers (256,512,1024)")
        }
        guard let waits = Self.counts(wait) else { throw ValidationError("--wait is a count or a list of distinct counts (0,1,2)") }
        if budgets.count * waits.count > 64 { throw ValidationError("a sweep has at most 64 settings (budgets × waits)") }
        if budgets.count * waits.count > 1 && rejectOver != nil { throw ValidationError("--reject-over takes one budget and one --wait, not a sweep") }
        if samples < 1 || samples > 4000 { throw ValidationError("--samples must be between 1 and 4000") }
        if batch < 1 || batch > 256 { throw ValidationError("--batch must be between 1 and 256") }
        if samples > 1 && temperature <= 0 { throw ValidationError("--samples > 1 needs --temperature > 0 (greedy samples are all the same)") }
        if rejectOver != nil && temperature <= 0 { throw ValidationError("--reject-over needs --temperature > 0 (a greedy retry repeats itself)") }
        if let c = control, PromptControl(c) == nil { throw ValidationError("--control is tokens:N, steps:N, class:short or class:long") }
        if let c = control, case .steps = PromptControl(c), waits.contains(where: { $0 > 0 }), waitString.isEmpty {
            throw ValidationError("--control steps:N with --wait needs a non-empty --wait-string (the step marker is taken back and replaced by it)")
        }
        if minThinkingTokens < 0 || maxAnswerTokens < 1 || maxTries < 1 { throw ValidationError("counts must not be negative") }
        if maxTries > 4000 { throw ValidationError("--max-tries must be at most 4000") }
        if !temperature.isFinite || temperature < 0 { throw ValidationError("--temperature must be a finite number, not negative") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    func run() throws {
        let tally = Tally(tool: "s1-think")
        if let t = threads { Parallel.threads = t }
        BLAS.setThreads(1)
        try ToolMain.run(tally) {
            var io = self.io
            var shard = sharding.value
            var skip = skipIds.map { [$0] } ?? []
            // Resuming into the output itself: append after what is there, never replace it.
            if let s = skipIds, io.isOutput(s) { io.appendOutput = true }
            // Under mpirun each rank decodes its shard into its own file (appended to, and skipped on a
            // re-run, so the same command resumes a killed job); rank 0 merges them in input order.
            let world = DataParallel.shared
            let merged = try world.size > 1 ? rankSetup(world, &io, &shard, &skip) : nil
            let (reader, writer, policy) = try io.open(inputs: inputs, tally: tally)
            reader.shard = shard
            reader.plainTextQuestions = true
            if tokenize {
                let tok = try ModelLoader.loadTokenizer(tokenizer ?? model!)
                while let r = try reader.next() {
                    // A record without a usable question is bad input, handled as every tool does (--skip-bad).
                    guard let q = try policy.check(r, { try question(r) }) else { continue }
                    r.set("tokens", .array(tok.encode(q).map { .int(Int($0)) }))
                    try writer.write(r)
                    try writer.flush()
                }
            } else if !raw {
                try think(reader, writer, tally, policy, skip: skip)
            } else {
                let loaded = try ModelLoader.load(model!, dtype: WeightDType(rawValue: dtype)!)
                let gen = try RawGenerator(loaded, capacity: context, kvDType: kvDType)
                let name = tag ?? URL(fileURLWithPath: model!).lastPathComponent
                while let r = try reader.next() {
                    var stream = SplitMix64(seed: seed, stream: r.string("id") ?? "line \(r.line)")
                    var sampler = Sampler(temperature: temperature, topP: topP, seed: stream.next())
                    guard let (given, ids) = try policy.check(r, { () throws -> ([Int32]?, [Int32]) in
                        let given = try promptIDs(r, vocabulary: loaded.config.vocabSize)
                        let ids = try given ?? loaded.tokenizer.encode(question(r))
                        guard !ids.isEmpty, ids.count < gen.transformer.capacity else {
                            throw InputError(r.source, line: r.line, "the prompt is \(ids.count) tokens; the context holds \(gen.transformer.capacity)")
                        }
                        return (given, ids)
                    }) else { continue }
                    let out = gen.generate(ids, maxTokens: maxTokens, sampler: &sampler, ignoreEOS: ignoreEOS)
                    var fields: [(String, JSONValue)] = [("model", .string(name)), ("text", .string(out.text)),
                                                         ("tokens", .int(out.tokens.count)), ("finish", .string(out.finish)),
                                                         ("seconds", .double((out.seconds * 1000).rounded() / 1000))]
                    // Given ids in, ids out: comparisons with another engine need no re-tokenization.
                    if given != nil { fields.append(("ids", .array(out.tokens.map { .int(Int($0)) }))) }
                    r.append("outputs", .object(fields))
                    try writer.write(r)
                    try writer.flush()
                }
                let s = gen.stats
                tally.notes.append(String(format: "prefill %d tokens %.1f tok/s, decode %d tokens %.1f tok/s, %d threads, peak RSS %@",
                                          s.prefillTokens, s.prefillRate, s.decodeTokens, s.decodeRate, Parallel.threads,
                                          ProcessStats.mib(ProcessStats.peakRSS)))
            }
            try writer.close()
            try policy.close()
            if let merged { try mergeRanks(world, into: merged, tally: tally) }
            world.finish()
        }
    }

    /// Points this rank at its shard and its own output file; returns the merged output's path.
    func rankSetup(_ world: DataParallel, _ io: inout RecordIOOptions, _ shard: inout Shard?, _ skip: inout [String]) throws -> String {
        guard let out = io.output, out != "-" else { throw UsageError("under mpirun, s1-think needs -o FILE: rank 0 writes the merged output there") }
        guard !inputs.isEmpty, !inputs.contains("-") else { throw UsageError("under mpirun, s1-think reads input files (every rank reads them), not stdin") }
        guard shard == nil else { throw UsageError("under mpirun the ranks are the shards: drop --shard") }
        guard !out.hasSuffix(".zst") else { throw UsageError("under mpirun, -o is a plain JSONL file (ranks append to their parts)") }
        shard = Shard(index: world.rank, count: world.size)
        let mine = Self.rankFile(out, world.rank, world.size)
        io.output = mine
        io.appendOutput = true
        skip.append(mine)
        return out
    }

    static func rankFile(_ out: String, _ rank: Int, _ size: Int) -> String { "\(out).rank-\(rank)-of-\(size)" }

    /// Rank 0, once every rank is done: the parts merged in input order (as `s1-filter merge`), then removed.
    func mergeRanks(_ world: DataParallel, into out: String, tally: Tally) throws {
        world.barrier()
        guard world.isRoot else { return }
        let parts = (0..<world.size).map { Self.rankFile(out, $0, world.size) }
        let mergeTally = Tally(tool: "s1-think merge")
        let sink = try ByteSink(path: out)
        let writer = RecordWriter(sink: sink, tally: mergeTally)
        try ShardMerge.merge(shards: parts, like: inputs, writer: writer, policy: BadLinePolicy(skipBad: false, rejects: nil, tally: mergeTally),
                             maxLineBytes: io.maxLineBytes, missingAllowed: true)
        try writer.close()
        for p in parts { unlink(p) }
        tally.notes.append("rank 0 merged \(world.size) ranks' \(mergeTally.written) records into \(out)")
    }
}

extension Think {
    /// --raw's `prompt_ids`: the prompt as token ids of this model, used as they are (no tokenizer).
    func promptIDs(_ r: Record, vocabulary: Int) throws -> [Int32]? {
        guard let p = r["prompt_ids"] else { return nil }
        guard p.isArray else { throw InputError(r.source, line: r.line, "`prompt_ids` is not an array of token ids") }
        return try p.elements.map { e in
            guard let v = e.int, v >= 0, v < vocabulary else {
                throw InputError(r.source, line: r.line, "`prompt_ids` holds \(e.scalarText ?? "a non-number"), not a token id of this model (0..<\(vocabulary))")
            }
            return Int32(v)
        }
    }

    func question(_ r: Record) throws -> String {
        guard let q = r.string("question") ?? r.string("prompt") else {
            throw InputError(r.source, line: r.line, "record has no `question` or `prompt` string")
        }
        return q
    }

    /// Budget-forced thinking (SPEC §5) with continuous batching: records are read as slots free up,
    /// each yields `samples` jobs (and rejection-sampling retries), and records are written in input
    /// order as soon as all their outputs exist.
    func think(_ reader: RecordReader, _ writer: RecordWriter, _ tally: Tally, _ policy: BadLinePolicy, skip: [String]) throws {
        var opts = ThinkingOptions()
        let budgets = Self.budgets(maxThinkingTokens)!, waits = Self.counts(wait)!
        opts.maxThinking = budgets[0]
        opts.waits = waits[0]
        if budgets.count * waits.count > 1 {
            opts.sweep = budgets.flatMap { b in waits.map { ThinkingOptions.SweepPoint(budget: b, waits: $0) } }
        }
        opts.minThinking = minThinkingTokens
        opts.waitString = waitString
        let ctl = control.flatMap(PromptControl.init)
        if case .steps = ctl { opts.steps = true }
        opts.maxAnswer = maxAnswerTokens
        opts.system = system
        let doneIDs = try skip.reduce(into: Set<String>()) { $0.formUnion(try Self.ids(in: $1)) }
        let engine = try makeEngine(opts)
        let points = opts.points.count
        let setup = engine.setup
        let name = tag ?? servedModel ?? URL(fileURLWithPath: model!).lastPathComponent
        let showProgress = self.progress || isatty(2) != 0
        let progress = Progress(enabled: showProgress, total: showProgress ? LineReader.countRecords(inputs) : nil)
        // With --endpoint every output says where it was decoded (the URL, never a key).
        // …and, with --control, which length control the prompt carried (tokens:N, steps:N, class:…) and
        // whether budget forcing was on top of it (`budget`: given, or auto = only the context's limit).
        let site: [(String, JSONValue)] = (endpoint.map { [("endpoint", .string($0))] } ?? [])
            + (control.map { [("control", .string($0))] } ?? [])
            + (control != nil || rejectOver != nil ? [("budget", .string(maxThinkingTokens == "auto" ? "auto" : "given"))] : [])

        // Records in flight, by input index; each job id encodes (record index, sample, try).
        var records: [Int: (record: Record, prompt: [Int32], key: String, outputs: [JSONValue?])] = [:]
        var nextRecord = 0, nextToWrite = 0, written = 0, inputDone = false
        var issue: [(Int, Int, Int)] = []   // (record, sample, try) jobs waiting for a slot, retries first
        func jobID(_ r: Int, _ k: Int, _ t: Int) -> Int { (r << 24) | (k << 12) | t }
        func makeJob(_ r: Int, _ k: Int, _ t: Int) -> ContinuousBatcher.Job {
            var stream = SplitMix64(seed: seed, stream: "\(records[r]!.key)/\(k)/\(t)")
            return ContinuousBatcher.Job(id: jobID(r, k, t), prompt: records[r]!.prompt, seed: stream.next())
        }
        func flush() throws {
            while let entry = records[nextToWrite], entry.outputs.allSatisfy({ $0 != nil }) {
                for o in entry.outputs { entry.record.append("outputs", o!) }
                try writer.write(entry.record)
                try writer.flush()
                records[nextToWrite] = nil
                nextToWrite += 1
                written += 1
            }
        }
        try engine.run(next: {
            if !issue.isEmpty { let (r, k, t) = issue.removeFirst(); return makeJob(r, k, t) }
            // Asked again after each finished job (a retry may be queued): the input is read to its end once.
            while !inputDone, let r = try reader.next() {
                if let id = r.string("id"), doneIDs.contains(id) { tally.drop("already in --skip-ids"); continue }
                let prompt: [Int32]
                do {
                    var q = try question(r)
                    if let ctl { q = ctl.apply(to: q) }
                    // Tokenized once for all the record's samples. A prompt that leaves no room to think is an
                    // error for its record, never an empty output.
                    prompt = setup.promptTokens(q)
                    if prompt.count >= engine.capacity - 1 {
                        throw InputError(r.source, line: r.line, "the prompt is \(prompt.count) tokens; the context holds \(engine.capacity)")
                    }
                } catch let e as InputError {
                    try policy.reject(e, record: r)   // --skip-bad: set aside and counted; else exit 65
                    continue
                }
                records[nextRecord] = (r, prompt, r.string("id") ?? "line \(r.line)", Array(repeating: nil, count: samples * points))
                for k in 1..<max(1, samples) { issue.append((nextRecord, k, 0)) }
                nextRecord += 1
                return makeJob(nextRecord - 1, 0, 0)
            }
            inputDone = true
            return nil
        }, name: { job in
            let r = records[job.id >> 24]!.record
            return "record \(r.string("id").map { "`\($0)`" } ?? "") (\(r.source):\(r.line))"
        }, done: { job, results in
            let r = job.id >> 24, k = (job.id >> 12) & 0xFFF, t = job.id & 0xFFF
            if let limit = rejectOver, results[0].thinkingTokens > limit, t + 1 < maxTries {
                issue.insert((r, k, t + 1), at: 0)
                return
            }
            let extra: [(String, JSONValue)] = site + (rejectOver.map { [("tries", .int(t + 1)), ("reject_over", .int($0))] } ?? [])
            // A sample's outputs: one per sweep setting, budgets outer and waits inner.
            for (p, result) in results.enumerated() { records[r]!.outputs[k * points + p] = result.json(model: name, extra: extra) }
            try flush()
            progress.update(records: written, tokens: engine.tokensDone)
        })
        try flush()
        // Every record read is written: a record still waiting here would be lost silently.
        if nextToWrite < nextRecord {
            throw UsageError("internal error: \(nextRecord - nextToWrite) records were read but never finished (first: \(records[nextToWrite]?.key ?? "?"))")
        }
        progress.finish()
        tally.notes.append(engine.summary)
    }

    /// `auto`, or one budget or a list of distinct ones (`256,512,1024`); nil when malformed.
    static func budgets(_ text: String) -> [ThinkingOptions.Budget]? {
        if text == "auto" { return [.auto] }
        return counts(text).map { $0.map { .tokens($0) } }
    }

    /// A count or a comma-separated list of distinct counts ≥ 0; nil when malformed.
    static func counts(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        let n = parts.map { $0! }
        return Set(n).count == n.count ? n : nil
    }

    /// The local transformer, or the server behind --endpoint once it has passed the startup checks.
    func makeEngine(_ opts: ThinkingOptions) throws -> ThinkingEngine {
        guard let endpoint, let served = servedModel else {
            let loaded = try ModelLoader.load(model!, dtype: WeightDType(rawValue: dtype)!)
            let gen = try ThinkingGenerator(loaded, options: opts, capacity: context, slots: batch, kvDType: kvDType)
            return ContinuousBatcher(gen, temperature: temperature, topP: topP)
        }
        let tokPath = tokenizer ?? model!
        let setup = try ThinkingSetup(tokenizer: ModelLoader.loadTokenizer(tokPath), options: opts, path: tokPath)
        var key: String? = nil
        if let v = apiKeyEnv {
            guard let k = ProcessInfo.processInfo.environment[v], !k.isEmpty else { throw UsageError("--api-key-env \(v): the variable is not set") }
            key = k
        }
        let client = HTTPClient(base: URL(string: endpoint)!, apiKey: key, timeout: timeout, retries: retries)
        let server = try EndpointCheck.run(client, model: served, tokenizer: setup.tokenizer, needsLogitBias: minThinkingTokens > 0,
                                           context: context, connectTimeout: connectTimeout)
        return RemoteThinker(setup: setup, client: client, server: server, temperature: temperature, topP: topP, concurrency: batch)
    }

    /// The `id`s of a JSONL file (a previous run's output); unreadable lines are skipped, not fatal.
    static func ids(in path: String) throws -> Set<String> {
        var out = Set<String>()
        let policy = BadLinePolicy(skipBad: true, rejects: nil, tally: Tally(tool: "skip-ids"))
        let reader = RecordReader(paths: [path], policy: policy)
        while let r = try reader.next() { if let id = r.string("id") { out.insert(id) } }
        return out
    }
}

Think.main()
