import Foundation
import Testing
import Shared

/// The report's bootstrap intervals (the main-job statistics issue): accuracy intervals agree with the
/// binomial normal approximation at n = 300, paired gains are tighter than independent ones when runs are
/// correlated, and the intervals are the same for any input order.
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
        #expect(g.from == 256 && g.to == 4096 && g.records == 300 && abs(g.gain - 0.1) < 1e-12)
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
}
