/// s1K and s1K-1.1 rows (and records this project wrote): already §2-shaped. Everything passes through in
/// order; s1K-1.1's DeepSeek trace and attempt become the training target when none is set.
public enum S1KFormat: RowFormat {
    public static let name = "s1k"

    public static func matches(_ row: JSONRef) -> Bool {
        row.has("question") && (row.has("cot_type") || row.has("thinking_trajectories")
            || row.has("deepseek_thinking_trajectory") || row.has("source_type"))
    }

    public static func map(_ row: JSONRef, _ ctx: RowContext) -> MappedRow? {
        guard let q = row.text("question") else { return nil }
        var m = MappedRow(question: q, solution: row.text("solution"), answer: row.text("answer"),
                          sourceType: row.text("source_type") ?? ctx.pathSourceType ?? "s1k",
                          cotType: row.text("cot_type") ?? "math")
        m.domain = row.text("domain")
        if let id = row.text("id"), id.count == 16, id.allSatisfy(\.isHexDigit) { m.keptID = id }
        let own: Set = ["id", "question", "solution", "answer", "source_type", "cot_type", "domain", "metadata"]
        if let meta = row["metadata"] {
            m.metadata = meta.isObject ? meta.members.map { ($0.key, .ref($0.value)) } : [("original", .ref(meta))]
        }
        if let id = row["id"], m.keptID == nil { m.metadata.append(("id", .ref(id))) }
        m.extra = row.members.filter { !own.contains($0.key) }.map { ($0.key, .ref($0.value)) }
        if !row.has("thinking_trajectories"), let t = row.text("deepseek_thinking_trajectory") {
            m.extra.append(("thinking_trajectories", .array([.string(t)])))
            if !row.has("attempt"), let a = row.text("deepseek_attempt") { m.extra.append(("attempt", .string(a))) }
        }
        return m
    }
}
