import Testing
import Shared

@Suite struct SamplerTests {
    let logits: [Float] = [1.0, 3.0, 2.9, -1.0, 3.0, 0.5]

    func draw(_ s: inout Sampler, _ n: Int) -> [Int32] {
        logits.withUnsafeBufferPointer { l in (0..<n).map { _ in s.sample(l) } }
    }

    @Test func temperatureZeroIsArgmaxWithTiesToTheLowestId() {
        var s = Sampler(temperature: 0, seed: 9)
        #expect(draw(&s, 5) == [1, 1, 1, 1, 1])
    }

    @Test func seededSamplingIsReproducibleAndFollowsTheDistribution() {
        var a = Sampler(temperature: 1, seed: 42), b = Sampler(temperature: 1, seed: 42), c = Sampler(temperature: 1, seed: 43)
        let x = draw(&a, 4000), y = draw(&b, 4000), z = draw(&c, 4000)
        #expect(x == y && x != z)
        // softmax probabilities of ids 1 and 3: e^3 / Σ ≈ 0.344, e^-1 / Σ ≈ 0.0063
        let p1 = Double(x.filter { $0 == 1 }.count) / 4000, p3 = Double(x.filter { $0 == 3 }.count) / 4000
        #expect(abs(p1 - 0.344) < 0.03 && p3 < 0.02)
    }

    @Test func topPKeepsOnlyTheNucleus() {
        // At T = 1 the three top tokens (1, 4, 2) hold ≈ 0.98 of the mass; top-p 0.6 keeps the first two.
        var s = Sampler(temperature: 1, topP: 0.6, seed: 1)
        #expect(Set(draw(&s, 2000)) == [1, 4])
    }
}

@Suite struct PromptControlTests {
    @Test func controlSpecsParseAndAppendTheirInstruction() {
        #expect(PromptControl("tokens:512")?.apply(to: "Q?") == "Q?\n\nThink for up to 512 tokens.")
        #expect(PromptControl("class:short")?.instruction.hasPrefix("Answer after a short amount of thinking.") == true)
        #expect(PromptControl("class:long")?.instruction.hasPrefix("Answer after a long amount of thinking.") == true)
        #expect(PromptControl("tokens:0") == nil && PromptControl("class:medium") == nil && PromptControl("512") == nil)
    }
}
