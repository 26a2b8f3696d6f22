import Foundation

/// Summed negative log-likelihood of the loss tokens of examples, in fp32 forward passes (s1-sft
/// --eval-only reports sum / count). Log-softmax is taken in Double so long vocabularies lose nothing.
public struct NLLEvaluator {
    public let transformer: Transformer
    public private(set) var sum = 0.0
    public private(set) var count = 0

    public init(_ model: LoadedModel, maxLen: Int) {
        transformer = Transformer(model, capacity: maxLen, maxChunk: min(256, maxLen))
    }

    /// Adds one example; returns its NLL sum.
    @discardableResult
    public mutating func add(_ ex: TrainingExample) -> Double {
        var s = 0.0
        let v = transformer.config.vocabSize
        let first = max(ex.lossStart, 1)
        transformer.forwardAll(ex.ids, start: 0) { rowStart, rows, logits in
            for r in 0..<rows {
                let t = rowStart + r + 1   // logits at position p predict token p+1
                guard t >= first && t < ex.ids.count else { continue }
                let l = logits + r * v
                var mx = -Float.infinity
                for i in 0..<v { mx = max(mx, l[i]) }
                var z = 0.0
                for i in 0..<v { z += Foundation.exp(Double(l[i] - mx)) }
                s += Foundation.log(z) + Double(mx) - Double(l[Int(ex.ids[t])])
            }
        }
        sum += s
        count += ex.lossTokens
        return s
    }

    public var mean: Double { count > 0 ? sum / Double(count) : .nan }
}
