/// GPQA CSV: Question, Correct Answer, Incorrect Answer 1–3 (+ Explanation and many annotation columns).
/// The four options are shuffled by `--seed` and the row's own question, so the order is fixed for a seed
/// whatever else the input holds, and the gold is the letter the correct answer landed on.
public enum GPQAFormat: RowFormat {
    public static let name = "gpqa"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("Question") && row.has("Correct Answer") && row.has("Incorrect Answer 1")
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("Question"), let right = row.text("Correct Answer") else { return nil }
        let wrong = (1...3).compactMap { row.text("Incorrect Answer \($0)") }
        guard wrong.count == 3 else { return nil }
        var options = [right] + wrong
        var order = Array(0..<4)
        var rng = SplitMix64(seed: ctx.seed, stream: q)
        rng.shuffle(&order)
        options = order.map { options[$0] }
        let gold = ChoiceRendering.letters[order.firstIndex(of: 0)!]
        var m = MappedRow(question: ChoiceRendering.render(question: q, options: options),
                          solution: row.text("Explanation"), answer: String(gold),
                          sourceType: ctx.pathSourceType ?? "gpqa", cotType: "science")
        m.domain = row.text("Subdomain")
        m.metadata = row.metadata(except: ["Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2",
                                           "Incorrect Answer 3", "Explanation"])
        return m
    }
}
