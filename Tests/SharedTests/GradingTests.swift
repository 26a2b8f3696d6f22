import Foundation
import Testing
import Shared

/// Judging without a language model (SPEC §7): equivalence cases with their reasons, extraction of the
/// committed answer, majority votes, and the report's metrics on hand-computed examples.
@Suite struct GradingTests {
    @Test func equivalenceCasesAreJudgedAsLabelled() throws {
        let cases = Support.fixtureObjects("grading/equivalence.jsonl")
        try #require(cases.count >= 200)
        var wrong: [String] = []
        for c in cases {
            let got = Judge.correct(extracted: c["extracted"] as? String, gold: c["gold"] as! String)
            if got != c["correct"] as! Bool { wrong.append("\(c["extracted"]!) vs \(c["gold"]!) → \(got) (\(c["why"]!))") }
        }
        let report = "\(wrong.count) of \(cases.count) misjudged:\n" + wrong.prefix(40).joined(separator: "\n")
        #expect(wrong.isEmpty, "\(report)")
    }

    @Test func onlyTheCommittedAnswerCounts() {
        let text = "I think \\boxed{7} maybe.\n<|im_start|>answer\nAfter checking, the answer is \\boxed{\\frac{1}{2}}."
        #expect(FinalAnswer.extract(FinalAnswer.section(text: text, answer: nil)) == "\\frac{1}{2}")
        #expect(FinalAnswer.extract("Final Answer: The final answer is $42$. I hope it is correct.") == "$42$")
        #expect(FinalAnswer.extract("blah\nAnswer: 17\n") == "17")
        #expect(FinalAnswer.extract("\\boxed{a{b}c} then \\boxed{\\frac{1}{2}}") == "\\frac{1}{2}")
        // The gold in the reasoning but no committed answer: not correct.
        let thinkingOnly = FinalAnswer.section(text: "the answer must be 42<|im_start|>answer\nI am not sure.", answer: nil)
        #expect(!Judge.correct(extracted: FinalAnswer.extract(thinkingOnly), gold: "42"))
    }

    @Test func majorityIsTheMostCommonEquivalentAnswerFirstOnTies() {
        #expect(Judge.majority(["0.5", "\\frac{1}{2}", "3", "3"], gold: "1/2") == 0)   // 0.5 and 1/2 are one vote of two, tie → first
        #expect(Judge.majority(["3", "0.5", "3"], gold: "1/2") == 0)
        #expect(Judge.majority([nil, "(B)", "B", "C"], gold: "B") == 1)
        #expect(Judge.majority([nil, nil], gold: "B") == nil)
    }

    func record(_ outputs: [(String, Int, Int, String)]) -> String {
        let outs = outputs.map { #"{"model":"\#($0.0)","max_thinking_tokens":\#($0.1),"waits":0,"thinking_tokens":\#($0.2),"answer":"\\boxed{\#($0.3)}"}"# }
        return #"{"answer":"7","source_type":"t","outputs":["# + outs.joined(separator: ",") + "]}"
    }

    @Test func reportMetricsMatchHandComputedValues() throws {
        // Runs at budgets 100 and 200: accuracy 1/2 at 80 tokens, 1 at 185 tokens; one output of the
        // 200 run went over budget (210 > 200), so Control = 1/2. Scaling = (1 − 0.5)/(185 − 80) per token.
        let input = [record([("m", 100, 80, "7"), ("m", 200, 160, "7")]), record([("m", 100, 80, "8"), ("m", 200, 210, "7")])].joined(separator: "\n") + "\n"
        let r = try Support.run("s1-score", ["--report", "--format", "json"], stdin: input)
        try #require(r.status == 0, "\(r.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let runs = o["runs"] as! [[String: Any]]
        #expect(runs.map { $0["accuracy"] as! Double } == [0.5, 1.0])
        #expect(runs.map { $0["mean_thinking_tokens"] as! Double } == [80, 185])
        #expect(o["control"] as? Double == 0.5)
        #expect(abs((o["scaling"] as! Double) - 0.5 / 105 * 1000) < 1e-5)
        #expect(o["performance"] as? Double == 1.0)
    }

    @Test func lengthControlMethodsAreSeparateRunsWithTheirOwnLimits() throws {
        // One model, three methods at the same budget 4000: BF, TCC (tokens:100) and SCC (steps:2 → 200 by the
        // 100-tokens-per-step proxy). Thinking of 150 tokens is within BF's budget, over TCC's 100, within SCC's 200.
        // An auto budget is the context minus the prompt, so it differs per prompt (`max`): TCC's two outputs
        // with 4000 and 3871 are still one run.
        func rec(_ control: String?, _ thinking: Int, _ ans: String, max: Int = 4000) -> String {
            let c = control.map { #","control":"\#($0)","budget":"auto""# } ?? ""
            return #"{"model":"m","max_thinking_tokens":\#(max),"waits":0,"thinking_tokens":\#(thinking),"answer":"\\boxed{\#(ans)}"\#(c)}"#
        }
        // …and RS with --reject-over 120 (its output kept after the last try went over: 130).
        let rs = #"{"model":"m","max_thinking_tokens":4000,"waits":0,"thinking_tokens":130,"answer":"\\boxed{7}","tries":8,"reject_over":120}"#
        // …and TCC+BF: tokens:200 with a given budget of 120, so its limit is 120 and 130 tokens is over it.
        let bf = #"{"model":"m","max_thinking_tokens":120,"waits":0,"thinking_tokens":130,"answer":"\\boxed{7}","control":"tokens:200","budget":"given"}"#
        let outs = [rec(nil, 150, "7"), rec("tokens:100", 150, "7"), rec("steps:2", 150, "8"), rec("tokens:100", 50, "7", max: 3871), rs, bf]
        let input = #"{"answer":"7","source_type":"t","outputs":["# + outs.joined(separator: ",") + "]}\n"
        let r = try Support.run("s1-score", ["--report", "--format", "json"], stdin: input)
        try #require(r.status == 0, "\(r.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let runs = o["runs"] as! [[String: Any]]
        #expect(runs.map { $0["method"] as? String } == ["BF", "RS", "SCC", "TCC", "TCC+BF"])
        #expect(runs.map { $0["n"] as? Int } == [1, 1, 1, 2, 1] && runs.map { ($0["accuracy"] as? NSNumber)?.doubleValue } == [1, 1, 0, 1, 1], "\(runs)")
        let control = (o["control"] as? [String: NSNumber])?.mapValues(\.doubleValue)
        #expect(control == ["m": 1, "m · RS": 0, "m · SCC": 1, "m · TCC": 0, "m · TCC+BF": 0], "\(o["control"] ?? "none")")
        #expect(o["scc_control_proxy"] is String)
        let md = try Support.run("s1-score", ["--report"], stdin: input)
        // An auto budget is not part of the run (it differs with each prompt's length): no budget column.
        #expect(md.stdout.contains("| m | tokens:100 | – | 0 | 2 |") && md.stdout.contains("m · TCC: Control 0.0%"), "\(md.stdout)")
    }

    @Test func samplesGiveMajorityAndCoverageAtK() throws {
        // Four samples in one run: 7, 8, 8, 7 → maj@1 1, maj@2 1 (tie → first), maj@4 1 (tie → first); cov@k 1.
        // Second record: 8, 8, 7, 9 → maj@k 0; cov@1 0, cov@2 0, cov@4 1.
        let a = record([("m", 50, 10, "7"), ("m", 50, 10, "8"), ("m", 50, 10, "8"), ("m", 50, 10, "7")])
        let b = record([("m", 50, 10, "8"), ("m", 50, 10, "8"), ("m", 50, 10, "7"), ("m", 50, 10, "9")])
        let r = try Support.run("s1-score", ["--report", "--format", "json"], stdin: a + "\n" + b + "\n")
        try #require(r.status == 0, "\(r.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let maj = ((o["maj_at_k"] as! [[String: Any]])[0]["values"] as! [String: Double])
        let cov = ((o["cov_at_k"] as! [[String: Any]])[0]["values"] as! [String: Double])
        #expect(maj == ["1": 0.5, "2": 0.5, "4": 0.5])
        #expect(cov == ["1": 0.5, "2": 0.5, "4": 1.0])
        let graded = try Support.run("s1-score", [], stdin: a + "\n")
        let rec = try #require(Support.objects(graded.stdout).first)
        let m = (rec["majority"] as! [[String: Any]])[0]
        #expect(m["answer"] as? String == "7" && m["correct"] as? Bool == true && m["samples"] as? Int == 4)
        #expect((rec["outputs"] as! [[String: Any]]).map { $0["correct"] as! Bool } == [true, false, false, true])
    }

    @Test func thePlotRendersToPNG() throws {
        let input = record([("s1", 100, 80, "7"), ("s1", 200, 160, "7"), ("base", 100, 90, "8")]) + "\n"
        let d = Support.tempDir()
        let r = try Support.run("s1-score", ["--report", "--plot", d + "/p.svg"], stdin: input)
        try #require(r.status == 0, "\(r.stderr)")
        let svg = Support.read(d + "/p.svg")
        #expect(svg.contains("Accuracy (%)") && svg.contains("Average thinking time (tokens)") && svg.contains(">s1<") && svg.contains(">base<"))
        let png = Process()
        png.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
        png.arguments = ["-o", d + "/p.png", d + "/p.svg"]
        try png.run()
        png.waitUntilExit()
        #expect(png.terminationStatus == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: d + "/p.png"))
        #expect(bytes.count > 2000 && bytes.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func recordsWithoutGoldAreBadInput() throws {
        let r = try Support.run("s1-score", [], stdin: #"{"question":"q","outputs":[]}"# + "\n")
        #expect(r.status == 65 && r.stderr.contains("no gold answer"))
    }
}
