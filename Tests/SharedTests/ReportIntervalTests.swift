import Foundation
import Testing
import Shared

/// The report's bootstrap intervals (the main-job statistics issue): accuracy intervals agree with the
/// binomial normal approximation at n = 300, paired gains are tighter than independent ones when runs are
/// correlated, the intervals are the same for any input order; wait runs and model comparisons are paired
/// differences setting by setting; the loss curve reads s1-sft's step log.
@Suite struct ReportIntervalTests {
    /// Graded records: record i is correct at budget b when `correct(i, b)`.
    static func report(_ n: Int, budgets: [Int], order: [Int]? = nil, correct: (Int, Int) -> Bool) throws -> Report {
        var rep = Report()
        for i in order ?? Array(0..<n) {
            let outs = budgets.map { b in #"{"model":"m","max_thinking_tokens":\#(b),"thinking_tokens":\#(b / 2),"correct":\#(correct(i, b)),"extracted":"1"}"# }
            let line = #"{"id":"p\#(i)","answer":"1","outputs":[\#(outs.joined(separator: ","))]}"#
            try rep.add(Array(line.utf8).withUnsafeBytes { try Record.parse($0) })
        }
        return rep
    }

    @Test func anAccuracyIntervalMatchesTheBinomialAtThreeHundredProblems() throws {
        let rep = try Self.report(300, budgets: [256]) { i, _ in i % 10 < 3 }   // 30 %
        let (lo, hi) = try #require(rep.orderedRuns[0].interval)
        let half = 1.96 * (0.3 * 0.7 / 300).squareRoot()   // 0.0519
        #expect(abs(lo - (0.3 - half)) < 0.012 && abs(hi - (0.3 + half)) < 0.012, "[\(lo), \(hi)]")
    }

    @Test func aPairedGainIsTighterThanIndependentRunsAndOrderDoesNotMatter() throws {
        // The large budget solves every problem the small one does, plus 30 more of 300.
        let rep = try Self.report(300, budgets: [256, 4096]) { i, b in i % 10 < 3 || (b == 4096 && i % 10 == 3) }
        let g = try #require(rep.gains.first)
        #expect(g.a.budget == 256 && g.b.budget == 4096 && g.records == 300 && abs(g.difference - 0.1) < 1e-12)
        let (lo, hi) = try #require(g.interval)
        // Discordant pairs only in one direction: the paired interval is about ±1.96·sqrt(0.1·0.9/300) = ±0.034,
        // where two independent 30 % / 40 % runs would give about ±0.077.
        #expect(lo > 0.05 && hi < 0.15 && hi - lo < 0.08, "[\(lo), \(hi)]")
        let shuffled = try Self.report(300, budgets: [256, 4096], order: (0..<300).reversed()) { i, b in i % 10 < 3 || (b == 4096 && i % 10 == 3) }
        #expect(shuffled.gains.first?.interval.map { [$0.0, $0.1] } == [lo, hi])
        let md = rep.markdown()
        #expect(md.contains("256 → 4096") && md.contains("+10.0") && md.contains("95% CI"))
        let json = String(decoding: rep.json().bytes, as: UTF8.self)
        #expect(json.contains("\"accuracy_ci95\":[") && json.contains("\"gain_ci95\":["))
        #expect(rep.svg().components(separatedBy: "stroke-width=\"1.5\"").count - 1 == 2 * 3)   // bar + 2 caps per point
    }

    @Test func waitEffectsAndModelComparisonsArePairedDifferencesAtEachSetting() throws {
        var rep = Report()
        rep.comparisons = [("random", "s1")]
        for i in 0..<200 {
            let runs = [("s1", 0, i % 4 == 0), ("s1", 2, i % 4 < 2), ("random", 0, i % 8 == 0), ("random", 2, i % 8 == 0)]
            let outs = runs.map { #"{"model":"\#($0.0)","max_thinking_tokens":256,"max_waits":\#($0.1),"thinking_tokens":100,"correct":\#($0.2),"extracted":"1"}"# }
            let line = #"{"id":"p\#(i)","answer":"1","outputs":[\#(outs.joined(separator: ","))]}"#
            try rep.add(Array(line.utf8).withUnsafeBytes { try Record.parse($0) })
        }
        let w = rep.waitEffects
        #expect(w.map(\.b.model) == ["random", "s1"] && w.allSatisfy { $0.a.waits == 0 && $0.b.waits == 2 && $0.records == 200 })
        // s1: 25 % → 50 %, every change in one direction: about ±1.96·sqrt(0.25·0.75/200) = ±0.06.
        let s1 = try #require(w.last), s1ci = try #require(s1.interval)
        #expect(abs(s1.difference - 0.25) < 1e-12 && s1ci.0 > 0.18 && s1ci.1 < 0.32, "\(s1ci)")
        // random: waits change nothing, so no resample can differ.
        #expect(w.first?.difference == 0 && w.first?.interval.map { [$0.0, $0.1] } == [0, 0])
        let c = rep.comparison("random", "s1")
        #expect(c.map(\.b.waits) == [0, 2] && c.allSatisfy { $0.a.model == "random" && $0.b.model == "s1" })
        #expect(abs(c[0].difference - 0.125) < 1e-12 && abs(c[1].difference - 0.375) < 1e-12)
        let md = rep.markdown()
        #expect(md.contains("What forced waits do") && md.contains("s1 against random") && md.contains("+12.5") && md.contains("+37.5"))
        let json = String(decoding: rep.json().bytes, as: UTF8.self)
        #expect(json.contains("\"wait_effects\":[{") && json.contains("\"comparisons\":[{\"a\":\"random\",\"b\":\"s1\""))
        let svg = rep.svg()
        #expect(["random", "random +2 waits", "s1", "s1 +2 waits"].allSatisfy { svg.contains(">\($0)</text>") })
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)
    }

    @Test func theLossCurveReadsTheStepLogKeepsTheLastLineOfAStepAndNamesBadLines() throws {
        let dir = Support.tempDir()
        // A run stopped after step 3 and resumed: step 3 is logged twice, the later line counts.
        let log = [1: 2.5, 2: 1.75, 3: 1.0].sorted { $0.key < $1.key }.map { #"{"step":\#($0.key),"epoch":0.1,"loss":\#($0.value),"lr":0.0001}"# }
            + [#"{"step":3,"loss":0.9}"#, #"{"step":4,"loss":0.5}"#]
        let r = try Support.run("s1-score", ["--loss-plot", dir + "/loss.svg"], stdin: log.joined(separator: "\n") + "\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("4 steps (1–4): loss 2.5000 → 0.5000, lowest 0.5000 at step 4"), "\(r.stdout)")
        let svg = try String(contentsOfFile: dir + "/loss.svg", encoding: .utf8)
        let line = try #require(svg.components(separatedBy: "<polyline").last?.components(separatedBy: "points=\"").last?.components(separatedBy: "\"").first)
        #expect(line.split(separator: " ").count == 4 && svg.contains("Optimizer step"))
        let bad = try Support.run("s1-score", ["--loss-plot", dir + "/bad.svg"], stdin: #"{"step":1,"loss":2}"# + "\n" + #"{"loss":1}"# + "\n")
        #expect(bad.status != 0 && bad.stderr.contains("stdin:2") && bad.stderr.contains("not a training step record"), "\(bad.stderr)")
    }
}
