/// Omni-MATH: domain (list of paths), difficulty, problem, solution, answer, source.
public enum OmniMATHFormat: RowFormat {
    public static let name = "omnimath"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("problem") && row.has("difficulty") && row.has("answer") && row.has("domain")
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("problem") else { return nil }
        var m = MappedRow(question: q, solution: row.text("solution"), answer: row.text("answer"),
                          sourceType: ctx.pathSourceType ?? "omnimath", cotType: "math")
        m.metadata = row.metadata(except: ["problem", "solution", "answer"])
        return m
    }
}
