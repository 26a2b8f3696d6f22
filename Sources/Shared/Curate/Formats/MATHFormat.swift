/// MATH and MATH500 rows: problem, solution, answer (MATH500) or only a boxed answer in the solution
/// (MATH), subject, level, unique_id.
public enum MATHFormat: RowFormat {
    public static let name = "math"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("problem") && row.has("solution") && (row.has("subject") || row.has("level") || row.has("type"))
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("problem") else { return nil }
        let sol = row.text("solution")
        var m = MappedRow(question: q, solution: sol, answer: row.text("answer") ?? sol.flatMap(BoxedAnswer.last),
                          sourceType: ctx.pathSourceType ?? "math", cotType: "math")
        m.metadata = row.metadata(except: ["problem", "solution", "answer"])
        return m
    }
}
