/// NuminaMath-CoT / -1.5: problem, solution (answer boxed inside), source (the sub-collection), messages.
public enum NuminaMathFormat: RowFormat {
    public static let name = "numinamath"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("problem") && row.has("solution") && row.has("source") && (row.has("messages") || row.has("problem_type"))
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("problem") else { return nil }
        let sol = row.text("solution")
        let sub = row.text("source") ?? "unknown"
        var m = MappedRow(question: q, solution: sol, answer: row.text("answer") ?? sol.flatMap(BoxedAnswer.last),
                          sourceType: "numinamath/\(sub)", cotType: "math")
        m.metadata = row.metadata(except: ["problem", "solution", "answer"])
        return m
    }
}
