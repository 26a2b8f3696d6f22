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
