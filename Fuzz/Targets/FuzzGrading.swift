/// The judge's inputs: an answer section through extraction and the math parser, and (answer, gold)
/// pairs through the whole verdict. Each call must stay inside the judge's time budget and its bounds.
enum FuzzAnswer {
    static func run(_ b: UnsafeRawBufferPointer) {
        let s = FuzzTargets.text(b)
        if let e = FinalAnswer.extract(s) { _ = MathParser.parse(e) }
        _ = FinalAnswer.allBoxed(s)
        _ = MathParser.parse(s)
    }
}

enum FuzzJudge {
    static func run(_ b: UnsafeRawBufferPointer) {
        // The input is "answer\u{0}gold" (no NUL: the whole input against itself reversed).
        let s = FuzzTargets.text(b)
        let parts = s.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        let answer = String(parts[0]), gold = parts.count > 1 ? String(parts[1]) : String(answer.reversed())
        _ = Judge.verdict(extracted: FinalAnswer.extract(answer), gold: gold, section: answer)
        _ = Judge.equivalent(answer, gold)
    }
}

/// s1-score's summaries: each input line a record, graded and added to the report and the loss curve as
/// the tool does (bad records skipped), then every rendering: markdown, JSON, the Table 3 layout and both
/// plots. Hostile runs (huge token counts, odd budgets, one record in many runs) must render, not trap.
enum FuzzReport {
    static func run(_ b: UnsafeRawBufferPointer) {
        var rep = Report(tokensPerStep: Int(b.first ?? 100) + 1)
        rep.comparisons = [("base", "s1"), ("a", "b")]
        var curve = LossCurve()
        var start = 0
        let n = b.count
        while start < n {
            var end = start
            while end < n && b[end] != 10 { end += 1 }
            if let r = try? Record.parse(UnsafeRawBufferPointer(rebasing: b[start..<end])) {
                try? curve.add(r)
                if (try? Grader.grade(r)) != nil { try? rep.add(r) }
            }
            start = end + 1
        }
        _ = rep.markdown()
        _ = rep.json().bytes
        _ = MethodTable(rep).markdown()
        _ = rep.svg()
        if !curve.steps.isEmpty { _ = curve.svg(); _ = curve.summary }
    }
}
