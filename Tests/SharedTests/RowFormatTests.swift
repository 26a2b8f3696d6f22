import Foundation
import Testing
import Shared

/// Every row format SPEC §8 lists, from fixtures written for the purpose, through s1-fetch itself.
@Suite struct RowFormatTests {
    /// Runs s1-fetch on fixtures and returns the records by parsed JSON.
    func fetch(_ files: [String], _ extra: [String] = []) throws -> [[String: Any]] {
        let r = try Support.run("s1-fetch", files.map { Support.fixture("formats/" + $0) } + extra)
        #expect(r.status == 0, "\(r.stderr)")
        return Support.objects(r.stdout)
    }

    @Test func mathRowsTakeTheBoxedAnswerWhenNoAnswerField() throws {
        let r = try fetch(["math.jsonl"])[0]
        #expect(r["question"] as? String == "What is $1+1$?")
        #expect(r["answer"] as? String == "2")
        #expect(r["source_type"] as? String == "math")
        #expect(r["cot_type"] as? String == "math")
        #expect((r["metadata"] as? [String: Any])?["subject"] as? String == "Prealgebra")
        #expect(r["id"] as? String == SHA256.recordID("What is $1+1$?"))
    }

    @Test func math500RowsKeepTheirAnswerAndPathSourceType() throws {
        let r = try fetch(["math500.jsonl"])[0]
        #expect(r["answer"] as? String == "\\frac{5}{6}")
        #expect(r["source_type"] as? String == "math500")
        #expect((r["metadata"] as? [String: Any])?["unique_id"] as? String == "test/prealgebra/1.json")
    }

    @Test func aimeCSVHandlesQuotesCommasAndNewlines() throws {
        let rs = try fetch(["aime.csv"])
        #expect(rs.count == 2)
        #expect(rs[0]["question"] as? String == "Let $x$ , $y$ and $z$ exceed $1$. Find \"w\".")
        #expect(rs[0]["answer"] as? String == "60")
        #expect(rs[0]["source_type"] as? String == "aime")
        #expect(rs[1]["question"] as? String == "A question\nthat spans two lines, with a comma.")
        let meta = rs[1]["metadata"] as? [String: Any]
        #expect(meta?["Year"] as? String == "2024" && meta?["Part"] as? String == "I" && meta?["ID"] as? String == "2024-2")
    }

    @Test func aimeNoFiguresRowsMoveTheirOwnIdToMetadata() throws {
        let r = try fetch(["aime24_nofigures.jsonl"])[0]
        #expect(r["source_type"] as? String == "aime24")
        #expect(r["answer"] as? String == "204")
        #expect((r["id"] as? String)?.count == 16)
        #expect((r["metadata"] as? [String: Any])?["id"] as? Int == 60)
        let g = try fetch(["generic_aime25.jsonl"])[0]
        #expect(g["answer"] as? String == "70" && g["source_type"] as? String == "aime25")
    }

    @Test func gsm8kSplitsWorkFromTheHashAnswer() throws {
        let r = try fetch(["gsm8k.jsonl"])[0]
        #expect(r["answer"] as? String == "1234")
        #expect(r["solution"] as? String == "He has 1000+234=<<1000+234=1234>>1234.")
        #expect(r["source_type"] as? String == "gsm8k")
    }

    @Test func agievalRendersPassageAndOptionsWithLetterGold() throws {
        let rs = try fetch(["agieval.jsonl"])
        #expect(rs[0]["question"] as? String == "A passage about cats.\n\nWhich is true?\n\nAnswer Choices:\n(A) Cats fly\n(B) Cats purr\n(C) Cats bark\n(D) Cats swim")
        #expect(rs[0]["answer"] as? String == "B")
        #expect(rs[0]["solution"] as? String == "Cats purr.")
        #expect(rs[0]["source_type"] as? String == "agieval/agieval")
        #expect(rs[1]["question"] as? String == "Solve $x+1=2$.")
        #expect(rs[1]["answer"] as? String == "1")
    }

    @Test func gpqaShufflesOptionsBySeedAndTracksTheGoldLetter() throws {
        var letters: Set<String> = []
        for seed in 0..<12 {
            let rs = try fetch(["gpqa.csv"], ["--seed", "\(seed)"])
            #expect(rs.count == 2)
            let q = rs[0]["question"] as! String
            let gold = rs[0]["answer"] as! String
            letters.insert(gold)
            #expect(q.contains("(\(gold)) -1 e"), "gold \(gold) must point at the correct answer: \(q)")
            #expect(["+1 e", "0", "+2 e"].allSatisfy { q.contains(") \($0)\n") || q.hasSuffix(") \($0)") })
            #expect(rs[0]["cot_type"] as? String == "science")
            #expect(rs[0]["solution"] as? String == "Electrons are negative.")
            let again = try fetch(["gpqa.csv"], ["--seed", "\(seed)"])
            #expect(again[0]["question"] as? String == q, "same seed, same order")
        }
        #expect(letters.count >= 3, "the correct answer must not always sit at one letter")
    }

    @Test func numinaMathKeepsItsSubcollectionInSourceType() throws {
        let r = try fetch(["numinamath.jsonl"])[0]
        #expect(r["source_type"] as? String == "numinamath/olympiads")
        #expect(r["answer"] as? String == "3")
        #expect((r["metadata"] as? [String: Any])?["messages"] != nil)
    }

    @Test func omniMathRows() throws {
        let r = try fetch(["omnimath.jsonl"])[0]
        #expect(r["answer"] as? String == "\\pm 2")
        #expect(r["source_type"] as? String == "omnimath")
        #expect((r["metadata"] as? [String: Any])?["difficulty"] as? Double == 5.0)
    }

    @Test func olympiadBenchJoinsSolutionsAndUnwrapsFinalAnswers() throws {
        let r = try fetch(["olympiadbench.jsonl"])[0]
        #expect(r["answer"] as? String == "2")
        #expect(r["solution"] as? String == "Two moves suffice.\n\nSo the answer is 2.")
        #expect(r["source_type"] as? String == "olympiadbench")
    }

    @Test func champJoinsSolutionSteps() throws {
        let r = try fetch(["champ.jsonl"])[0]
        #expect(r["solution"] as? String == "Step one.\nStep two.")
        #expect(r["answer"] as? String == "239")
        #expect(r["source_type"] as? String == "champ")
    }

    @Test func s1kRowsPassThroughWithTheirTraces() throws {
        let r = try fetch(["s1k.jsonl"])[0]
        #expect(r["source_type"] as? String == "AI-MO/NuminaMath-CoT/aops_forum")
        #expect(r["thinking_trajectories"] as? [String] == ["Let me think.\nOK."])
        #expect(r["attempt"] as? String == "The value is 5.")
        #expect((r["metadata"] as? [String: Any])?["original"] as? String == "{'source': 'aops_forum'}")
    }

    @Test func s1k11RowsTrainOnTheDeepSeekTrace() throws {
        let r = try fetch(["s1k11.jsonl"])[0]
        #expect(r["thinking_trajectories"] as? [String] == ["Six sevens are 42."])
        #expect(r["attempt"] as? String == "**42**")
        #expect(r["gemini_attempt"] as? String == "42")
    }

    @Test func jsonArrayFilesAndDuplicateQuestionsAcrossSources() throws {
        let res = try Support.run("s1-fetch", [Support.fixture("formats/array.json"), Support.fixture("formats/array.json")])
        #expect(res.status == 0)
        #expect(Support.objects(res.stdout).count == 2)
        #expect(res.stderr.contains("duplicate question: 2"))
    }

    @Test func recordsAlreadyCarryingAnS1IdKeepIt() throws {
        let first = try Support.run("s1-fetch", [Support.fixture("formats/math.jsonl")])
        let again = try Support.run("s1-fetch", [], stdin: first.stdout)
        #expect(Support.objects(again.stdout)[0]["id"] as? String == Support.objects(first.stdout)[0]["id"] as? String)
    }

    @Test func rowsWithoutAQuestionAreBadInput() throws {
        let r = try Support.run("s1-fetch", [], stdin: "{\"problem\": \"ok?\", \"answer\": \"1\"}\n{\"foo\": 1}\n")
        #expect(r.status == 65)
        #expect(r.stderr.contains("stdin:2:"))
        let skip = try Support.run("s1-fetch", ["--skip-bad"], stdin: "{\"problem\": \"ok?\", \"answer\": \"1\"}\n{\"foo\": 1}\n")
        #expect(skip.status == 0 && Support.objects(skip.stdout).count == 1 && skip.stderr.contains("bad line: 1"))
    }
}

/// The built-in generator behind `synthetic:` sources.
@Suite struct SyntheticSourceTests {
    @Test func splitsAreDisjointDeterministicAndAnswersCheckOut() throws {
        let train = SyntheticProblems.generate(.train, count: 400, seed: 3)
        let again = SyntheticProblems.generate(.train, count: 400, seed: 3)
        let eval = SyntheticProblems.generate(.eval, count: 400, seed: 3)
        #expect(train.map(\.question) == again.map(\.question))
        #expect(Set(train.map(\.question)).isDisjoint(with: eval.map(\.question)))
        #expect(Set(train.map(\.family)) == Set(SyntheticProblems.families) && Set(train.map(\.difficulty)) == [1, 2, 3, 4, 5])
        for p in train + eval {
            let n = p.question.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            switch p.family {
            case "addition": #expect(p.answer == n[0] + n[1], "\(p.question)")
            case "counting": #expect(p.answer == (n[1]...n[2]).filter { $0 % n[0] == 0 }.count, "\(p.question)")
            case "modpow":
                var v = 1
                for _ in 0..<n[1] { v = v * n[0] % n[2] }
                #expect(p.answer == v, "\(p.question)")
            default: #expect(p.steps.contains("The value is \(p.answer)."))
            }
        }
        // Harder problems have longer traces (checks and slips add about the same length at every difficulty).
        let mean = { (d: Int) in Double(train.filter { $0.difficulty == d }.map { $0.steps.joined().count }.reduce(0, +)) / Double(train.filter { $0.difficulty == d }.count) }
        #expect(mean(5) > mean(1) * 1.3)
    }

    @Test func tracesCheckTheirWorkAndCatchTheirSlips() throws {
        let ps = SyntheticProblems.generate(.train, count: 800, seed: 5)
        let checked = ps.filter { $0.steps.dropLast().last!.hasPrefix("Wait, let me check") }
        let slipped = ps.filter { p in p.steps.dropLast().contains { $0.hasPrefix("Wait, ") && !$0.hasPrefix("Wait, let me check") } }
        // About half check just before concluding, about a quarter catch one slip.
        #expect((320...480).contains(checked.count) && (140...260).contains(slipped.count), "\(checked.count) \(slipped.count)")
        #expect(Set(slipped.map(\.family)) == Set(SyntheticProblems.families))
        for p in slipped {
            let i = try #require(p.steps.firstIndex { $0.hasPrefix("Wait, ") && !$0.hasPrefix("Wait, let me check") })
            // The corrected value is stated against the wrong one ("is 12, not 13" / "≡ 3, not 4"), and the
            // slipped step before it states the wrong one.
            let fix = p.steps[i]
            let wrong = try #require(fix.components(separatedBy: "not ").last?.prefix { $0.isNumber || $0 == "-" })
            #expect(!wrong.isEmpty && p.steps[i - 1].contains(String(wrong)), "\(p.steps[i - 1]) / \(fix)")
            #expect(p.steps.filter { $0.hasPrefix("Wait, ") && !$0.hasPrefix("Wait, let me check") }.count == 1)
        }
        // The slip never reaches the conclusion: every trace ends on its closing statement, with the answer.
        #expect(ps.allSatisfy { p in (p.steps.last!.hasPrefix("So ") || p.steps.last!.hasPrefix("The value is")) && p.steps.last!.hasSuffix(" \(p.answer).") || p.steps.last!.hasSuffix(" \(p.answer) multiples.") })
        // The counting family's wrong quotient is caught by multiplying back.
        let counting = try #require(slipped.first { $0.family == "counting" && $0.steps.contains { $0.contains(" is more than ") } })
        #expect(counting.steps.contains { $0.hasPrefix("Wait, ") && $0.contains(" × ") })
    }

    @Test func fetchReadsASyntheticSource() throws {
        let cache = Support.tempDir()
        let r = try Support.run("s1-fetch", ["synthetic:eval:20:7"], env: ["XDG_CACHE_HOME": cache])
        #expect(r.status == 0, "\(r.stderr)")
        let recs = Support.objects(r.stdout)
        #expect(recs.count == 20 && recs.allSatisfy { ($0["source_type"] as? String)?.hasPrefix("synthetic/") == true && $0["thinking_trajectories"] != nil })
        let bad = try Support.run("s1-fetch", ["synthetic:test:5"], env: ["XDG_CACHE_HOME": cache])
        #expect(bad.status == 64 && bad.stderr.contains("synthetic:train|eval:N"))
    }
}
