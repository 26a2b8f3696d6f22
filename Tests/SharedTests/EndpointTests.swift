import Foundation
import Testing
import Shared

/// `s1-think --endpoint` (issue 17) against a scripted server in vLLM's dialect, whose every request is
/// inspected (max_tokens, stop ids, logit_bias, the id sequence sent), and against llama.cpp's own
/// llama-server on loopback: budgets, waits and closes on real prompts, greedy agreement with
/// llama-completion, retries through a faulty proxy, and a killed run resumed with --skip-ids.
@Suite struct EndpointTests {
    static let tok: Tokenizer = try! ModelLoader.loadTokenizer(Support.smolModel)
    var tok: Tokenizer { Self.tok }
    var imStart: Int { Int(tok.id(of: "<|im_start|>")!) }
    var imEnd: Int { Int(tok.id(of: "<|im_end|>")!) }

    /// A scripted model behind vLLM's API: each thinking request yields `run` tokens of `words` (cycling,
    /// skipping forbidden ones) and then <|im_start|> unless that is forbidden; an answer request yields
    /// `answer` and <|im_end|>; both stop at max_tokens. The switches make it a server s1-think must refuse.
    struct Script {
        var run = 3
        var words = [" so", " then", " so"]
        var answer = "\n42"
        var model = "fake"
        var honoursBias = true
        var countsPrompt = true
        var idsAsText = false
        /// llama.cpp's way: a stop matched as text (<|im_start|>) is counted in usage but not listed in the ids.
        var hidesStops = false
        /// An SCC model: each thinking run ends with <|im_start|>0 instead of <|im_start|>.
        var sccEnd = false
        var key: String? = nil
    }

    func fake(_ s: Script) throws -> LoopbackHTTP {
        let tok = self.tok, imStart = self.imStart, imEnd = self.imEnd
        let words = s.words.flatMap { tok.encode($0) }.map(Int.init)
        let answer = tok.encode(s.answer).map(Int.init)
        let delimiter = tok.encode("<|im_start|>answer").map(Int.init), zero = tok.encode("0").map(Int.init)
        return try LoopbackHTTP { r in
            if let key = s.key, !r.head.components(separatedBy: "\r\n").contains("Authorization: Bearer \(key)") {
                return .json(["error": "bad key in \(r.head.components(separatedBy: "\r\n").first { $0.hasPrefix("Authorization") } ?? "")"], status: 401)
            }
            switch r.path {
            case "/v1/models": return .json(["data": [["id": s.model, "max_model_len": 2048]]])
            case "/v1/completions":
                let j = r.json!
                let prompt = j["prompt"] as! [Int], n = j["max_tokens"] as! Int
                let stops = Set(j["stop_token_ids"] as? [Int] ?? [])
                let bias = (j["logit_bias"] as? [String: Int] ?? [:]).filter { $0.value <= -100 }.keys.compactMap { Int($0) }
                let forbidden = s.honoursBias ? Set(bias) : []
                var out: [Int] = []
                let answering = prompt.indices.contains { prompt[$0...].starts(with: delimiter) }
                if answering {
                    out = Array((answer + [imEnd]).prefix(n))
                } else {
                    var i = 0
                    while out.count < n {
                        if out.count == s.run && !forbidden.contains(imStart) {
                            out += Array(([imStart] + (s.sccEnd ? zero.filter { !forbidden.contains($0) } : [])).prefix(n - out.count))
                            break
                        }
                        let w = words[i % words.count]
                        i += 1
                        if !forbidden.contains(w) { out.append(w) }
                    }
                }
                if let i = out.firstIndex(where: stops.contains) { out = Array(out[...i]) }
                let stopped = out.last.map { stops.contains($0) || $0 == imEnd } ?? false
                let listed = s.hidesStops && out.last == imStart && stops.contains(imStart) ? Array(out.dropLast()) : out
                let ids = listed.map { s.idsAsText ? tok.decode([Int32($0)]) : "token_id:\($0)" }
                let logprobs: Any = listed.isEmpty && s.hidesStops ? NSNull() : ["tokens": ids]
                return .json(["choices": [["text": tok.decode(listed.map(Int32.init)), "finish_reason": stopped ? "stop" : "length",
                                           "logprobs": logprobs]],
                              "usage": ["prompt_tokens": prompt.count + (s.countsPrompt ? 0 : 3), "completion_tokens": out.count]])
            default: return .json(["error": "not found"], status: 404)
            }
        }
    }

    func think(_ url: String, _ args: [String], _ questions: [String], model: String = "fake", env: [String: String] = [:]) throws -> Support.Run {
        let input = questions.enumerated().map { #"{"id":"q\#($0.offset)","question":"\#($0.element)"}"# }.joined(separator: "\n") + "\n"
        return try Support.run("s1-think", ["--endpoint", url, "--served-model", model, "--tokenizer", Support.smolModel, "--connect-timeout", "5"] + args,
                               stdin: input, env: env)
    }

    func outputs(_ r: Support.Run) -> [[String: Any]] { Support.objects(r.stdout).flatMap { $0["outputs"] as! [[String: Any]] } }

    /// The completions requests other than the startup probes, as sent.
    func thinkingRequests(_ server: LoopbackHTTP) -> [[String: Any]] {
        let probe = ids("The first five prime numbers are 2, 3,")
        return server.log.filter { $0.path == "/v1/completions" }.sorted { $0.index < $1.index }.compactMap(\.json)
            .filter { $0["prompt"] as? [Int] != probe }
    }

    func ids(_ s: String) -> [Int] { tok.encode(s).map(Int.init) }

    /// One question through s1-think against the scripted server: its output, the requests it sent (the
    /// startup probes aside) and the server's URL.
    func scripted(_ script: Script, _ args: [String], _ question: String) throws -> (output: [String: Any], requests: [[String: Any]], url: String) {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let server = try fake(script)
        defer { server.stop() }
        let r = try think(server.url, args, [question])
        try #require(r.status == 0, "\(r.stderr)")
        return (try #require(outputs(r).first), thinkingRequests(server), server.url)
    }

    @Test func waitsAndANaturalEndOverHTTPFollowSpec5() throws {
        let (o, reqs, url) = try scripted(Script(), ["--max-thinking-tokens", "100", "--wait", "2", "--max-answer-tokens", "16"], "What is 6 * 7?")
        let w = " so then so", wait = ids("Wait").count
        #expect(o["thinking"] as? String == w + "Wait" + w + "Wait" + w)
        #expect(o["thinking_tokens"] as? Int == 9 + 2 * wait && o["waits"] as? Int == 2 && o["forced_end"] as? Bool == false)
        #expect(o["answer"] as? String == "\n42" && o["finish"] as? String == "eos")
        #expect((o["text"] as! String).hasSuffix(w + "<|im_start|>answer\n42"))
        #expect(o["endpoint"] as? String == url && o["model"] as? String == "fake")
        // What was asked of the server: the budget left, the end signals as stops, the exact sequence so far.
        try #require(reqs.count == 4)
        let prompt = ids(ChatTemplate.thinkingPrompt(question: "What is 6 * 7?"))
        #expect(reqs[0]["prompt"] as? [Int] == prompt && reqs[0]["max_tokens"] as? Int == 100)
        #expect(reqs[0]["stop_token_ids"] as? [Int] == [imStart, imEnd].sorted() && reqs[0]["logit_bias"] == nil)
        #expect(reqs[1]["prompt"] as? [Int] == prompt + ids(w) + ids("Wait") && reqs[1]["max_tokens"] as? Int == 100 - 3 - wait)
        #expect(reqs[3]["prompt"] as? [Int] == prompt + ids(w + "Wait" + w + "Wait" + w) + ids("<|im_start|>answer"))
        #expect(reqs[3]["stop_token_ids"] as? [Int] == [imEnd] && reqs[3]["max_tokens"] as? Int == 16)
        // A server that leaves the matched stop out of the ids (llama.cpp), even as the reply's only token.
        for run in [3, 0] {
            let hiding = try fake(Script(run: run, hidesStops: true))
            defer { hiding.stop() }
            let shown = try fake(Script(run: run))
            defer { shown.stop() }
            let args = ["--max-thinking-tokens", "100", "--wait", "2", "--max-answer-tokens", "16"]
            let h = try think(hiding.url, args, ["What is 6 * 7?"]), v = try think(shown.url, args, ["What is 6 * 7?"])
            try #require(h.status == 0 && v.status == 0, "run \(run): \(h.stderr) \(v.stderr)")
            #expect(stable(h.stdout) == stable(v.stdout), "run \(run)")
        }
    }

    @Test func sccEndsAtTheMarkerFollowedByZeroAndTakesTheMarkerBackOverHTTP() throws {
        let (o, reqs, _) = try scripted(Script(sccEnd: true), ["--max-thinking-tokens", "100", "--wait", "1", "--max-answer-tokens", "16", "--control", "steps:4"], "Q?")
        let w = " so then so"
        #expect(o["thinking"] as? String == w + "Wait" + w && o["waits"] as? Int == 1 && o["control"] as? String == "steps:4" && o["budget"] as? String == "given")
        #expect(o["answer"] as? String == "\n42" && o["forced_end"] as? Bool == false)
        try #require(reqs.count == 3)
        let prompt = ids(ChatTemplate.thinkingPrompt(question: "Q?\n\nThink for up to 4 steps."))
        #expect(reqs[0]["prompt"] as? [Int] == prompt && reqs[0]["stop_token_ids"] as? [Int] == [imEnd])
        // The marker before 0 was taken back: the wait follows the step's words directly.
        #expect(reqs[1]["prompt"] as? [Int] == prompt + ids(w) + ids("Wait"))
        #expect(reqs[2]["prompt"] as? [Int] == prompt + ids(w + "Wait" + w) + ids("<|im_start|>answer"))
    }

    @Test func sccMinimumThinkingForbidsTheStepEndForTheOneTokenAfterEachMarker() throws {
        let (o, reqs, _) = try scripted(Script(sccEnd: true), ["--max-thinking-tokens", "100", "--min-thinking-tokens", "10", "--max-answer-tokens", "16",
                                                              "--control", "steps:4"], "Q?")
        let w = ids(" so then so"), so = ids(" so"), zero = Int(tok.encode("0")[0])
        #expect(o["thinking_tokens"] as? Int == 13 && o["forced_end"] as? Bool == false && o["answer"] as? String == "\n42")
        try #require(reqs.count == 6)
        // Below the minimum: <|im_end|> forbidden, each request stops at the marker…
        #expect(reqs[0]["max_tokens"] as? Int == 10 && reqs[0]["stop_token_ids"] as? [Int] == [imStart])
        #expect(reqs[0]["logit_bias"] as? [String: Int] == ["\(imEnd)": -100])
        // …and the token after it is one request with the step end (every token starting with 0) forbidden too.
        for i in [1, 3] {
            let bias = reqs[i]["logit_bias"] as? [String: Int] ?? [:]
            #expect(reqs[i]["max_tokens"] as? Int == 1 && bias["\(imEnd)"] == -100 && bias["\(zero)"] == -100 && bias["\(imStart)"] == nil)
        }
        #expect(reqs[2]["max_tokens"] as? Int == 5)
        // At the minimum the model's <|im_start|>0 ends the thinking; the marker was taken back.
        #expect(reqs[4]["logit_bias"] == nil && reqs[4]["stop_token_ids"] as? [Int] == [imEnd] && reqs[4]["max_tokens"] as? Int == 90)
        let prompt = ids(ChatTemplate.thinkingPrompt(question: "Q?\n\nThink for up to 4 steps."))
        #expect(reqs[5]["prompt"] as? [Int] == prompt + w + [imStart] + so + w + [imStart] + so + w + ids("<|im_start|>answer"))
    }

    @Test func anExhaustedBudgetIsForcedClosedOverHTTP() throws {
        let (o, reqs, _) = try scripted(Script(run: 50), ["--max-thinking-tokens", "7", "--max-answer-tokens", "16"], "Count.")
        #expect(o["thinking_tokens"] as? Int == 7 && o["forced_end"] as? Bool == true)
        #expect(o["answer"] as? String == "\nFinal Answer:\n42")
        try #require(reqs.count == 2)
        #expect(reqs[0]["max_tokens"] as? Int == 7)
        #expect((reqs[1]["prompt"] as! [Int]).suffix(ids("\n<|im_start|>answer\nFinal Answer:").count) == ArraySlice(ids("\n<|im_start|>answer\nFinal Answer:")))
        #expect(reqs[1]["max_tokens"] as? Int == 16)
    }

    @Test func minimumThinkingForbidsTheEndSignalsWithLogitBias() throws {
        let (o, reqs, _) = try scripted(Script(), ["--max-thinking-tokens", "100", "--min-thinking-tokens", "10", "--max-answer-tokens", "8"], "Think.")
        #expect(o["thinking_tokens"] as? Int == 13 && o["forced_end"] as? Bool == false)
        try #require(reqs.count == 3)
        #expect(reqs[0]["logit_bias"] as? [String: Int] == ["\(imStart)": -100, "\(imEnd)": -100] && reqs[0]["max_tokens"] as? Int == 10)
        #expect(reqs[0]["stop_token_ids"] == nil)
        #expect(reqs[1]["logit_bias"] == nil && reqs[1]["max_tokens"] as? Int == 90)
    }

    @Test func serversThatCannotDoItExactlyAreRefusedBeforeAnyRecord() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let cases: [(Script, [String], String)] = [
            (Script(model: "other"), [], "serves `other`, not `fake`"),
            (Script(countsPrompt: false), [], "does not take token-id prompts"),
            (Script(honoursBias: false), ["--min-thinking-tokens", "4"], "ignores logit_bias"),
            (Script(idsAsText: true), [], "ignored return_tokens_as_token_ids"),
        ]
        for (script, extra, message) in cases {
            let server = try fake(script)
            defer { server.stop() }
            let r = try think(server.url, ["--max-thinking-tokens", "8"] + extra, ["a", "b"])
            #expect(r.status == 69 && r.stderr.contains(message) && r.stdout.isEmpty, "\(message): \(r.status) \(r.stderr)")
            #expect(thinkingRequests(server).isEmpty, "\(message): records were sent")
        }
        // Without --min-thinking-tokens a server that ignores logit_bias is fine.
        let lax = try fake(Script(honoursBias: false))
        defer { lax.stop() }
        #expect(try think(lax.url, ["--max-thinking-tokens", "8"], ["a"]).status == 0)
        // Nothing listening: exit 69 naming the URL.
        let port = try LoopbackHTTP.freePort()
        let dead = try think("http://127.0.0.1:\(port)", ["--retries", "1"], ["a"])
        #expect(dead.status == 69 && dead.stderr.contains("127.0.0.1:\(port)") && dead.stdout.isEmpty, "\(dead.stderr)")
    }

    @Test func theAPIKeyIsSentButNeverShown() throws {
        try #require(FileManager.default.fileExists(atPath: Support.smolModel), "make model")
        let key = "sk-test-\(UUID().uuidString)"
        let server = try fake(Script(key: key))
        defer { server.stop() }
        let ok = try think(server.url, ["--max-thinking-tokens", "8", "--api-key-env", "S1_TEST_KEY"], ["a"], env: ["S1_TEST_KEY": key])
        #expect(ok.status == 0 && !ok.stdout.contains(key) && !ok.stderr.contains(key), "\(ok.stderr)")
        #expect(server.log.allSatisfy { $0.head.contains("Authorization: Bearer \(key)") })
        // A server that echoes a wrong key back in its refusal: the message masks it.
        let bad = try think(server.url, ["--max-thinking-tokens", "8", "--api-key-env", "S1_TEST_KEY"], ["a"], env: ["S1_TEST_KEY": key + "x"])
        #expect(bad.status == 69 && bad.stderr.contains("HTTP 401") && bad.stderr.contains("***") && !bad.stderr.contains(key), "\(bad.stderr)")
    }

    // ---- llama.cpp's llama-server on loopback ----

    static let skip = LlamaServer.unavailable
    let questions = ["How many primes are below 20?", "What is 17 * 23?", "Name the largest planet.", "Solve x^2 = 9.",
                     "What is 2^10?", "Is 91 prime?"]

    func llama(_ server: LlamaServer, _ args: [String], _ qs: [String]? = nil, via url: String? = nil) throws -> Support.Run {
        try think(url ?? server.url, args, qs ?? questions, model: server.served)
    }

    /// Records without their wall-clock field (and where they were decoded).
    func stable(_ text: String) -> [String] { Support.stable(Support.objects(text), dropping: ["seconds", "endpoint"]) }

    @Test(.disabled(if: skip != nil, Comment(rawValue: skip ?? "")))
    func llamaServerRespectsBudgetsWaitsAndMinimumThinking() throws {
        let server = try LlamaServer(slots: 2)
        for budget in [8, 40] {
            let r = try llama(server, ["--max-thinking-tokens", "\(budget)", "--max-answer-tokens", "24", "--batch", "2"], Array(questions.prefix(3)))
            try #require(r.status == 0, "\(r.stderr)")
            #expect(Support.objects(r.stdout).map { $0["id"] as? String } == ["q0", "q1", "q2"])
            for o in outputs(r) {
                let t = o["thinking_tokens"] as! Int
                #expect(t <= budget && o["max_thinking_tokens"] as? Int == budget && o["endpoint"] as? String == server.url)
                if o["forced_end"] as! Bool {
                    #expect(t == budget && (o["answer"] as! String).hasPrefix("\nFinal Answer:") && (o["text"] as! String).contains("<|im_start|>answer\nFinal Answer:"))
                }
                #expect((o["answer_tokens"] as! Int) <= 24 + 4)
            }
        }
        let w = try llama(server, ["--max-thinking-tokens", "200", "--wait", "2", "--min-thinking-tokens", "12", "--max-answer-tokens", "8"], Array(questions.prefix(3)))
        try #require(w.status == 0, "\(w.stderr)")
        for o in outputs(w) {
            let waits = o["waits"] as! Int, t = o["thinking_tokens"] as! Int
            #expect(waits <= 2 && (o["thinking"] as! String).components(separatedBy: "Wait").count - 1 >= waits)
            #expect(t >= 12 && t <= 200)
            #expect(!(o["thinking"] as! String).contains("<|im_start|>") && !(o["thinking"] as! String).contains("<|im_end|>"))
        }
    }

    @Test(.disabled(if: skip != nil, Comment(rawValue: skip ?? "")))
    func greedyThinkingAgreesWithLlamaCompletionOnTheSamePromptIds() throws {
        let server = try LlamaServer()
        for q in questions.prefix(3) {
            let prompt = ChatTemplate.thinkingPrompt(question: q)
            let r = try llama(server, ["--max-thinking-tokens", "24", "--max-answer-tokens", "1"], [q])
            try #require(r.status == 0, "\(r.stderr)")
            let o = try #require(outputs(r).first)
            let c = try Support.exec(LlamaServer.completion, ["-m", Support.smolModel, "-p", prompt, "-n", "24", "--temp", "0", "-t", "1",
                                                              "-no-cnv", "--no-display-prompt", "--verbose-prompt", "--no-warmup", "-s", "0"])
            try #require(c.status == 0, "\(c.stderr)")
            // llama-completion's prompt ids (its --verbose-prompt listing) are ours.
            let listed = c.stderr.split(separator: "\n").compactMap { line -> Int? in
                let parts = line.split(separator: "->", maxSplits: 1)
                // "<time> I     1 -> '<|im_start|>'": the id is the last word before the arrow.
                guard parts.count == 2, let id = parts[0].split(separator: " ").last.flatMap({ Int($0) }) else { return nil }
                return id
            }
            #expect(listed == ids(prompt), "\(q): llama-completion tokenized the prompt differently")
            let thinking = o["thinking"] as! String
            let theirs = c.stdout.hasSuffix("\n") && !thinking.hasSuffix("\n") ? String(c.stdout.dropLast()) : c.stdout
            if o["forced_end"] as! Bool {
                #expect(thinking == theirs, "\(q): endpoint \(thinking.debugDescription) vs llama-completion \(theirs.debugDescription)")
            } else {
                #expect(theirs.hasPrefix(thinking), "\(q): endpoint \(thinking.debugDescription) vs llama-completion \(theirs.debugDescription)")
            }
        }
    }

    @Test(.disabled(if: skip != nil, Comment(rawValue: skip ?? "")))
    func dropsCutsDelaysAnd503sAreRetriedWithoutChangingTheResult() throws {
        let server = try LlamaServer()
        let args = ["--max-thinking-tokens", "24", "--wait", "1", "--max-answer-tokens", "8", "--batch", "1"]
        let direct = try llama(server, args, Array(questions.prefix(3)))
        try #require(direct.status == 0, "\(direct.stderr)")
        let faults: [Int: LoopbackHTTP.Action] = [0: .json(["error": "busy"], status: 503), 3: .drop, 5: .truncate(.forward(port: server.port)),
                                                  7: .delay(5, .forward(port: server.port)), 9: .json(["error": "slow down"], status: 429)]
        let proxy = try LoopbackHTTP { r in faults[r.index] ?? .forward(port: server.port) }
        defer { proxy.stop() }
        let viaProxy = try llama(server, args + ["--timeout", "2", "--retries", "3"], Array(questions.prefix(3)), via: proxy.url)
        try #require(viaProxy.status == 0, "\(viaProxy.stderr)")
        #expect(stable(viaProxy.stdout) == stable(direct.stdout))
        #expect(viaProxy.stderr.components(separatedBy: "; retry ").count - 1 >= 5, "\(viaProxy.stderr)")
        #expect(viaProxy.stderr.contains("HTTP 503") && viaProxy.stderr.contains("HTTP 429") && viaProxy.stderr.contains("timed out"))

        // A record whose requests keep failing: exit 69 naming it, the records before it written, nothing for it.
        let second = ids(ChatTemplate.thinkingPrompt(question: questions[1]))
        let failing = try LoopbackHTTP { r in
            if r.path == "/v1/completions", let p = r.json?["prompt"] as? [Int], p.starts(with: second) { return .json(["error": "down"], status: 500) }
            return .forward(port: server.port)
        }
        defer { failing.stop() }
        let broken = try llama(server, args + ["--retries", "1"], Array(questions.prefix(3)), via: failing.url)
        #expect(broken.status == 69 && broken.stderr.contains("`q1`") && broken.stderr.contains("HTTP 500"), "\(broken.stderr)")
        #expect(Support.objects(broken.stdout).map { $0["id"] as? String } == ["q0"])
        // …and a resume with --skip-ids writes the rest, the same as the unbroken run.
        let done = Support.tempDir() + "/done.jsonl"
        Support.write(done, broken.stdout)
        let rest = try llama(server, args + ["--skip-ids", done], Array(questions.prefix(3)))
        try #require(rest.status == 0, "\(rest.stderr)")
        #expect(stable(broken.stdout + rest.stdout) == stable(direct.stdout))
    }

    @Test(.disabled(if: skip != nil, Comment(rawValue: skip ?? "")))
    func aKilledRunResumesWithSkipIdsAndLosesNothing() throws {
        let server = try LlamaServer(slots: 2)
        let dir = Support.tempDir()
        let input = dir + "/in.jsonl", out = dir + "/out.jsonl"
        Support.write(input, questions.enumerated().map { #"{"id":"q\#($0.offset)","question":"\#($0.element)"}"# }.joined(separator: "\n") + "\n")
        let args = ["--endpoint", server.url, "--served-model", server.served, "--tokenizer", Support.smolModel,
                    "--max-thinking-tokens", "96", "--max-answer-tokens", "16", "--batch", "2", "-o", out, "--skip-ids", out, input]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Support.binDir + "/s1-think")
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline && !Support.read(out).contains("\n") { Thread.sleep(forTimeInterval: 0.02) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let before = Support.objects(Support.read(out)).count
        #expect(before >= 1 && before < questions.count, "the kill came after \(before) records")
        let resumed = try Support.run("s1-think", args)
        try #require(resumed.status == 0, "\(resumed.stderr)")
        let recs = Support.objects(Support.read(out))
        #expect(recs.map { $0["id"] as! String }.sorted() == questions.indices.map { "q\($0)" })
        #expect(recs.allSatisfy { ($0["outputs"] as? [[String: Any]])?.first?["answer"] is String })
        #expect(resumed.stderr.contains("already in --skip-ids: \(before)"), "\(resumed.stderr)")
    }
}
