/// GSM8K: question, and an answer whose last line is "#### n" after the worked solution.
public enum GSM8KFormat: RowFormat {
    public static let name = "gsm8k"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("question") && (row["answer"]?.string?.contains("####") ?? false)
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("question"), let full = row.text("answer"),
              let mark = full.range(of: "####", options: .backwards) else { return nil }
        let work = String(full[..<mark.lowerBound]).trimmed
        let final = String(full[mark.upperBound...]).trimmed.replacingOccurrences(of: ",", with: "")
        guard !final.isEmpty else { return nil }
        var m = MappedRow(question: q, solution: work, answer: final, sourceType: ctx.pathSourceType ?? "gsm8k", cotType: "math")
        m.metadata = row.metadata(except: ["question", "answer"])
        return m
    }
}
