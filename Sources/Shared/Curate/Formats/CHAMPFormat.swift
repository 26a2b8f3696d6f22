/// CHAMP: identifier, category, problem, answer, solution_steps (list of sentences).
public enum CHAMPFormat: RowFormat {
    public static let name = "champ"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("problem") && row.has("solution_steps")
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("problem") else { return nil }
        let steps = row["solution_steps"]!.strings
        var m = MappedRow(question: q, solution: steps.isEmpty ? nil : steps.joined(separator: "\n"),
                          answer: row.text("answer"), sourceType: ctx.pathSourceType ?? "champ", cotType: "math")
        m.metadata = row.metadata(except: ["problem", "solution_steps", "answer"])
        return m
    }
}
