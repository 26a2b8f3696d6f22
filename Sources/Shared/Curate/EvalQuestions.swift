/// The questions of evaluation sets (files, URLs, named sources), each row mapped as s1-fetch maps it, for
/// decontamination. Any bad row stops the run: a silently shorter evaluation set would let leaks through.
public enum EvalQuestions {
    public static func forEach(_ specs: [String], resolver: SourceResolver, maxLineBytes: Int,
                               _ body: (String) -> Void) throws {
        let policy = BadLinePolicy(skipBad: false, rejects: nil, tally: Tally(tool: "eval sets"))
        for spec in specs {
            let r = try resolver.resolve(spec)
            let rows = try SourceRows(path: r.path, display: r.display, policy: policy, maxLineBytes: maxLineBytes)
            let ctx = RowContext(stem: SourceNaming.stem(r.path), pathSourceType: r.sourceType, seed: 0)
            while let (row, line) = try rows.next() {
                guard let f = RowFormats.detect(row.root), let m = f.map(row.root, ctx) else {
                    throw InputError(r.display, line: line, "evaluation row has no question")
                }
                body(m.question)
            }
        }
    }
}
