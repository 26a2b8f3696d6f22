import Foundation

/// The s1 recipe's loop (SPEC §6): epochs of batches of consecutive examples (reshuffled per epoch with the
/// seed unless disabled), batch loss = summed NLL over the batch's loss tokens / their count, global-norm
/// clipping, AdamW, warmup + cosine; one JSON line per step; checkpoints to a Hugging Face directory.
public final class Trainer {
    public struct Options {
        public var epochs = 5, batchSize = 16
        public var lr = 1e-5, warmupRatio = 0.05, weightDecay = 1e-4
        public var beta1 = 0.9, beta2 = 0.95, eps = 1e-8, maxGradNorm = 1.0
        public var seed: UInt64 = 42, shuffle = true
        public var saveEvery = 0
        /// Stop (after saving) once this step is done; the schedule still spans all steps.
        public var stopAfter: Int?
        /// Keep only each layer's input and recompute the rest in the backward pass (long examples).
        public var checkpointActivations = false
        public init() {}
    }

    public struct StepLog {
        public var step: Int, epoch: Double, loss: Double, lr: Double, gradNorm: Double, tokens: Int, tokPerS: Double
        public var json: JSONValue {
            .object([("step", .int(step)), ("epoch", .double((epoch * 1e4).rounded() / 1e4)), ("loss", .double(loss)), ("lr", .double(lr)),
                     ("grad_norm", .double(gradNorm)), ("tokens", .int(tokens)), ("tok_per_s", .double((tokPerS * 10).rounded() / 10))])
        }
    }

    public let model: LoadedModel
    public let options: Options
    public let examples: [TrainingExample]
    /// One forward/backward workspace per worker thread: a batch's examples are shared out between them
    /// (data parallel, OpenBLAS single-threaded inside each), and their gradients summed into the first.
    public let passes: [TrainingPass]
    public let adam: AdamW
    public let schedule: LRSchedule
    public let stepsPerEpoch: Int

    /// The data-parallel ranks this process is one of (rank 0 of 1 without mpirun).
    public let world: DataParallel

    public init(model: LoadedModel, examples: [TrainingExample], options: Options, world: DataParallel = .shared) {
        self.world = world
        precondition(model.weights.flat != nil, "training needs fp32 weights")
        self.model = model
        self.options = options
        self.examples = examples
        let workers = max(1, min(Parallel.threads, options.batchSize))
        passes = (0..<workers).map { _ in
            TrainingPass(config: model.config, params: model.weights.flat!, maxLen: examples.map(\.ids.count).max() ?? 2,
                         checkpointActivations: options.checkpointActivations)
        }
        adam = AdamW(params: model.weights.flat!, beta1: Float(options.beta1), beta2: Float(options.beta2),
                     eps: Float(options.eps), weightDecay: Float(options.weightDecay))
        stepsPerEpoch = (examples.count + options.batchSize - 1) / options.batchSize
        schedule = LRSchedule(peak: options.lr, totalSteps: options.epochs * stepsPerEpoch, warmupRatio: options.warmupRatio)
    }

    public var totalSteps: Int { schedule.total }

    /// Example order of an epoch: a seeded shuffle, the same on every machine.
    public func order(epoch: Int) -> [Int] {
        var idx = Array(examples.indices)
        guard options.shuffle else { return idx }
        var rng = SplitMix64(seed: options.seed, stream: "epoch \(epoch)")
        for i in stride(from: idx.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            idx.swapAt(i, j)
        }
        return idx
    }

    /// Gradients of a batch into passes[0].grads; returns the summed NLL. Examples go to workers longest
    /// first, each to the least loaded one (`DataParallel.shares`), so the split depends only on the batch.
    func accumulate(_ batch: [TrainingExample], scale: Float) -> Double {
        let n = passes.count
        let share = DataParallel.shares(batch.map(\.ids.count), parts: n).map { $0.map { batch[$0] } }
        var nll = [Double](repeating: 0, count: n)
        // One worker (batch size 1): OpenBLAS may use every thread itself.
        BLAS.setThreads(n == 1 ? Parallel.threads : 1)
        nll.withUnsafeMutableBufferPointer { out in
            Parallel.forRanges(n) { r in
                for w in r {
                    passes[w].zeroGrads()
                    for e in share[w] { out[w] += passes[w].accumulate(ids: e.ids, lossStart: e.lossStart, scale: scale) }
                }
            }
        }
        // Sum the workers' gradients into the first, in worker order.
        let total = passes[0].grads.count
        let dst = passes[0].grads.base
        Parallel.forRanges(total, minPerThread: 1 << 16) { r in
            for w in 1..<n {
                let src = self.passes[w].grads.base
                for i in r { dst[i] += src[i] }
            }
        }
        return nll.reduce(0, +)
    }

    /// Runs optimizer steps from `fromStep` (0-based) to the end, calling `log` after each and `save` when a
    /// checkpoint is due (every `saveEvery` steps and after the last).
    public func run(fromStep: Int = 0, log: (StepLog) throws -> Void, save: (Int) throws -> Void) throws {
        let p = model.weights.flat!
        var s = fromStep
        while s < totalSteps {
            let epoch = s / stepsPerEpoch, b = s % stepsPerEpoch
            let ord = order(epoch: epoch)
            let batch = ord[(b * options.batchSize)..<min(ord.count, (b + 1) * options.batchSize)].map { examples[$0] }
            let t0 = Date()
            let count = batch.reduce(0) { $0 + $1.lossTokens }
            // Under mpirun each rank takes its fixed share of the batch; the shares' sums are added up.
            let mine = world.size > 1 ? DataParallel.shares(batch.map(\.ids.count), parts: world.size)[world.rank].sorted().map { batch[$0] } : batch
            var nllSum = [accumulate(mine, scale: 1 / Float(count))]
            let grads = passes[0].grads   // the batch's summed gradient (see accumulate)
            try world.sum(grads.base, count: grads.count)
            try world.sum(&nllSum)
            let nll = nllSum[0]
            let norm = GradClip.clip(grads.base, count: grads.count, maxNorm: options.maxGradNorm)
            // A loss or gradient that is not finite stops the run before it reaches the weights.
            guard nll.isFinite, norm.isFinite else {
                throw TrainingFailure("step \(s + 1): the loss (\(nll / Double(count))) or the gradient norm (\(norm)) is not finite; stopping before the weights are updated (the last checkpoint is kept)")
            }
            let lr = schedule.lr(s)
            adam.update(p.base, grads.base, lr: Float(lr))
            let dt = Date().timeIntervalSince(t0)
            let processed = batch.reduce(0) { $0 + $1.ids.count }
            s += 1
            try log(StepLog(step: s, epoch: Double(s) / Double(stepsPerEpoch), loss: nll / Double(count), lr: lr, gradNorm: norm,
                            tokens: count, tokPerS: Double(processed) / max(dt, 1e-9)))
            if (options.saveEvery > 0 && s % options.saveEvery == 0) || s == totalSteps || s == options.stopAfter { try save(s) }
            if s == options.stopAfter { return }
        }
    }
}

/// Training cannot go on (a loss or gradient that is not finite): exit status 70, the message says why.
public struct TrainingFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
