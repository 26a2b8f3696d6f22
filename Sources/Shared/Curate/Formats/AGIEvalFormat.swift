/// AGIEval v1: passage, question, options, label (letter, or letters), answer (cloze tasks), other.
/// Options are rendered into the question; the gold is the letter.
public enum AGIEvalFormat: RowFormat {
    public static let name = "agieval"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("question") && row.has("options") && row.has("label")
    }

    /// s1's categories: the SAT/LSAT/LogiQA reading and logic tasks are English, science subjects science.
    static func cotType(_ task: String) -> String {
        if task.contains("math") || task.contains("aqua") { return "math" }
        if ["physics", "chemistry", "biology", "geography"].contains(where: task.contains) { return "science" }
        return "english"
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("question") else { return nil }
        var text = q
        if let p = row.text("passage"), !p.trimmed.isEmpty { text = p.trimmed + "\n\n" + q.trimmed }
        let options = row["options"]?.strings.map(ChoiceRendering.stripLabel) ?? []
        if !options.isEmpty { text = ChoiceRendering.render(question: text, options: options) }
        let gold: String?
        if let l = row["label"], l.isArray {
            gold = l.strings.joined(separator: ",")
        } else {
            gold = row.text("label") ?? row.text("answer")
        }
        guard let gold, !gold.isEmpty else { return nil }
        let task = ctx.stem
        var m = MappedRow(question: text, solution: row["other"]?["solution"]?.string, answer: gold,
                          sourceType: "agieval/\(task)", cotType: cotType(task))
        m.metadata = row.metadata(except: ["question", "passage", "options", "label"])
        return m
    }
}
