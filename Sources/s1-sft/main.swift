import ArgumentParser
import Foundation
import Shared

struct SFT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s1-sft",
        abstract: "Supervised fine-tuning with the s1 recipe (SPEC §6); --eval-only reports the mean NLL of the assistant tokens.",
        discussion: "Training records come on stdin (or as files) and are rendered as SPEC §4.")

    @Option(help: "A GGUF file or a Hugging Face directory; weights are dequantized to fp32.")
    var model: String

    @Flag(help: "No training: print {\"loss\": mean NLL over the assistant tokens, \"tokens\": n}.")
    var evalOnly = false

    @Option(help: "Directory for the checkpoint (a Hugging Face directory, written atomically).")
    var out: String?

    @Option(help: "Passes over the training data (0 writes the loaded model to --out unchanged: a GGUF → HF conversion).")
    var epochs = 5

    @Option(help: "Examples longer than this many tokens are truncated.")
    var maxLen = 32768

    @Option(help: "The system prompt of the rendering (default: s1's).")
    var system: String = ChatTemplate.defaultSystem

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Argument(help: "Input files (stdin when none).")
    var inputs: [String] = []

    @OptionGroup var io: RecordIOOptions

    func validate() throws {
        if maxLen < 2 { throw ValidationError("--max-len must be at least 2") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let tally = Tally(tool: "s1-sft")
        if let t = threads { Parallel.threads = t }
        try ToolMain.run(tally) {
            if !evalOnly && epochs == 0 {
                guard let out else { throw UsageError("--out DIR is needed to write the checkpoint") }
                let m = try ModelLoader.load(model, dtype: .f32)
                let isDir = (try? FileManager.default.attributesOfItem(atPath: model)[.type] as? FileAttributeType) == .typeDirectory
                try HFDirectoryWriter.write(config: m.config, parameters: m.weights.flat!, tokenizer: m.tokenizer,
                                            sourceTokenizerJSON: isDir ? model + "/tokenizer.json" : nil, to: out)
                tally.notes.append("wrote \(out) (no training: --epochs 0)")
                return
            }
            guard evalOnly else { throw UsageError("training is not built yet (issue 5); --eval-only and --epochs 0 work") }
            let loaded = try ModelLoader.load(model, dtype: .f32)
            let (reader, _, policy) = try io.open(inputs: inputs, tally: tally)
            let ctx = min(maxLen, loaded.config.contextLength)
            var eval = NLLEvaluator(loaded, maxLen: ctx)
            var truncated = 0
            while let r = try reader.next() {
                let ex: TrainingExample
                do { ex = try TrainingExample(r, tokenizer: loaded.tokenizer, system: system, maxLen: ctx) } catch let e as InputError {
                    try policy.reject(e, raw: r.raw)
                    continue
                }
                if ex.truncated { truncated += 1 }
                eval.add(ex)
                tally.written += 1
            }
            try policy.close()
            if truncated > 0 { tally.notes.append("\(truncated) examples truncated to \(ctx) tokens") }
            guard eval.count > 0 else { throw InputError(inputs.first ?? "stdin", "no training examples with loss tokens") }
            print(String(decoding: JSONValue.object([("loss", .double(eval.mean)), ("tokens", .int(eval.count))]).bytes, as: UTF8.self))
        }
    }
}

SFT.main()
