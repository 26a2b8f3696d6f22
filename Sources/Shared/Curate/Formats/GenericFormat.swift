/// Any other question table (AIME24/25 no-figures, AMC23, Minerva, …): the question from problem/question,
/// the gold from answer/final_answer, the rest kept in metadata.
public enum GenericFormat: RowFormat {
    public static let name = "generic"
    static let questionKeys = ["problem", "question", "Problem", "Question", "prompt"]
    static let answerKeys = ["answer", "final_answer", "gt", "Answer", "target"]

    public static func matches(_ row: JSONRef) -> Bool { questionKeys.contains(where: row.has) }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let qk = questionKeys.first(where: { row.text($0) != nil }), let q = row.text(qk) else { return nil }
        let sol = row.firstText(["solution", "Solution"])
        let ak = answerKeys.first { row.text($0) != nil }
        var answer = ak.flatMap { row.text($0) }
        if answer == nil, let l = row[ak ?? "final_answer"], l.isArray { answer = l.strings.joined(separator: ", ") }
        var m = MappedRow(question: q, solution: sol, answer: answer ?? sol.flatMap(BoxedAnswer.last),
                          sourceType: ctx.pathSourceType ?? ctx.stem, cotType: "math")
        var used: Set = [qk, "solution", "Solution"]
        if let ak { used.insert(ak) }
        if qk == "problem" && row.text("question") == q { used.insert("question") }  // Qwen's sets copy it
        m.metadata = row.metadata(except: used)
        return m
    }
}
