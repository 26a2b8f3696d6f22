/// OlympiadBench: question (with optional context), solution (list), final_answer (list), unit, subfield…
public enum OlympiadBenchFormat: RowFormat {
    public static let name = "olympiadbench"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("question") && row.has("final_answer")
    }

    /// Final answers arrive wrapped in `$…$`; several are listed comma-separated.
    static func bare(_ s: String) -> String {
        var t = s.trimmed
        while t.count >= 2 && t.hasPrefix("$") && t.hasSuffix("$") { t = String(t.dropFirst().dropLast()).trimmed }
        return t
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard var q = row.text("question") else { return nil }
        if let c = row.text("context"), !c.trimmed.isEmpty { q = c.trimmed + "\n\n" + q }
        let finals = row["final_answer"]!.strings.map(bare)
        guard !finals.isEmpty else { return nil }
        let sol = row["solution"].map { $0.strings.joined(separator: "\n\n") }
        let physics = (row.text("subject") ?? row.text("subfield") ?? "").lowercased().contains("physic")
        var m = MappedRow(question: q, solution: sol, answer: finals.joined(separator: ", "),
                          sourceType: ctx.pathSourceType ?? "olympiadbench", cotType: physics ? "science" : "math")
        m.metadata = row.metadata(except: ["question", "context", "solution", "final_answer"])
        return m
    }
}
