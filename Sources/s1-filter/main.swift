import ArgumentParser
import Foundation
import Shared

struct Filter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s1-filter",
        abstract: "Select s1 training data: quality, decontamination, difficulty, diversity and ablation selections.",
        subcommands: [Quality.self, Decontaminate.self, Difficulty.self, Diversity.self, Select.self,
                      Classify.self, Traces.self, Merge.self])
}

/// Inputs and output options every subcommand shares.
struct Common: ParsableArguments {
    @Argument(help: "Record files (stdin when none).")
    var inputs: [String] = []

    @OptionGroup var io: RecordIOOptions
    @OptionGroup var sharding: ShardOptions
}

/// Trace length unit: characters now; `--tokenizer` arrives with the tokenizer.
func traceLength() -> TraceLength { .characters }

struct Quality: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drop rows missing needed fields, with [asy] figures (kept for AIME), image references, p1. numbering, bold digits, or API errors in traces.")

    @Flag(help: "Keep rows that have neither answer nor solution.")
    var allowNoGold = false

    @OptionGroup var common: Common

    func run() throws {
        let tally = Tally(tool: "s1-filter quality")
        let rules = QualityFilter(requireGold: !allowNoGold)
        try ToolMain.filter(common.io, inputs: common.inputs, shard: common.sharding.value, tally: tally) { r in
            if let broken = rules.check(r) { tally.drop(broken.rawValue); return nil }
            return r
        }
    }
}

struct Decontaminate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drop records sharing any word 8-gram with a question of the evaluation sets.")

    @Option(name: .long, parsing: .upToNextOption, help: "Evaluation sets: files, URLs or named sources (read like s1-fetch's sources).")
    var against: [String]

    @Option(help: "n-gram length in words.")
    var ngram = 8

    func validate() throws {
        if !(1...64).contains(ngram) { throw ValidationError("--ngram must be between 1 and 64") }
    }

    @Option(help: "What a word is: alphanumeric (runs of letters and digits; default, robust to LaTeX spacing) or whitespace (lower-cased whitespace-separated tokens).")
    var words: String = "alphanumeric"

    @Option(help: "Local data folder for named sources (default: $S1_DATA_DIR).")
    var dataDir: String?

    @Flag(help: "Never use the network for --against sources.")
    var offline = false

    @OptionGroup var common: Common

    func run() throws {
        let tally = Tally(tool: "s1-filter decontaminate")
        guard let mode = NGramIndex.Words(rawValue: words) else { throw ValidationError("--words is alphanumeric or whitespace") }
        var index = NGramIndex(n: ngram, words: mode)
        var evalCount = 0
        try ToolMain.run(tally, summarize: false) {
            let resolver = SourceResolver(dataDir: dataDir ?? ProcessInfo.processInfo.environment["S1_DATA_DIR"], offline: offline)
            try EvalQuestions.forEach(against, resolver: resolver, maxLineBytes: common.io.maxLineBytes) { q in
                index.add(q)
                evalCount += 1
            }
            tally.notes.append("\(evalCount) evaluation questions, \(index.count) \(ngram)-grams (\(mode.rawValue) words)")
        }
        try ToolMain.filter(common.io, inputs: common.inputs, shard: common.sharding.value, tally: tally) { r in
            guard let q = r.string("question") else { tally.drop("no question"); return nil }
            if index.overlaps(q) { tally.drop("shares an \(ngram)-gram with an evaluation question"); return nil }
            return r
        }
    }
}

struct Difficulty: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drop questions that any of the tagged models solved (graded outputs), optionally keep long traces only.")

    @Option(help: "Comma-separated model tags (the `model` field of graded outputs).")
    var dropIfCorrect: String = ""

    @Option(help: "Keep only records whose trace is at least this long (characters until a tokenizer is given).")
    var minTraceTokens: Int?

    @OptionGroup var common: Common

    func run() throws {
        let tally = Tally(tool: "s1-filter difficulty")
        let tags = dropIfCorrect.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if tags.isEmpty && minTraceTokens == nil { throw ValidationError("give --drop-if-correct TAGS and/or --min-trace-tokens N") }
        if let m = minTraceTokens, m < 0 { throw ValidationError("--min-trace-tokens must not be negative") }
        let length = traceLength()
        let filter = DifficultyFilter(tags: tags, minTrace: minTraceTokens, length: length)
        var ungraded: [String: Int] = [:]
        if minTraceTokens != nil { tally.notes.append("trace length in \(length.unit)") }
        try ToolMain.filter(common.io, inputs: common.inputs, shard: common.sharding.value, tally: tally) { r in
            switch filter.judge(r, ungraded: { ungraded[$0, default: 0] += 1 }) {
            case .keep: return r
            case .solvedBy(let t): tally.drop("solved by \(t)"); return nil
            case .shortTrace: tally.drop("trace under \(minTraceTokens!) \(length.unit)"); return nil
            }
        }
        for (t, n) in ungraded.sorted(by: { $0.key < $1.key }) {
            Log.line("s1-filter difficulty: warning: \(n) records had no graded output tagged \(t) (kept; run s1-score first?)")
        }
    }
}

/// Reads the whole pool, picks indices, writes the picked records in input order.
func selectFromPool(_ common: Common, tally: Tally, pick: (RecordPool, [Int]) throws -> [Int]) throws {
    try ToolMain.run(tally) {
        let (reader, writer, policy) = try common.io.open(inputs: common.inputs, tally: tally)
        reader.shard = common.sharding.value
        let pool = try RecordPool.read(reader)
        let length = traceLength()
        let lengths = pool.records.map(length.measure)
        let chosen = Set(try pick(pool, lengths))
        for (i, r) in pool.records.enumerated() where chosen.contains(i) { try writer.write(r) }
        tally.drop("not selected", pool.records.count - chosen.count)
        tally.notes.append("trace length in \(length.unit)")
        try writer.close()
        try policy.close()
    }
}

struct Diversity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "s1's selection: the forced set, then domains uniformly with longer traces favoured (weight 2^-rank) until --n.",
        discussion: "--force: clauses joined by `,` (any), terms by `&` (all): field=text, field~text (contains), field^text (prefix), field (truthy), !term, trace>N, trace<N, attempt_correct (teacher_correct, or a reference-solution trace), none. Default: \(ForceExpression.s1Default)")

    @Option(help: "How many records to select.")
    var n = 1000

    func validate() throws {
        if n < 0 { throw ValidationError("--n must not be negative") }
    }

    @Option(help: "Seed for the sampling.")
    var seed: UInt64 = 0

    @Option(help: "Records always selected (grammar below); `none` for none.")
    var force: String = ForceExpression.s1Default

    @OptionGroup var common: Common

    func run() throws {
        let tally = Tally(tool: "s1-filter diversity")
        let expr: ForceExpression
        do { expr = try ForceExpression(force) } catch let e as UsageError { throw ValidationError(e.description) }
        try selectFromPool(common, tally: tally) { pool, lengths in
            let forced = pool.records.indices.filter { expr.matches(pool.records[$0], traceLength: lengths[$0]) }
            if forced.count > n {
                Log.line("s1-filter diversity: warning: the forced set has \(forced.count) records, more than --n \(n); keeping the first \(n)")
            }
            let picked = DiversitySampler(n: n, seed: seed).select(pool: pool, lengths: lengths, forced: forced)
            let domains = Set(picked.map { pool.records[$0].string("domain") ?? "(no domain)" }).count
            tally.notes.append("\(min(forced.count, n)) forced, \(picked.count - min(forced.count, n)) sampled from \(domains) domains")
            return picked
        }
    }
}

struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The paper's ablation selections: random, diverse (uniform over domains), longest (longest traces).")

    @Option(help: "random, diverse or longest.")
    var mode: String

    @Option(help: "How many records to select.")
    var n = 1000

    func validate() throws {
        if n < 0 { throw ValidationError("--n must not be negative") }
    }

    @Option(help: "Seed for the sampling.")
    var seed: UInt64 = 0

    @OptionGroup var common: Common

    func run() throws {
        guard let m = AblationMode(rawValue: mode) else {
            throw ValidationError("--mode is one of \(AblationMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let tally = Tally(tool: "s1-filter select")
        try selectFromPool(common, tally: tally) { pool, lengths in
            AblationSelect(mode: m, n: n, seed: seed).select(pool: pool, lengths: lengths)
        }
    }
}

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Set `domain` to an MSC 2020 top-level subject, locally.")

    @Option(help: "s1's msc.json (codes, titles, descriptions) to add the official description phrases as cues.")
    var msc: String?

    @Flag(help: "Replace a domain the record already has.")
    var overwrite = false

    @OptionGroup var common: Common

    func run() throws {
        let tally = Tally(tool: "s1-filter classify")
        let classifier: MSCClassifier
        do { classifier = try MSCClassifier(mscJSON: msc) } catch let e as InputError { Log.line("s1-filter classify: error: \(e)"); throw ExitCode(65) }
        var perDomain: [String: Int] = [:]
        try ToolMain.filter(common.io, inputs: common.inputs, shard: common.sharding.value, tally: tally) { r in
            if !overwrite, let d = r.string("domain"), !d.isEmpty { perDomain[d, default: 0] += 1; return r }
            let meta = r["metadata"]
            let label = ["subject", "subfield", "category", "type"].lazy.compactMap { meta?[$0]?.string }.first
            let d = classifier.classify(r.string("question") ?? "", sourceSubject: label, cotType: r.string("cot_type"))
            r.set("domain", .string(d))
            perDomain[d, default: 0] += 1
            return r
        }
        Log.line("s1-filter classify: \(perDomain.count) domains: " + perDomain.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}

struct Traces: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make a teacher's work the training target: thinking_trajectories and attempt from the output tagged TAG, or from the reference solution.")

    @Option(help: "A model tag of s1-think outputs, or `solution`.")
    var from: String

    @Flag(help: "Replace traces a record already has (by default they are kept).")
    var overwrite = false

    @Option(help: "Write the length-control training variant: tokens (TCC: \"Think for up to N tokens.\") or steps (SCC: a countdown of <|im_start|>K steps left before each step).")
    var control: String?

    @Option(help: "With --control tokens: the student's tokenizer (GGUF, Hugging Face directory or tokenizer.json) that counts the trace's tokens.")
    var tokenizer: String?

    @OptionGroup var common: Common

    func validate() throws {
        if let c = control, ControlVariant(rawValue: c) == nil { throw ValidationError("--control is tokens or steps") }
        if control == "tokens" && tokenizer == nil { throw ValidationError("--control tokens needs --tokenizer (N counts the trace's tokens)") }
    }

    func run() throws {
        let tally = Tally(tool: "s1-filter traces")
        let src = TraceSource(from: from == "solution" ? .solution : .tag(from), overwrite: overwrite)
        let variant = control.flatMap(ControlVariant.init(rawValue:))
        var kept = 0, controlled = 0
        var tok: Tokenizer? = nil
        try ToolMain.run(tally, summarize: false) { tok = try tokenizer.map { try ModelLoader.loadTokenizer($0) } }
        try ToolMain.filter(common.io, inputs: common.inputs, shard: common.sharding.value, tally: tally) { r in
            switch src.apply(r) {
            case .set: break
            case .keptExisting: kept += 1
            case .missing(let why): tally.drop(why); return nil
            }
            switch variant?.apply(r, count: { tok?.encode($0).count ?? 0 }) {
            case .alreadyControlled: controlled += 1
            case .noTrace: tally.drop("no trace or question for --control"); return nil
            case .set, nil: break
            }
            return r
        }
        if controlled > 0 { Log.line("s1-filter traces: \(controlled) records already had a `control` variant and were left as they were") }
        if from == "solution" { Log.line("s1-filter traces: traces are reference solutions (teacher = \"solution\"), not model reasoning") }
        if kept > 0 { Log.line("s1-filter traces: \(kept) records kept the traces they had (--overwrite replaces them)") }
    }
}

Filter.main()

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put the outputs of --shard K/N runs back in the order of their input (byte-identical to an unsharded run, timings aside).")

    @Option(help: "The input the shards were made from; its order is restored.")
    var like: String

    @Argument(help: "The shard runs' output files.")
    var shards: [String]

    @OptionGroup var io: RecordIOOptions

    func run() throws {
        let tally = Tally(tool: "s1-filter merge")
        try ToolMain.run(tally) {
            let (writer, policy) = try io.openOutput(tally: tally)
            try ShardMerge.merge(shards: shards, like: [like], writer: writer, policy: policy, maxLineBytes: io.maxLineBytes)
            try writer.close()
            try policy.close()
        }
    }
}
