import Foundation
import Testing
import Shared

/// The judge against labelled answers: our corpus (every class of the grading issue, MATH500's real
/// solutions, traps), Math-Verify's public test suite with our deliberate policy differences marked, and
/// hostile answers that must get a bounded verdict.
@Suite struct JudgeTests {
    /// Grades `text` as an output's answer section against `gold`, exactly as s1-score does.
    static func grade(_ text: String, _ gold: String) -> Judge.Verdict {
        let boxes = FinalAnswer.allBoxed(text)
        return Judge.verdict(extracted: FinalAnswer.extract(text), gold: gold, alternatives: boxes.count > 1 ? [boxes.joined(separator: ", ")] : [], section: text)
    }

    @Test func corpusCasesAreJudgedAsLabelled() throws {
        let cases = Support.fixtureObjects("grading/corpus.jsonl")
        try #require(cases.count >= 600)
        #expect(cases.filter { $0["correct"] as! Bool == false }.count >= 150, "at least 150 not-equal traps")
        #expect(cases.filter { $0["class"] as? String == "real-solution" }.count >= 500)
        var wrong: [String] = []
        for c in cases {
            let v = JudgeTests.grade(c["text"] as! String, c["gold"] as! String)
            if v.correct != c["correct"] as! Bool { wrong.append("[\(c["class"]!)] \(c["text"]!) vs \(c["gold"]!) → \(v.correct) (\(c["why"]!))") }
        }
        let report = "\(wrong.count) of \(cases.count) misjudged:\n" + wrong.prefix(30).joined(separator: "\n")
        #expect(wrong.isEmpty, "\(report)")
    }

    /// Math-Verify's tests/, hendrycks/math's equivalence tests, Qwen2.5-Math's grader examples.
    @Test func peerSuitesAgreeOutsideDocumentedPolicy() throws {
        let cases = ["math-verify", "hendrycks-math", "qwen25-math"].flatMap { Support.fixtureObjects("grading/peers/\($0).jsonl") }
        try #require(cases.count >= 300)
        var policyWrong: [String] = [], misses: [String] = []
        var plain = 0
        for c in cases {
            let gold = c["gold"] as! String
            let boxes = FinalAnswer.allBoxed(gold)
            let g = boxes.count > 1 ? boxes.joined(separator: ", ") : (FinalAnswer.extract(gold) ?? gold)
            let got = JudgeTests.grade(c["pred"] as! String, g).correct
            if let ours = c["ours"] as? Bool {
                // A deliberate difference must hold exactly (it is our policy, with its reason in the fixture).
                if got != ours { policyWrong.append("\(gold) vs \(c["pred"]!): \(c["policy"]!)") }
            } else {
                plain += 1
                if got != c["expected"] as! Bool { misses.append("\(c["suite"]!): \(gold) vs \(String((c["pred"] as! String).suffix(80)))") }
            }
        }
        #expect(policyWrong.isEmpty, "\(policyWrong)")
        let agreement = Double(plain - misses.count) / Double(plain)
        let report = "agreement \(agreement) on \(plain) cases; misses:\n" + misses.joined(separator: "\n")
        #expect(agreement >= 0.95, "\(report)")
    }

    @Test func hostileAnswersGetABoundedVerdict() {
        let bigSet = "\\{" + (1...600).map(String.init).joined(separator: ",") + "\\}"
        let reversed = "\\{" + (1...600).reversed().map(String.init).joined(separator: ",") + "\\}"
        let cases: [(String, String)] = [
            (String(repeating: "{", count: 100_000) + "1" + String(repeating: "}", count: 100_000), "1"),
            (bigSet, reversed),
            (String(repeating: "\\frac{1}{", count: 30_000) + "2" + String(repeating: "}", count: 30_000), "1"),
            ("0." + String(repeating: "3", count: 1_000_000), "\\frac13"),
            (String(repeating: "(B) ", count: 100_000), "B"),
            (String(repeating: "(", count: 1500) + "1" + String(repeating: ")", count: 1500), "1"),
            ("2^{2^{2^{2^{2^{2^{2}}}}}}", "2^{2^{2^{2^{2^{2^{3}}}}}}"),
            ("10^{10^{10}}", "10^{10^{10}}+1"),
            ("1000000!", "1000001!"),
            (String(repeating: "x+", count: 1900) + "1", String(repeating: "x+", count: 1899) + "2"),
            (String(repeating: "7 8 ", count: 2_500_000), "7"),   // a 10 MB answer
        ]
        for (a, g) in cases {
            let start = Date()
            let v = JudgeTests.grade("\\boxed{" + a + "}", g)
            let seconds = Date().timeIntervalSince(start)
            #expect(seconds < 3, "\(a.prefix(40))… took \(seconds) s")
            #expect(!(v.correct && a.count > 4000), "a huge answer is not judged equal without computation")
        }
        // Past the budget or the size limit the verdict says why.
        let v = JudgeTests.grade("\\boxed{" + bigSet + "}", reversed)
        #expect(v.correct || v.note != nil)
        #expect(JudgeTests.grade("\\boxed{0." + String(repeating: "3", count: 10_000) + "}", "1/3").note?.contains("longer than") == true)
    }

    @Test func aJudgeNoteIsWrittenWhenTheBudgetRunsOut() throws {
        let long = "\\\\boxed{0." + String(repeating: "3", count: 5000) + "}"   // JSON: \\boxed
        let input = #"{"answer":"1/3","outputs":[{"answer":"\#(long)"}]}"# + "\n"
        let r = try Support.run("s1-score", [], stdin: input)
        try #require(r.status == 0, "\(r.stderr)")
        let out = try #require(Support.objects(r.stdout).first?["outputs"] as? [[String: Any]])
        #expect(out[0]["correct"] as? Bool == false)
        #expect((out[0]["judge_note"] as? String)?.contains("longer than") == true)
    }

    @Test func theCanonicalSpellingIgnoresOrderButNotValues() throws {
        func c(_ s: String) throws -> String { CanonicalPrinter.print(try #require(MathParser.parse(s), "\(s) parses")) }
        #expect(try c("9a+11") == c("11 + 9a"))
        #expect(try c("\\{3, 1, 2\\}") == c("\\{1,2,3\\}"))
        #expect(try c("0.5") == c("\\frac12"))
        #expect(try c("(1,2)") != c("(2,1)"))
        #expect(try c("[0,9)") != c("(0,9)"))
        #expect(try c("0.67") != c("2/3"))
        #expect(try c("x<3") != c("x>3"))
        #expect(try c("(x-2)^2") != c("x^2-4x+4"), "equal values, different spellings: left to evaluation")
    }
}
