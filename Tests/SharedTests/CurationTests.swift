import Foundation
import Testing
import Shared

@Suite struct CurationTests {
    static let rows: [(String, String)] = [
        (#"{"question": "Fine question?", "answer": "1", "source_type": "math"}"#, "keep"),
        (#"{"answer": "1"}"#, "missing question"),
        (#"{"question": "   ", "answer": "1"}"#, "missing question"),
        (#"{"question": "No gold?", "source_type": "math"}"#, "missing answer and solution"),
        (#"{"question": "Look: [asy]draw((0,0)--(1,1));[/asy]", "answer": "1", "source_type": "math"}"#, "[asy] diagram"),
        (#"{"question": "AIME keeps [asy]draw((0,0));[/asy]", "answer": "1", "source_type": "aime"}"#, "keep"),
        (#"{"question": "See ![fig](a.png) here", "answer": "1"}"#, "image reference"),
        (#"{"question": "p3. Find x.", "answer": "1"}"#, "p1. numbering"),
        (#"{"question": "Compute sp3. and also p12x", "answer": "1"}"#, "keep"),
        (#"{"question": "**Problem 4** Find x.", "answer": "1"}"#, "bold with digits"),
        (#"{"question": "**Note** bold without digits 4", "answer": "1"}"#, "keep"),
        (#"{"question": "Q?", "answer": "1", "thinking_trajectories": ["Error code: 429 - rate limited"]}"#, "API error in trace"),
        (#"{"question": "Q2?", "solution": "s", "attempt": "RateLimitError: slow down"}"#, "API error in trace"),
    ]

    @Test func qualityRulesEachDropWhatTheyName() throws {
        let q = QualityFilter()
        for (line, want) in Self.rows {
            let d = Support.tempDir()
            Support.write(d + "/r.jsonl", line + "\n")
            let r = try Support.records(d + "/r.jsonl")[0]
            #expect((q.check(r)?.rawValue ?? "keep") == want, "\(line)")
        }
    }

    @Test func qualityToolReportsCountsPerRule() throws {
        let input = Self.rows.map(\.0).joined(separator: "\n") + "\n"
        let r = try Support.run("s1-filter", ["quality"], stdin: input)
        #expect(r.status == 0)
        #expect(Support.objects(r.stdout).count == 4)
        #expect(r.stderr.contains("read 13, written 4, dropped 9"))
        for want in ["missing question: 2", "[asy] diagram: 1", "image reference: 1", "p1. numbering: 1", "bold with digits: 1", "API error in trace: 2", "missing answer and solution: 1"] {
            #expect(r.stderr.contains(want), "\(want) in \(r.stderr)")
        }
    }

    /// The AIME CSV holds AIME 2024 problems (re-typed, re-spaced); none may survive decontamination
    /// against s1's AIME24 set.
    @Test func noAIME24QuestionSurvivesFromTheAIMECSV() throws {
        let data = Support.sharedData
        try #require(FileManager.default.fileExists(atPath: data + "/aime_1983_2024/AIME_Dataset_1983_2024.csv"))
        let fetched = try Support.run("s1-fetch", [data + "/aime_1983_2024/AIME_Dataset_1983_2024.csv"])
        let all = Support.objects(fetched.stdout)
        let y2024 = all.filter { ($0["metadata"] as? [String: Any])?["Year"] as? String == "2024" }
        #expect(y2024.count >= 10)
        let r = try Support.run("s1-filter", ["decontaminate", "--against", data + "/s1_eval_aime24/aime24_nofigures.jsonl"], stdin: fetched.stdout)
        #expect(r.status == 0, "\(r.stderr)")
        let kept = Support.objects(r.stdout)
        let kept2024 = kept.filter { ($0["metadata"] as? [String: Any])?["Year"] as? String == "2024" }
        #expect(kept2024.isEmpty, "survived: \(kept2024.map { $0["question"] ?? "" })")
        // AIME boilerplate ("m and n are relatively prime positive integers. Find m+n") is shared by many
        // years, and s1's rule drops any shared 8-gram, so other years lose some rows, never most of them.
        #expect(kept.count > all.count / 2)
        #expect(kept.contains { ($0["metadata"] as? [String: Any])?["ID"] as? String == "1983-1" })
        #expect(r.stderr.contains("shares an 8-gram with an evaluation question: \(all.count - kept.count)"))
    }

    @Test func ngramsIgnoreLatexSpacingButNotWords() {
        var idx = NGramIndex()
        idx.add("Let $\\triangle ABC$ have circumcenter $O$ and incenter $I$ with $\\overline{IA}\\perp\\overline{OI}$, circumradius $13$, and inradius $6$.")
        #expect(idx.overlaps("Let $\\triangle$ $ABC$ have incenter $I$ and circumcenter $O$ with $\\overline{IA} \\perp \\overline{OI}$ , circumradius $13$ , and inradius $6$ ."))
        #expect(!idx.overlaps("Let triangle ABC have incenter I and circumcenter O with circumradius 14 and inradius 5."))
        var short = NGramIndex()
        short.add("What is 2+2?")
        #expect(short.overlaps("what is 2 + 2"))
        #expect(!short.overlaps("What is 2+3?"))
        var ws = NGramIndex(words: .whitespace)
        ws.add("one two three four five six seven eight nine")
        #expect(ws.overlaps("ONE   two three four five six seven eight"))
        #expect(!ws.overlaps("one, two three four five six seven eight"))
    }

    /// A pool of records with domains and trace lengths.
    func pool(_ spec: [(String, Int, String)]) throws -> RecordPool {
        let d = Support.tempDir()
        let text = spec.enumerated().map { i, s in
            #"{"id": "r\#(i)", "question": "q\#(i)", "domain": "\#(s.0)", "source_type": "\#(s.2)", "thinking_trajectories": ["\#(String(repeating: "t", count: s.1))"]}"#
        }.joined(separator: "\n")
        Support.write(d + "/p.jsonl", text + "\n")
        return RecordPool(records: try Support.records(d + "/p.jsonl"))
    }

    @Test func diversityIsDeterministicPerSeedAndKeepsTheForcedSet() throws {
        var spec: [(String, Int, String)] = []
        for i in 0..<60 { spec.append((["Geometry", "Number theory", "Combinatorics"][i % 3], 100 + i * 13 % 97, i == 7 ? "aime" : "math")) }
        let p = try pool(spec)
        let lengths = p.records.map(TraceLength.characters.measure)
        let forced = [7]
        let a = DiversitySampler(n: 10, seed: 1).select(pool: p, lengths: lengths, forced: forced)
        let b = DiversitySampler(n: 10, seed: 1).select(pool: p, lengths: lengths, forced: forced)
        let c = DiversitySampler(n: 10, seed: 2).select(pool: p, lengths: lengths, forced: forced)
        #expect(a == b)
        #expect(a != c)
        #expect(a.first == 7 && a.count == 10 && Set(a).count == 10)
        // Golden values: the sampler's stream is part of the contract (same set on every machine).
        #expect(a == [7, 37, 59, 14, 29, 35, 50, 22, 51, 5], "got \(a)")
    }

    @Test func diversityFavoursLongTracesWithWeightTwoToTheMinusRank() throws {
        // One domain of 4 with distinct lengths: first draw hits rank r with probability 2^-r / (15/8).
        let p = try pool([("D", 10, "m"), ("D", 40, "m"), ("D", 20, "m"), ("D", 30, "m")])
        let lengths = p.records.map(TraceLength.characters.measure)
        var hits = [Int](repeating: 0, count: 4)
        let trials = 4000
        for s in 0..<trials { hits[DiversitySampler(n: 1, seed: UInt64(s)).select(pool: p, lengths: lengths, forced: [])[0]] += 1 }
        // Longest is index 1 (rank 0), then 3, 2, 0.
        let expected = [1: 8.0 / 15, 3: 4.0 / 15, 2: 2.0 / 15, 0: 1.0 / 15]
        for (i, pr) in expected {
            let got = Double(hits[i]) / Double(trials)
            #expect(abs(got - pr) < 0.03, "index \(i): \(got) vs \(pr)")
        }
    }

    @Test func diversityPicksDomainsUniformly() throws {
        var spec: [(String, Int, String)] = []
        for i in 0..<90 { spec.append(("Big", i, "m")) }
        for i in 0..<10 { spec.append(("Small", i, "m")) }
        let p = try pool(spec)
        let lengths = p.records.map(TraceLength.characters.measure)
        let picked = DiversitySampler(n: 20, seed: 3).select(pool: p, lengths: lengths, forced: [])
        let small = picked.filter { $0 >= 90 }.count
        #expect(small >= 6 && small <= 10, "domains drawn uniformly, not by size: \(small) of 20 from the small one")
    }

    @Test func forceExpressionGrammar() throws {
        let d = Support.tempDir()
        Support.write(d + "/f.jsonl", """
        {"source_type": "aime", "teacher_correct": true}
        {"source_type": "aime", "teacher_correct": false}
        {"source_type": "gpqa", "teacher": "solution"}
        {"source_type": "math", "thinking_trajectories": ["\(String(repeating: "x", count: 6000))"]}
        {"source_type": "math", "thinking_trajectories": ["short"]}
        {"source_type": "agieval/sat-math", "thinking_trajectories": ["\(String(repeating: "x", count: 6000))"]}

        """)
        let rs = try Support.records(d + "/f.jsonl")
        let e = try ForceExpression(ForceExpression.s1Default)
        let got = rs.map { e.matches($0, traceLength: TraceLength.characters.measure($0)) }
        #expect(got == [true, false, true, true, false, false])
        let neg = try ForceExpression("!source_type~aime&source_type^agi")
        #expect(rs.map { neg.matches($0, traceLength: 0) } == [false, false, false, false, false, true])
        #expect(try ForceExpression("none").matches(rs[0], traceLength: 0) == false)
        #expect(throws: UsageError.self) { try ForceExpression("trace>abc") }
    }

    @Test func ablationSelectionsDoWhatTheyNameAndAreDeterministic() throws {
        var spec: [(String, Int, String)] = []
        for i in 0..<50 { spec.append((i < 45 ? "A" : "B", i, "m")) }
        let p = try pool(spec)
        let lengths = p.records.map(TraceLength.characters.measure)
        let longest = AblationSelect(mode: .longest, n: 5, seed: 0).select(pool: p, lengths: lengths)
        #expect(Set(longest) == Set(45..<50))
        let r1 = AblationSelect(mode: .random, n: 10, seed: 9).select(pool: p, lengths: lengths)
        #expect(r1 == AblationSelect(mode: .random, n: 10, seed: 9).select(pool: p, lengths: lengths))
        #expect(Set(r1).count == 10)
        let div = AblationSelect(mode: .diverse, n: 10, seed: 9).select(pool: p, lengths: lengths)
        #expect(div.filter { $0 >= 45 }.count >= 3, "diverse draws domains uniformly")
    }

    @Test func difficultyDropsWhatATaggedModelSolved() throws {
        let input = """
        {"id": "a", "outputs": [{"model": "base", "correct": true}]}
        {"id": "b", "outputs": [{"model": "base", "correct": false}, {"model": "other", "correct": true}]}
        {"id": "c", "outputs": [{"model": "base"}]}
        {"id": "d", "outputs": [{"model": "base", "correct": false}, {"model": "base", "correct": true}]}

        """
        let r = try Support.run("s1-filter", ["difficulty", "--drop-if-correct", "base"], stdin: input)
        #expect(r.status == 0)
        #expect(Support.objects(r.stdout).map { $0["id"] as! String } == ["b", "c"])
        #expect(r.stderr.contains("solved by base: 2"))
        #expect(r.stderr.contains("1 records had no graded output tagged base"))
        let both = try Support.run("s1-filter", ["difficulty", "--drop-if-correct", "base,other"], stdin: input)
        #expect(Support.objects(both.stdout).map { $0["id"] as! String } == ["c"])
    }

    @Test func tracesFromATeacherTagOrTheSolution() throws {
        let input = """
        {"id": "a", "question": "q", "outputs": [{"model": "teacher", "thinking": "hmm", "answer": "Answer: 4", "correct": true}]}
        {"id": "b", "question": "q", "outputs": [{"model": "someone", "thinking": "x", "answer": "y"}]}

        """
        let r = try Support.run("s1-filter", ["traces", "--from", "teacher"], stdin: input)
        let o = Support.objects(r.stdout)
        #expect(o.count == 1)
        #expect(o[0]["thinking_trajectories"] as? [String] == ["hmm"])
        #expect(o[0]["attempt"] as? String == "Answer: 4")
        #expect(o[0]["teacher"] as? String == "teacher" && o[0]["teacher_correct"] as? Bool == true)
        #expect(r.stderr.contains("no output tagged teacher: 1"))
        let s = try Support.run("s1-filter", ["traces", "--from", "solution"], stdin: #"{"question": "q", "solution": "Work. So $\boxed{7}$.", "answer": "7"}"# + "\n" + #"{"question": "q2"}"# + "\n")
        let so = Support.objects(s.stdout)
        #expect(so.count == 1 && so[0]["attempt"] as? String == "\\boxed{7}" && so[0]["teacher"] as? String == "solution")
        #expect(s.stderr.contains("no solution: 1"))
    }

    @Test func classifierPutsClearCasesInTheirMSCSubject() throws {
        let c = try MSCClassifier()
        #expect(c.classify("Find the remainder when $2^{100}$ is divided by 7 (mod 7).", sourceSubject: nil, cotType: "math") == "Number theory")
        #expect(c.classify("In triangle $ABC$, the angle at $A$ is 60 degrees and the circumcircle has radius 2.", sourceSubject: nil, cotType: "math") == "Geometry")
        #expect(c.classify("A fair coin is flipped 10 times. What is the probability of exactly 3 heads?", sourceSubject: nil, cotType: "math") == "Probability theory and stochastic processes")
        #expect(c.classify("Solve it.", sourceSubject: "Number Theory", cotType: "math") == "Number theory")
        #expect(c.classify("A block of mass 2 kg slides with friction; find its acceleration.", sourceSubject: nil, cotType: "science") == "Mechanics of particles and systems")
    }
}
