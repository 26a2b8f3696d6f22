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

    @Option(help: "Element type of the matrices when --out ends in .gguf: f32, f16, bf16 or q8_0.")
    var outtype = "f32"

    @Option(help: "Passes over the training data (0 writes the loaded model to --out unchanged: a GGUF → HF conversion).")
    var epochs = 5

    @Option(help: "Examples longer than this many tokens are truncated.")
    var maxLen = 32768

    @Option(help: "Peak learning rate.") var lr = 1e-5
    @Option(help: "Examples per optimizer step.") var batchSize = 16
    @Option(help: "Share of the steps spent warming up from 0.") var warmupRatio = 0.05
    @Option(help: "AdamW weight decay (matrices and embeddings only).") var weightDecay = 1e-4
    @Option(help: "AdamW β1.") var adamBeta1 = 0.9
    @Option(help: "AdamW β2.") var adamBeta2 = 0.95
    @Option(help: "AdamW ε.") var adamEps = 1e-8
    @Option(help: "Global gradient-norm clip.") var maxGradNorm = 1.0
    @Option(help: "Seed of the per-epoch shuffles.") var seed: UInt64 = 42
    @Flag(help: "Keep the input order in every epoch.") var noShuffle = false
    @Option(help: "Write a checkpoint every N steps (and always at the end).") var saveEvery = 0
    @Flag(help: "Continue the run whose checkpoint is in --out.") var resume = false
    @Flag(help: "Keep only each layer's input and recompute the layer in the backward pass (less memory for long examples).")
    var checkpointActivations = false
    @Option(help: "Stop after this optimizer step (the schedule still spans the whole run; --resume continues).") var stopAfter: Int?

    @Option(help: "The system prompt of the rendering (default: s1's).")
    var system: String = ChatTemplate.defaultSystem

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Argument(help: "Input files (stdin when none).")
    var inputs: [String] = []

    @OptionGroup var io: RecordIOOptions

    func validate() throws {
        if maxLen < 2 { throw ValidationError("--max-len must be at least 2") }
        if let t = threads, !(1...1024).contains(t) { throw ValidationError("--threads must be between 1 and 1024") }
        if !(0...1_000_000).contains(epochs) { throw ValidationError("--epochs must be between 0 and 1000000") }
        if !(1...(1 << 24)).contains(batchSize) { throw ValidationError("--batch-size must be between 1 and 2^24") }
        if maxLen > 1 << 22 { throw ValidationError("--max-len must be at most 2^22 (the longest context a model may have)") }
        if !lr.isFinite || lr < 0 { throw ValidationError("--lr must be a finite number, not negative") }
        if !(0...1).contains(warmupRatio) { throw ValidationError("--warmup-ratio must be between 0 and 1") }
        if !(0..<1).contains(adamBeta1) || !(0..<1).contains(adamBeta2) { throw ValidationError("--adam-beta1/2 must be in [0, 1)") }
        if !(adamEps > 0) || !adamEps.isFinite || !(maxGradNorm > 0) || !weightDecay.isFinite { throw ValidationError("--adam-eps and --max-grad-norm must be positive, --weight-decay finite") }
        if saveEvery < 0 { throw ValidationError("--save-every must not be negative") }
        if let s = stopAfter, s < 1 { throw ValidationError("--stop-after must be at least 1") }
        if (try? outType()) == nil { throw ValidationError("--outtype is f32, f16, bf16 or q8_0") }
    }

    /// --out ending in .gguf: the model is written as GGUF (checkpoints of a training run go to OUT.checkpoint/).
    var ggufOut: String? { out.flatMap { $0.hasSuffix(".gguf") ? $0 : nil } }

    func outType() throws -> GGMLType {
        switch outtype.lowercased() {
        case "f32": return .f32
        case "f16": return .f16
        case "bf16": return .bf16
        case "q8_0": return .q8_0
        default: throw UsageError("--outtype is f32, f16, bf16 or q8_0")
        }
    }

    func run() throws {
        let tally = Tally(tool: "s1-sft")
        if let t = threads { Parallel.threads = t }
        // Under mpirun only rank 0 prints the summary (every rank prints its errors).
        let root = evalOnly || epochs == 0 || DataParallel.shared.isRoot
        try ToolMain.run(tally, summarize: root) {
            if !evalOnly && epochs == 0 {
                guard let out else { throw UsageError("--out DIR is needed to write the checkpoint") }
                let m = try ModelLoader.load(model, dtype: .f32)
                if let g = ggufOut {
                    try GGUFWriter.write(config: m.config, parameters: m.weights.flat!, tokenizer: m.tokenizer, outtype: try outType(), to: g)
                    tally.notes.append("wrote \(g) (\(outtype), no training: --epochs 0)")
                    return
                }
                try HFDirectoryWriter.write(config: m.config, parameters: m.weights.flat!, tokenizer: m.tokenizer,
                                            sourceTokenizerJSON: Self.tokenizerJSON(of: model), to: out)
                tally.notes.append("wrote \(out) (no training: --epochs 0)")
                return
            }
            if !evalOnly {
                try train(tally)
                DataParallel.shared.finish()
                return
            }
            let loaded = try ModelLoader.load(model, dtype: .f32)
            var eval = NLLEvaluator(loaded, maxLen: min(maxLen, loaded.config.contextLength))
            try forEachExample(loaded, tally) { eval.add($0) }
            guard eval.count > 0 else { throw InputError(inputs.first ?? "stdin", "no training examples with loss tokens") }
            print(String(decoding: JSONValue.object([("loss", .double(eval.mean)), ("tokens", .int(eval.count))]).bytes, as: UTF8.self))
        }
    }
}

extension SFT {
    /// Renders and tokenizes each input record (SPEC §4) for `body`; bad training data gets the SPEC §2
    /// treatment and truncations are counted.
    func forEachExample(_ m: LoadedModel, _ tally: Tally, _ body: (TrainingExample) -> Void) throws {
        let ctx = min(maxLen, m.config.contextLength)
        let (reader, _, policy) = try io.open(inputs: inputs, tally: tally)
        var truncated = 0
        while let r = try reader.next() {
            do {
                let e = try TrainingExample(r, tokenizer: m.tokenizer, system: system, maxLen: ctx)
                if e.truncated { truncated += 1 }
                body(e)
                tally.written += 1
            } catch let e as InputError { try policy.reject(e, record: r) }
        }
        try policy.close()
        if truncated > 0 { tally.notes.append("\(truncated) examples truncated to \(ctx) tokens") }
    }

    /// A Hugging Face model directory's tokenizer.json, kept as it is in written checkpoints; nil for a GGUF file.
    static func tokenizerJSON(of path: String) -> String? {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue ? path + "/tokenizer.json" : nil
    }

    /// Training (SPEC §6): all records rendered and tokenized first (bad ones reported), then the loop.
    func train(_ tally: Tally) throws {
        guard let target = self.out else { throw UsageError("--out DIR is needed for the checkpoint") }
        let outType = try self.outType()
        // A GGUF target keeps its resumable checkpoints in a directory beside it.
        let out = ggufOut.map { $0 + ".checkpoint" } ?? target
        let statePath = out + "/trainer_state.json"
        // Under mpirun, rank 0 alone writes the log and the checkpoints (it recovers a killed save first);
        // every rank reads the same checkpoint to resume.
        let world = DataParallel.shared
        if world.isRoot { for note in try CheckpointRecovery.recover(out) { Log.line("s1-sft: \(note)") } }
        world.barrier()
        let resuming = resume && FileManager.default.fileExists(atPath: statePath)
        if resume && !resuming && world.isRoot { Log.line("s1-sft: no checkpoint in \(out); starting from --model") }
        let loaded = try ModelLoader.load(resuming ? out : model, dtype: .f32)
        // The training pass has no backward for Qwen3's per-head q/k norms yet: refuse rather than train wrongly.
        if loaded.config.qkNorm { throw ModelFileError(loaded.path, "training \(loaded.config.arch.rawValue) models (per-head q/k norms) is not supported yet; s1-think runs them") }
        var examples: [TrainingExample] = []
        try forEachExample(loaded, tally) { examples.append($0) }
        guard !examples.isEmpty else { throw InputError(inputs.first ?? "stdin", "no training examples") }
        var o = Trainer.Options()
        o.epochs = epochs; o.batchSize = batchSize; o.lr = lr; o.warmupRatio = warmupRatio; o.weightDecay = weightDecay
        o.beta1 = adamBeta1; o.beta2 = adamBeta2; o.eps = adamEps; o.maxGradNorm = maxGradNorm; o.seed = seed
        o.shuffle = !noShuffle; o.saveEvery = saveEvery; o.stopAfter = stopAfter
        o.checkpointActivations = checkpointActivations
        let trainer = Trainer(model: loaded, examples: examples, options: o)
        var start = 0
        if resuming {
            let state = try TrainerState.load(statePath)
            let step = state.step
            guard state.totalSteps == trainer.totalSteps else {
                throw UsageError("\(statePath): the checkpoint is from a run of \(state.totalSteps) steps, this one has \(trainer.totalSteps); resume with the same data and options")
            }
            let opt = try SafetensorsReader(path: out + "/optimizer.safetensors")
            guard let m = opt.tensors["m"], let v = opt.tensors["v"], m.elementCount == trainer.adam.count, v.elementCount == trainer.adam.count else {
                throw ModelFileError(out + "/optimizer.safetensors", "optimizer state does not match the model")
            }
            trainer.adam.restore(m: m.data.assumingMemoryBound(to: Float.self), v: v.data.assumingMemoryBound(to: Float.self), step: step)
            start = step
            if world.isRoot { Log.line("s1-sft: resuming at step \(step + 1) of \(trainer.totalSteps)") }
        }
        let srcTokenizer = Self.tokenizerJSON(of: resuming ? out : model)
        let progress = Progress(enabled: isatty(2) != 0, total: nil)
        let t0 = Date()
        do {
            if world.size > 1 && world.isRoot { Log.line("s1-sft: \(world.size) ranks, each taking its share of every batch of \(batchSize)") }
            try trainer.run(fromStep: start, log: { step in
                guard world.isRoot else { return }
                print(String(decoding: step.json.bytes, as: UTF8.self))
                fflush(stdout)
                progress.note(String(format: "step %d/%d loss %.4f %.0f tok/s ETA %.0f s", step.step, trainer.totalSteps, step.loss, step.tokPerS,
                                     Date().timeIntervalSince(t0) / Double(step.step - start) * Double(trainer.totalSteps - step.step)))
            }, save: { s in
                defer { world.barrier() }   // no rank runs ahead of a checkpoint being written
                guard world.isRoot else { return }
                let tmpState = Data(TrainerState(step: s, totalSteps: trainer.totalSteps, epochs: epochs, batchSize: batchSize).json)
                let adam = trainer.adam
                try HFDirectoryWriter.write(config: loaded.config, parameters: loaded.weights.flat!, tokenizer: loaded.tokenizer,
                                            sourceTokenizerJSON: srcTokenizer, to: out) { dir in
                    try SafetensorsWriter.write([("m", [adam.count], UnsafePointer(adam.m)), ("v", [adam.count], UnsafePointer(adam.v))],
                                                to: dir + "/optimizer.safetensors")
                    try tmpState.write(to: URL(fileURLWithPath: dir + "/trainer_state.json"))
                }
            })
        }
        if world.size > 1 && world.isRoot {
            let steps = max(1, trainer.totalSteps - start)
            tally.notes.append(String(format: "%d ranks, %.1f MB of gradients summed per step per rank, %.3f steps/s", world.size,
                                      Double(world.bytesReduced) / Double(steps) / 1e6, Double(steps) / Date().timeIntervalSince(t0)))
        } else if world.isRoot {
            tally.notes.append(String(format: "%.3f steps/s", Double(max(1, trainer.totalSteps - start)) / Date().timeIntervalSince(t0)))
        }
        if let stopAfter, stopAfter < trainer.totalSteps { tally.notes.append("stopped after step \(stopAfter) (--stop-after); continue with --resume") }
        else if let g = ggufOut, world.isRoot {
            try GGUFWriter.write(config: loaded.config, parameters: loaded.weights.flat!, tokenizer: loaded.tokenizer, outtype: outType, to: g)
            tally.notes.append("wrote \(g) (\(outtype)); checkpoints in \(out)")
        }
        progress.finish()
    }
}

SFT.main()
