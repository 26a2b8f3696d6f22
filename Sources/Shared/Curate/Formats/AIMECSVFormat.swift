/// The AIME 1983–2024 CSV: ID, Year, Problem Number, Question, Answer, Part.
public enum AIMECSVFormat: RowFormat {
    public static let name = "aime-csv"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("Question") && row.has("Answer") && (row.has("Problem Number") || row.has("Year"))
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("Question"), let a = row.text("Answer") else { return nil }
        var m = MappedRow(question: q, answer: a, sourceType: ctx.pathSourceType ?? "aime", cotType: "math")
        m.metadata = row.metadata(except: ["Question", "Answer"])
        return m
    }
}
