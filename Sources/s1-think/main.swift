import ArgumentParser
import Foundation
import Shared

struct Think: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s1-think",
        abstract: "Generate from a model: budget-forced thinking (s1), plain continuation (--raw) or tokenization (--tokenize).",
        discussion: """
        Input lines are records (the prompt is `question`, else `prompt`) or, when a line is not JSON, the line \
        itself as the question. Each record gets one object appended to `outputs`.
        """)

    @Option(help: "A GGUF file or a Hugging Face directory (config.json, safetensors, tokenizer.json).")
    var model: String

    @Flag(help: "No template and no thinking: continue the prompt verbatim until <|im_end|>/EOS or --max-tokens.")
    var raw = false

    @Option(help: "With --raw: most tokens to generate.")
    var maxTokens = 256

    @Flag(help: "No generation: add `tokens`, the ids of the question text as given.")
    var tokenize = false

    @Option(help: "native (keep the file's quantized weights) or f32 (dequantize everything; matches PyTorch fp32).")
    var dtype: String = "native"

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

    func validate() throws {
        guard WeightDType(rawValue: dtype) != nil else { throw ValidationError("--dtype is native or f32") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() throws {
        let tally = Tally(tool: "s1-think")
        if let t = threads { Parallel.threads = t }
        BLAS.setThreads(1)
        try ToolMain.run(tally) {
            guard raw || tokenize else {
                throw UsageError("budget-forced thinking is not built yet (issue 4); use --raw or --tokenize")
            }
            let (reader, writer, policy) = try io.open(inputs: inputs, tally: tally)
            reader.plainTextQuestions = true
            func prompt(_ r: Record) throws -> String {
                guard let q = r.string("question") ?? r.string("prompt") else {
                    throw InputError(r.source, line: r.line, "record has no `question` or `prompt` string")
                }
                return q
            }
            if tokenize {
                let tok = try ModelLoader.loadTokenizer(model)
                while let r = try reader.next() {
                    r.set("tokens", .array(tok.encode(try prompt(r)).map { .int(Int($0)) }))
                    try writer.write(r)
                    try writer.flush()
                }
            } else {
                let loaded = try ModelLoader.load(model, dtype: WeightDType(rawValue: dtype)!)
                let gen = RawGenerator(loaded)
                let name = tag ?? URL(fileURLWithPath: model).lastPathComponent
                while let r = try reader.next() {
                    var stream = SplitMix64(seed: seed, stream: r.string("id") ?? "line \(r.line)")
                    var sampler = Sampler(temperature: temperature, topP: topP, seed: stream.next())
                    let ids = loaded.tokenizer.encode(try prompt(r))
                    let out = gen.generate(ids, maxTokens: maxTokens, sampler: &sampler, ignoreEOS: ignoreEOS)
                    r.append("outputs", .object([("model", .string(name)), ("text", .string(out.text)),
                                                 ("tokens", .int(out.tokens.count)), ("finish", .string(out.finish)),
                                                 ("seconds", .double((out.seconds * 1000).rounded() / 1000))]))
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
        }
    }
}

Think.main()
