import Foundation
import Testing
import Shared

/// The budget-forcing state machine against scripted token streams (ids: 1 = <|im_start|>, 2 = <|im_end|>,
/// 10 = "\n", 50 = "answer", 60 61 = "Final Answer:", 70 71 = "Wait", 99 = a word ending in a newline),
/// then on SmolLM2 through s1-think.
@Suite struct BudgetForcingTests {
    func config(max: Int, waits: Int = 0, min: Int = 0, wait: [Int32] = [70, 71], maxAnswer: Int = 100, room: Int = .max) -> BudgetForcing.Config {
        var c = BudgetForcing.Config(maxThinking: max, endSignals: [1, 2], answerDelimiter: [1, 50], newline: [10],
                                     finalAnswer: [10, 60, 61], answerStops: [2])
        c.waits = waits
        c.minThinking = min
        c.waitTokens = wait
        c.maxAnswer = maxAnswer
        c.room = room
        c.endsWithNewline = { $0 == 10 || $0 == 99 }
        return c
    }

    /// Drives the controller with a scripted "model": each sample takes the next scripted token (a model
    /// that never stops repeats the last one). Records which samples were asked to suppress the end.
    func run(_ c: BudgetForcing.Config, _ script: [Int32]) -> (BudgetForcing, fed: [Int32], suppressed: [Bool]) {
        var ctl = BudgetForcing(c)
        var fed: [Int32] = [], suppressed: [Bool] = []
        var i = 0
        while true {
            switch ctl.next() {
            case .sample(let s):
                suppressed.append(s)
                var tok = script[min(i, script.count - 1)]
                i += 1
                if s && ctl.endingTokens.contains(tok) { tok = 5 }   // masked: the model's next choice
                if ctl.accept(tok) { fed.append(tok) }
            case .force(let t): fed += t
            case .rewind(let n): fed.removeLast(n)
            case .finish: return (ctl, fed, suppressed)
            }
        }
    }

    /// SCC (step marker 1 = <|im_start|>, 80 = "0"): only <|im_start|>0 or <|im_end|> ends the thinking.
    func scc(_ c: BudgetForcing.Config) -> BudgetForcing.Config {
        var c = c
        c.endSignals = [2]
        c.stepMarker = 1
        c.stepEnd = [80]
        return c
    }

    @Test func sccThinkingEndsAtTheMarkerFollowedByZeroAndTakesTheMarkerBack() {
        let (c, fed, _) = run(scc(config(max: 100)), [10, 1, 20, 30, 1, 80, 40, 2])
        #expect(c.tokens(.thinking) == [10, 1, 20, 30] && c.thinkingTokens == 4)
        #expect(c.tokens(.delimiter) == [1, 50] && c.tokens(.answer) == [40] && c.finish == "eos")
        #expect(fed == [10, 1, 20, 30, 1, 50, 40])   // the marker before 0 was fed, then taken back for the delimiter
    }

    @Test func sccComposesWithWaitsAndTheBudget() {
        let (w, fed, _) = run(scc(config(max: 100, waits: 1)), [10, 1, 80, 20, 1, 80, 40, 2])
        #expect(w.tokens(.thinking) == [10, 70, 71, 20] && w.waitsUsed == 1 && w.thinkingTokens == 4)
        #expect(fed == [10, 70, 71, 20, 1, 50, 40])
        // <|im_end|> still ends it.
        let (e, _, _) = run(scc(config(max: 100)), [10, 2, 40, 2])
        #expect(e.tokens(.thinking) == [10] && e.tokens(.answer) == [40])
        // The budget cuts a step short as it cuts plain thinking.
        let (b, _, _) = run(scc(config(max: 3)), [1, 20, 21, 22, 1, 80])
        #expect(b.forcedEnd && b.thinkingTokens == 3 && b.tokens(.answer).prefix(3) == [10, 60, 61])
    }

    @Test func sccMinimumThinkingMasksTheStepEndRightAfterAMarker() {
        // Before the minimum a marker is thinking like any token, and the 0 after it is masked (5 instead).
        let (m, fed, sup) = run(scc(config(max: 100, min: 4)), [1, 80, 20, 30, 1, 80, 40, 2])
        #expect(m.tokens(.thinking) == [1, 5, 20, 30] && m.thinkingTokens == 4 && m.tokens(.answer) == [40])
        #expect(sup.prefix(6) == [true, true, true, true, false, false] && fed == [1, 5, 20, 30, 1, 50, 40])
        // A marker that reaches the minimum: ending now would take it back and fall short, so the 0 is masked.
        let (e, _, esup) = run(scc(config(max: 100, min: 2)), [20, 1, 80, 30, 1, 80, 40, 2])
        #expect(e.tokens(.thinking) == [20, 1, 5, 30] && esup.prefix(4) == [true, true, true, false])
        // Only right after a marker: elsewhere the 0 is an ordinary token, and <|im_end|> stays masked.
        var c = BudgetForcing(scc(config(max: 100, min: 3)))
        _ = c.next()
        #expect(c.endingTokens == [2] && !c.afterStepMarker)
        #expect(c.accept(1) && c.afterStepMarker && c.endingTokens == [2, 80])
    }

    @Test func naturalEndClosesWithTheAnswerDelimiter() {
        let (c, fed, _) = run(config(max: 100), [10, 20, 21, 1, 10, 30, 2])
        #expect(c.tokens(.thinking) == [10, 20, 21] && c.tokens(.delimiter) == [1, 50] && c.tokens(.answer) == [10, 30])
        #expect(c.thinkingTokens == 3 && c.answerTokens == 2 && !c.forcedEnd && c.finish == "eos" && c.waitsUsed == 0)
        #expect(fed == [10, 20, 21, 1, 50, 10, 30])   // the model's own <|im_start|> is replaced, <|im_end|> not fed
    }

    @Test func budgetExhaustedMidWordForcesFinalAnswer() {
        let (c, _, _) = run(config(max: 4), [10, 20, 21, 22, 23, 24, 1, 30, 2])
        #expect(c.thinkingTokens == 4 && c.forcedEnd)
        #expect(c.output.map(\.token) == [10, 20, 21, 22, 10, 1, 50, 10, 60, 61, 23, 24, 1, 30])
        #expect(c.tokens(.answer).prefix(3) == [10, 60, 61] && c.finish == "eos")
    }

    @Test func forcedCloseAddsNoSecondNewline() {
        let (c, _, _) = run(config(max: 3), [10, 20, 99, 2, 2])
        #expect(c.output.map(\.token) == [10, 20, 99, 1, 50, 10, 60, 61])
    }

    @Test func waitsReplaceTheEndSignalAndCountAsThinking() {
        let (c, fed, _) = run(config(max: 100, waits: 2), [10, 20, 1, 21, 2, 22, 1, 10, 30, 2])
        #expect(c.waitsUsed == 2)
        #expect(c.tokens(.thinking) == [10, 20, 70, 71, 21, 70, 71, 22])
        #expect(c.thinkingTokens == 8 && !c.forcedEnd)
        #expect(fed.filter { $0 == 70 }.count == 2)   // "Wait" fed exactly once per wait
    }

    @Test func aWaitThatWouldOverrunTheBudgetIsNotInserted() {
        // Budget 5: after 4 thinking tokens a 2-token wait does not fit, so the end stands.
        let (c, _, _) = run(config(max: 5, waits: 3), [10, 20, 21, 22, 1, 30, 2])
        #expect(c.waitsUsed == 0 && !c.forcedEnd && c.thinkingTokens == 4)
        // Budget 6: it fits exactly, and the budget is then exhausted: a forced close follows.
        let (d, _, _) = run(config(max: 6, waits: 3), [10, 20, 21, 22, 1, 30, 2])
        #expect(d.waitsUsed == 1 && d.forcedEnd && d.thinkingTokens == 6)
    }

    @Test func aModelThatNeverStopsIsCutAtBothBudgets() {
        let (c, _, _) = run(config(max: 7, maxAnswer: 5), [20])
        #expect(c.thinkingTokens == 7 && c.forcedEnd)
        #expect(c.answerTokens == 3 + 5 && c.finish == "length")   // forced "\nFinal Answer:" + 5 generated
    }

    @Test func imEndInsideThinkingEndsIt() {
        let (c, _, _) = run(config(max: 50), [10, 20, 2, 10, 30, 2])
        #expect(c.tokens(.thinking) == [10, 20] && c.tokens(.delimiter) == [1, 50] && c.finish == "eos")
    }

    @Test func minimumThinkingSuppressesTheEnd() {
        let (c, _, suppressed) = run(config(max: 50, min: 4), [10, 1, 1, 1, 1, 1, 30, 2])
        #expect(c.thinkingTokens == 4 && suppressed.prefix(4) == [true, true, true, true] && suppressed[4] == false)
        #expect(c.tokens(.thinking) == [10, 5, 5, 5])
    }

    @Test func emptyWaitStringJustDropsTheEnd() {
        let (c, fed, _) = run(config(max: 50, waits: 2, wait: []), [10, 1, 1, 1, 30, 2])
        #expect(c.waitsUsed == 2 && c.tokens(.thinking) == [10] && !fed.contains(70))
    }

    @Test func theContextLimitForcesTheCloseAndEndsTheAnswer() {
        let (c, _, _) = run(config(max: 100, room: 12), [20])
        #expect(c.forcedEnd && c.output.count == 12 && c.finish == "length")
    }

    // ---- on SmolLM2 through the tool ----

    func think(_ args: [String], _ questions: [String]) throws -> [[String: Any]] {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let input = questions.map { String(decoding: try! JSONSerialization.data(withJSONObject: ["id": $0, "question": $0]), as: UTF8.self) }.joined(separator: "\n") + "\n"
        let r = try Support.run("s1-think", ["--model", Support.smolModel] + args, stdin: input)
        try #require(r.status == 0, "\(r.stderr)")
        return Support.objects(r.stdout).flatMap { $0["outputs"] as! [[String: Any]] }
    }

    /// The batcher's SCC rewind on SmolLM2: the marker the model wrote is fed, then taken back when the step
    /// end follows, and the delimiter overwrites its KV entry. So the answer is exactly what greedy decoding
    /// gives from the prompt, the thinking before the marker and the delimiter, with no trace of the marker.
    /// (A greedy run picks the "marker" and "step end": two tokens the model writes in a row.)
    @Test func sccRewindOnTheModelLeavesNoTraceOfTheMarker() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let model = try ModelLoader.load(Support.smolModel)
        var o = ThinkingOptions()
        o.maxThinking = .tokens(16)
        o.maxAnswer = 8
        let gen = try ThinkingGenerator(model, options: o, capacity: 256)
        let raw = try RawGenerator(model, capacity: 256)
        let prompt = gen.promptTokens("What is 17 + 25? Explain briefly.")
        func greedy(_ p: [Int32], _ n: Int) -> [Int32] { var s = Sampler(); return raw.generate(p, maxTokens: n, sampler: &s).tokens }
        let t = greedy(prompt, 16), delimiter = gen.base.answerDelimiter
        let special = model.tokenizer.specialIDs
        func answer(thinking n: Int) -> [Int32] { greedy(prompt + Array(t.prefix(n)) + delimiter, 8) }
        func usable(_ k: Int) -> Bool {
            let plain = !t.prefix(k + 2).contains(where: special.contains) && t[k] != t[k + 1]
            return plain && !t.prefix(k).contains(t[k]) && answer(thinking: k) != answer(thinking: k + 1)
        }
        // The first position whose pair is new, and where keeping the marker would change the answer.
        let k = try #require((3..<t.count - 1).first(where: usable), "no usable pair in \(t)")
        gen.setup.base.stepMarker = t[k]
        gen.setup.base.stepEnd = [t[k + 1]]
        var result: ThinkingResult?
        var jobs = [ContinuousBatcher.Job(id: 0, prompt: prompt, seed: 0)]
        try ContinuousBatcher(gen, temperature: 0, topP: 1).run(next: { jobs.popLast() }, done: { result = $1.first })
        let r = try #require(result)
        let tok = model.tokenizer
        #expect(r.thinkingTokens == k && r.thinking == tok.decode(Array(t.prefix(k))) && !r.forcedEnd)
        #expect(r.answer == tok.decode(answer(thinking: k)), "marker \(t[k]) end \(t[k + 1]) at \(k)")
    }

    /// A record's samples share their prompt's prefill (the first sample's cache is copied to the others);
    /// each sample's output must be what it gives with a prefill of its own, across a sweep and with more
    /// samples than slots.
    @Test func samplesThatShareTheirPromptsPrefillGiveTheSameOutputs() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let model = try ModelLoader.load(Support.smolModel)
        var o = ThinkingOptions()
        o.sweep = [.init(budget: .tokens(10), waits: 0), .init(budget: .tokens(20), waits: 1)]
        o.maxAnswer = 6
        let gen = try ThinkingGenerator(model, options: o, capacity: 192, slots: 3)
        let prompts = ["What is 12 * 12?", "Name a prime above 50."].map(gen.promptTokens)
        func outputs(sharing: Bool) throws -> (out: [Int: [String]], prefill: Int) {
            let b = ContinuousBatcher(gen, temperature: 0.9, topP: 0.95)
            b.sharePrompts = sharing
            var jobs = (0..<10).map { ContinuousBatcher.Job(id: $0, prompt: prompts[$0 / 5], seed: UInt64(100 + $0)) }.reversed() as [ContinuousBatcher.Job]
            var out: [Int: [String]] = [:]
            try b.run(next: { jobs.popLast() }, done: { job, rs in out[job.id] = rs.map { "\($0.text)|\($0.thinkingTokens)|\($0.waits)|\($0.finish)" } })
            return (out, b.stats.prefillTokens)
        }
        let shared = try outputs(sharing: true), alone = try outputs(sharing: false)
        #expect(shared.out.count == 10 && shared.out == alone.out)
        #expect(Set(shared.out.values.map { $0[1] }).count > 2, "the samples differ from one another")
        // Sharing happened: fewer prompt tokens went through the model.
        #expect(alone.prefill == 5 * (prompts[0].count + prompts[1].count) && shared.prefill < alone.prefill / 2, "\(shared.prefill) of \(alone.prefill)")
    }

    @Test func smolLM2RespectsBudgetsAndCountsWaits() throws {
        let qs = ["How many primes are below 100?", "What is 17 * 23?", "Name the largest planet."]
        for budget in [8, 40] {
            for o in try think(["--max-thinking-tokens", "\(budget)", "--max-answer-tokens", "24"], qs) {
                let t = o["thinking_tokens"] as! Int
                #expect(t <= budget && o["max_thinking_tokens"] as? Int == budget)
                if o["forced_end"] as! Bool {
                    #expect(t == budget && (o["answer"] as! String).hasPrefix("\nFinal Answer:") && (o["text"] as! String).contains("<|im_start|>answer\nFinal Answer:"))
                }
            }
        }
        for o in try think(["--max-thinking-tokens", "200", "--wait", "2", "--max-answer-tokens", "8"], qs) {
            let waits = o["waits"] as! Int
            let thinking = o["thinking"] as! String
            let inserted = thinking.components(separatedBy: "Wait").count - 1
            #expect(waits <= 2)
            #expect(inserted >= waits)
            #expect((o["thinking_tokens"] as! Int) <= 200)
        }
    }

    @Test func autoBudgetComesFromTheContextLength() throws {
        let o = try think(["--max-answer-tokens", "4"], ["What is 2+2?"])[0]
        let prompt = ChatTemplate.thinkingPrompt(question: "What is 2+2?")
        let tok = try ModelLoader.loadTokenizer(Support.smolModel)
        let close = tok.encode("\n").count + tok.encode("<|im_start|>answer").count + tok.encode("\nFinal Answer:").count
        #expect(o["max_thinking_tokens"] as? Int == 8192 - tok.encode(prompt).count - close - 100)
    }
}

/// Continuous batching and the s1-think options around it, on SmolLM2.
@Suite struct ContinuousBatchingTests {
    let questions = ["How many primes are below 100?", "What is 17 * 23?", "Name the largest planet.", "Solve x^2 = 9.",
                     "What is 2^10?", "Is 91 prime?", "What is 15% of 80?", "Spell cat backwards.", "What is 7 + 8?"]

    func run(_ args: [String], input: String? = nil) throws -> (records: [[String: Any]], stderr: String) {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let text = input ?? questions.enumerated().map { #"{"id":"q\#($0.offset)","question":"\#($0.element)"}"# }.joined(separator: "\n") + "\n"
        let r = try Support.run("s1-think", ["--model", Support.smolModel] + args, stdin: text)
        try #require(r.status == 0, "\(r.stderr)")
        return (Support.objects(r.stdout), r.stderr)
    }

    func stable(_ recs: [[String: Any]]) -> [String] { Support.stable(recs) }

    /// A sweep decodes each prompt once and forks where settings part; every output must equal the output of
    /// a separate run with its own budget and wait count, greedy and sampled, with forks waiting for a slot
    /// (batch 2 for 6 settings) and without (batch 16).
    @Test func aSweepGivesEverySettingExactlyTheOutputOfItsOwnRun() throws {
        let qs = Array(questions.prefix(4))
        let input = qs.enumerated().map { #"{"id":"q\#($0.offset)","question":"\#($0.element)"}"# }.joined(separator: "\n") + "\n"
        let budgets = [12, 24, 40], waits = [0, 2]
        for sampling in [[], ["--temperature", "0.8", "--seed", "3", "--samples", "2"]] {
            let common = ["--max-answer-tokens", "8", "--min-thinking-tokens", "4"] + sampling
            let samples = sampling.isEmpty ? 1 : 2
            var separate: [[[[String: Any]]]] = []   // [setting][record][sample]: an output
            for b in budgets {
                for w in waits {
                    let recs = try run(common + ["--max-thinking-tokens", "\(b)", "--wait", "\(w)", "--batch", "4"], input: input).records
                    separate.append(recs.map { $0["outputs"] as! [[String: Any]] })
                }
            }
            for batch in ["2", "16"] {
                let swept = try run(common + ["--max-thinking-tokens", budgets.map(String.init).joined(separator: ","),
                                              "--wait", waits.map(String.init).joined(separator: ","), "--batch", batch], input: input).records
                try #require(swept.count == qs.count)
                for (r, rec) in swept.enumerated() {
                    let outs = rec["outputs"] as! [[String: Any]]
                    try #require(outs.count == samples * budgets.count * waits.count)
                    for k in 0..<samples {
                        for p in 0..<(budgets.count * waits.count) {
                            let o = outs[k * budgets.count * waits.count + p]
                            #expect(o["max_thinking_tokens"] as? Int == budgets[p / waits.count] && o["max_waits"] as? Int == waits[p % waits.count])
                            #expect(Support.stable([["outputs": [o]]]) == Support.stable([["outputs": [separate[p][r][k]]]]),
                                    "record \(r) sample \(k) setting \(p), batch \(batch), \(sampling)")
                        }
                    }
                }
            }
        }
        // Malformed lists are refused before any work.
        for bad in [["--max-thinking-tokens", "16,16"], ["--max-thinking-tokens", "16,auto"], ["--wait", "1,-1"],
                    ["--max-thinking-tokens", "16,32", "--reject-over", "8", "--temperature", "0.5"]] {
            let r = try Support.run("s1-think", ["--model", Support.smolModel] + bad, stdin: input)
            #expect(r.status != 0 && r.stdout.isEmpty, "\(bad)")
        }
    }

    @Test func resultsDoNotDependOnTheBatchSizeOrThreadCountAndKeepInputOrder() throws {
        let args = ["--max-thinking-tokens", "40", "--wait", "1", "--max-answer-tokens", "16", "--temperature", "0.8", "--seed", "5", "--samples", "2"]
        let one = try run(args + ["--batch", "1", "--threads", "2"]).records
        let eight = try run(args + ["--batch", "8", "--threads", "1"]).records
        #expect(one.map { $0["id"] as! String } == questions.indices.map { "q\($0)" })
        #expect(stable(one) == stable(eight))
        #expect(one.allSatisfy { ($0["outputs"] as! [[String: Any]]).count == 2 })
        let greedy1 = try run(["--max-thinking-tokens", "24", "--max-answer-tokens", "8", "--batch", "1"]).records
        let greedy5 = try run(["--max-thinking-tokens", "24", "--max-answer-tokens", "8", "--batch", "5"]).records
        #expect(stable(greedy1) == stable(greedy5))
    }

    @Test func skipIdsContinuesAKilledRun() throws {
        let first = try run(["--max-thinking-tokens", "8", "--max-answer-tokens", "4"])
        let done = Support.tempDir() + "/done.jsonl"
        Support.write(done, first.records.prefix(4).map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n") + "\n")
        let rest = try run(["--max-thinking-tokens", "8", "--max-answer-tokens", "4", "--skip-ids", done])
        #expect(rest.records.map { $0["id"] as! String } == (4..<questions.count).map { "q\($0)" })
        #expect(rest.stderr.contains("already in --skip-ids: 4"))
    }

    @Test func rejectionSamplingAndPromptControl() throws {
        // At --batch 16 every record is read before the first retry is due: retries queued after the input
        // is exhausted must still run, and every record must be written (once they were silently lost).
        let rs = ["--max-thinking-tokens", "64", "--max-answer-tokens", "4", "--temperature", "1", "--reject-over", "6", "--max-tries", "3"]
        let r = try run(rs + ["--batch", "16"]).records
        #expect(r.map { $0["id"] as? String } == (0..<questions.count).map { "q\($0)" })
        let outs = r.flatMap({ $0["outputs"] as! [[String: Any]] })
        for o in outs {
            let tries = o["tries"] as! Int
            #expect(tries >= 1 && tries <= 3 && o["reject_over"] as? Int == 6)
            if tries < 3 { #expect((o["thinking_tokens"] as! Int) <= 6) }
        }
        #expect(outs.contains { ($0["tries"] as! Int) > 1 }, "no record needed a retry: the test proves nothing")
        #expect(stable(try run(rs + ["--batch", "1"]).records) == stable(r))
        let c = try run(["--max-thinking-tokens", "4", "--max-answer-tokens", "2", "--control", "tokens:100"], input: #"{"question":"Hi"}"# + "\n").records
        #expect((c[0]["question"] as? String) == "Hi")   // the record is unchanged; the instruction is in the prompt only
        let bad = try Support.run("s1-think", ["--model", Support.smolModel, "--samples", "3"], stdin: "x\n")
        #expect(bad.status != 0 && bad.stderr.contains("--temperature"))
    }
}
